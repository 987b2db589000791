import Foundation
import ResponsesAPI

/// How `say` reaches an API server: the part of the outside world that is the network.
///
/// Every client gets its own connection pool that is shut down when the work is done.
public struct APITransport: Sendable {
    /// When to retry failed requests.
    public var retry: RetryPolicy
    /// Waits between retries.
    public var sleep: @Sendable (Duration) async throws -> Void
    /// Sees every request attempt as it is sent (method, path, body size).
    public var onRequest: @Sendable (SentRequest) -> Void
    /// How long a request may wait for the server (``ResponsesClient/timeout``); the use cases set it from
    /// ``RequestTimeout`` for each server they open.
    public var timeout: Duration = ResponsesClient.defaultTimeout

    /// Creates a transport.
    public init(
        retry: RetryPolicy = RetryPolicy(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        onRequest: @escaping @Sendable (SentRequest) -> Void = { _ in }
    ) {
        self.retry = retry
        self.sleep = sleep
        self.onRequest = onRequest
    }

    /// The real network with the default retry policy.
    public static let live = APITransport()
}

/// What the use cases (say, fetch, gc) ask of a Responses API server. The live ``ResponsesClient`` answers
/// over HTTP; tests give the environment a fake, so the use cases' decisions are tested without a server.
public protocol ResponsesService: Sendable {
    /// `POST /responses`, waiting for the whole response.
    func create(_ request: CreateResponseRequest) async throws(ResponsesAPIError) -> ResponseObject
    /// `POST /responses` streamed: every event to `onEvent`, then the terminal response.
    func stream(_ request: CreateResponseRequest, onEvent: (StreamEvent) -> Void) async throws(ResponsesAPIError) -> ResponseObject
    /// `GET /responses/{id}`.
    func retrieve(_ id: String) async throws(ResponsesAPIError) -> ResponseObject
    /// `GET /responses/{id}/input_items`, every page.
    func inputItems(_ id: String) async throws(ResponsesAPIError) -> [InputItem]
    /// `DELETE /responses/{id}`.
    func delete(_ id: String) async throws(ResponsesAPIError) -> DeletedResponse
    /// `POST /responses/compact` (a default answers that the service has no such endpoint).
    func compact(_ request: CompactRequest) async throws(ResponsesAPIError) -> CompactedResponse
    /// `GET /models`.
    func models() async throws(ResponsesAPIError) -> [ModelInfo]
}

extension ResponsesService {
    /// A service that cannot list models (a test fake written before `convo models`) says so.
    public func models() async throws(ResponsesAPIError) -> [ModelInfo] {
        throw .invalidResponse("this service does not list models")
    }
}

extension ResponsesClient: ResponsesService {}

/// Opens a ``ResponsesService`` for one server and closes it after use: the environment's client factory.
public protocol ResponsesServiceFactory: Sendable {
    /// Runs `body` with a service for `baseURL` authenticated by `apiKey`, retrying as `transport` says and
    /// announcing every retry on `notices`.
    func withService<T: Sendable>(
        baseURL: URL, apiKey: String, transport: APITransport, notices: TextSink,
        _ body: (any ResponsesService) async throws -> T
    ) async throws -> T
}

/// The real network: a ``ResponsesClient`` on its own connection pool per use.
public struct LiveResponsesServices: ResponsesServiceFactory {
    /// Creates the live factory.
    public init() {}

    /// Runs `body` with a live client, shutting its connections down afterwards.
    public func withService<T: Sendable>(
        baseURL: URL, apiKey: String, transport: APITransport, notices: TextSink,
        _ body: (any ResponsesService) async throws -> T
    ) async throws -> T {
        try await ResponsesClient.withClient(
            baseURL: baseURL, apiKey: apiKey, retry: transport.retry, timeout: transport.timeout, sleep: transport.sleep,
            onRequest: transport.onRequest, onRetry: { notices.line("convo: \($0)") }, body)
    }
}

extension ConvoEnvironment {
    /// Runs `body` with a service for `baseURL` and `apiKey` from the environment's factory, its requests
    /// waiting at most `timeout`. Every retry is announced on stderr, so that none happens silently. A request
    /// that timed out is ``SayError/requestTimedOut(_:streamed:)``, naming the setting that allows it longer.
    func withService<T: Sendable>(
        baseURL: URL, apiKey: String, timeout: RequestTimeout, _ body: (any ResponsesService) async throws -> T
    ) async throws -> T {
        var transport = transport
        transport.timeout = timeout.duration
        do {
            return try await services.withService(baseURL: baseURL, apiKey: apiKey, transport: transport, notices: errors, body)
        } catch ResponsesAPIError.timeout {
            throw SayError.requestTimedOut(timeout, streamed: nil)
        } catch ResponsesAPIError.streamTimedOut(let responseID) {
            throw SayError.requestTimedOut(timeout, streamed: true, responseID: responseID)
        }
    }
}
