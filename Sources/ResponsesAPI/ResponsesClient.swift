import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// What one attempt of a request put on the wire; reported through `onRequest`.
public struct SentRequest: Sendable, Equatable {
    /// `GET`, `POST` or `DELETE`.
    public var method: String
    /// The path and query below the base URL, such as `/responses`.
    public var path: String
    /// The size of the request body in bytes (0 without a body).
    public var bodyBytes: Int
    /// 1 for the first attempt, 2 for the first retry, …
    public var attempt: Int
}

/// A client for the Responses API endpoints convo uses.
///
/// The key goes out only in the `Authorization` header; it is never logged and is
/// stripped from any error text the server echoes.
public struct ResponsesClient: Sendable {
    /// The API root, such as `https://api.x.ai/v1`.
    public let baseURL: URL
    /// When to retry.
    public let retry: RetryPolicy
    /// How long a request that makes a model answer (`create`, `stream`, `compact`) may wait for the response
    /// head: for a non-streamed request that is the whole answer. The body of a stream may take longer; the
    /// HTTP client's read timeout (``recommendedHTTPConfiguration(timeout:)``) bounds the gaps in it.
    public let timeout: Duration
    /// How long a lookup (`retrieve`, `delete`, `inputItems`, `models`) may wait: the shorter of `timeout` and
    /// ``lookupTimeoutLimit``, as a server answers those at once and a hung one should not hold `gc --remote`
    /// or `fetch` for the minutes a model may need.
    public var lookupTimeout: Duration { min(timeout, Self.lookupTimeoutLimit) }
    private let apiKey: String
    /// Strips the key, in any spelling, from every error this client throws.
    private let redactor: Redactor
    private let httpClient: HTTPClient
    let sleep: @Sendable (Duration) async throws -> Void
    private let onRequest: @Sendable (SentRequest) -> Void
    let onRetry: @Sendable (RetryNotice) -> Void

