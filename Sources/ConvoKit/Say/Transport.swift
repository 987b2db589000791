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

    /// Runs `body` with a client for `baseURL` and `apiKey`, closing its connections afterwards. Every retry is
    /// announced on `notices` (stderr), so that none happens silently.
    func withClient<T: Sendable>(
        baseURL: URL, apiKey: String, notices: TextSink, _ body: (ResponsesClient) async throws -> T
    ) async throws -> T {
        try await ResponsesClient.withClient(
            baseURL: baseURL, apiKey: apiKey, retry: retry, sleep: sleep, onRequest: onRequest,
            onRetry: { notices.line("convo: \($0)") }, body)
    }
}