    /// Creates a client.
    /// - Parameters:
    ///   - sleep: Waits between retries; tests inject one that records instead of waiting.
    ///   - onRequest: Called for every attempt as it is sent, with the body size (for benchmarks).
    ///   - onRetry: Called before every retry, to say on stderr what happens.
    public init(
        baseURL: URL, apiKey: String, httpClient: HTTPClient, retry: RetryPolicy = RetryPolicy(),
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        timeout: Duration = ResponsesClient.defaultTimeout,
        onRequest: @escaping @Sendable (SentRequest) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in }
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.redactor = Redactor(secrets: [apiKey])
        self.onRetry = onRetry
        self.httpClient = httpClient
        self.retry = retry
        self.timeout = timeout
        self.sleep = sleep
        self.onRequest = onRequest
    }

    /// How long a request may wait for the server unless the caller says otherwise: 600 s, as the providers'
    /// own SDKs allow (OpenAI's default request timeout), since a reasoning model may think for minutes before
    /// a non-streamed answer's first byte.
    public static let defaultTimeout: Duration = .seconds(600)

    /// The most a lookup (``lookupTimeout``) waits: 120 s.
    public static let lookupTimeoutLimit: Duration = .seconds(120)

    /// An HTTP client configuration suited to this client: a refused connection fails at
    /// once (instead of AsyncHTTPClient retrying it until the deadline, which would hide it
    /// from the retry policy), connecting may take 10 s, the connection may be silent for
    /// `timeout` (a non-streamed answer sends nothing until it is whole; a stream, nothing
    /// between its events), and redirects are not followed, so the key is never sent on to another host.
    public static func recommendedHTTPConfiguration(timeout: Duration = defaultTimeout) -> HTTPClient.Configuration {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: timeAmount(timeout))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.redirectConfiguration = .disallow
        return configuration
    }

    /// `POST /responses` without streaming; returns the finished response.
    public func create(_ request: CreateResponseRequest) async throws(ResponsesAPIError) -> ResponseObject {
        var request = request
        request.stream = false
        let body = try encode(request)
        let data = try await withRetries(.createsResponse, method: "POST", path: "/responses") {
            attempt throws(AttemptFailure) in
            let response = try await send(
                .POST, "/responses", body: body, attempt: attempt,
                previousResponseID: request.previousResponseID)
            return try await collect(response)
        }
        return try ResponseObject(data: data)
    }

    /// `GET /responses/{id}`.
    public func retrieve(_ id: String) async throws(ResponsesAPIError) -> ResponseObject {
        let path = "/responses/\(escape(id))"
        let data = try await withRetries(.idempotent, method: "GET", path: path) { attempt throws(AttemptFailure) in
            try await collect(send(.GET, path, attempt: attempt, requestedID: id, waiting: lookupTimeout))
        }
        return try ResponseObject(data: data)
    }

    /// `DELETE /responses/{id}`.
    public func delete(_ id: String) async throws(ResponsesAPIError) -> DeletedResponse {
        let path = "/responses/\(escape(id))"
        let data = try await withRetries(.idempotent, method: "DELETE", path: path) { attempt throws(AttemptFailure) in
            try await collect(send(.DELETE, path, attempt: attempt, requestedID: id, waiting: lookupTimeout))
        }
        do {
            return try JSONDecoder().decode(DeletedResponse.self, from: data)
        } catch {
            throw .invalidResponse("not a deletion result: \(decodingSummary(error, data))")
        }
    }

    /// `GET /responses/{id}/input_items`, following `after=<last_id>` while `has_more`.
    public func inputItems(_ id: String) async throws(ResponsesAPIError) -> [InputItem] {
        var items: [InputItem] = []
        var after: String?
        while true {
            let page = try await inputItemsPage(id, after: after)
            items += page.data
            guard page.hasMore, let last = page.lastID, last != after else { return items }
            after = last
        }
    }

    /// One page of `GET /responses/{id}/input_items`, oldest first.
    public func inputItemsPage(_ id: String, after: String? = nil) async throws(ResponsesAPIError)
        -> InputItemList
    {
        var path = "/responses/\(escape(id))/input_items?limit=100&order=asc"
        if let after { path += "&after=\(escape(after))" }
        let data = try await withRetries(.idempotent, method: "GET", path: path) { attempt throws(AttemptFailure) in
            try await collect(send(.GET, path, attempt: attempt, requestedID: id, waiting: lookupTimeout))
        }
        return try InputItemList(data: data)
    }

    // MARK: - Plumbing shared with streaming

    func encode(_ request: CreateResponseRequest) throws(ResponsesAPIError) -> Data {
        do { return try request.encodedBody() } catch {
            throw .invalidResponse("could not encode the request: \(error)")
        }
    }

    /// Sends one attempt and returns the response head of a 2xx reply, waiting for it at most `waiting`
    /// (default ``timeout``); maps anything else.
    func send(
        _ method: HTTPMethod, _ path: String, body: Data? = nil, accept: String = "application/json",
        attempt: Int, requestedID: String? = nil, previousResponseID: String? = nil, waiting: Duration? = nil
    ) async throws(AttemptFailure) -> HTTPClientResponse {
        var base = baseURL.absoluteString
        if base.hasSuffix("/") { base.removeLast() }
        let url = base + path
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(apiKey)")
        request.headers.add(name: "Accept", value: accept)
        request.headers.add(name: "User-Agent", value: "convo")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        onRequest(SentRequest(method: method.rawValue, path: path, bodyBytes: body?.count ?? 0, attempt: attempt))

        let response: HTTPClientResponse
        do {
            response = try await httpClient.execute(request, timeout: Self.timeAmount(waiting ?? timeout))
        } catch {
            throw AttemptFailure(transport(error), provesNothingCreated: failedBeforeSending(error))
        }
        guard !(200..<300).contains(response.status.code) else { return response }
        let retryAfter = response.headers.first(name: "Retry-After").flatMap { RetryPolicy.parseRetryAfter($0) }
        let errorBody = (try? await response.body.collect(upTo: 1 << 20)).map { Data($0.readableBytesView) } ?? Data()
        let mapped = ResponsesAPIError.from(
            status: Int(response.status.code), body: errorBody, retryAfter: retryAfter,
            requestedID: requestedID, previousResponseID: previousResponseID, url: url.split(separator: "?").first.map(String.init))
        // 408, 429 and 503 turn a request away before it is worked on; anything else may have created a response.
        let turnedAway = [408, 429, 503].contains(Int(response.status.code))
        throw AttemptFailure(mapped.redacting(redactor), retryAfter: retryAfter, provesNothingCreated: turnedAway)
    }

    func collect(_ response: HTTPClientResponse) async throws(AttemptFailure) -> Data {
        do {
            return Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
        } catch {
            throw AttemptFailure(transport(error))
        }
    }

    /// Maps a transport failure to a typed error whose text cannot carry the key.
    func transport(_ error: any Error) -> ResponsesAPIError {
        classifyTransportError(error).redacting(redactor)
    }

    private func escape(_ component: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?&=#")
        return component.addingPercentEncoding(withAllowedCharacters: allowed) ?? component
    }

    private static func timeAmount(_ duration: Duration) -> TimeAmount {
        let parts = duration.components
        return .nanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
    }
}
