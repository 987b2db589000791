import AsyncHTTPClient
import Foundation

extension ResponsesClient {
    /// Runs `body` with a client on its own HTTP connection pool (``recommendedHTTPConfiguration(timeout:)``)
    /// and shuts the pool down afterwards, whether `body` returns or throws. `timeout` is how long a request
    /// may wait for the server (``timeout``).
    ///
    /// Callers above this module never see `HTTPClient`, so they need not import AsyncHTTPClient.
    public static func withClient<T: Sendable>(
        baseURL: URL, apiKey: String, retry: RetryPolicy = RetryPolicy(), timeout: Duration = defaultTimeout,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        onRequest: @escaping @Sendable (SentRequest) -> Void = { _ in },
        onRetry: @escaping @Sendable (RetryNotice) -> Void = { _ in },
        _ body: (ResponsesClient) async throws -> T
    ) async throws -> T {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: recommendedHTTPConfiguration(timeout: timeout))
        let client = ResponsesClient(
            baseURL: baseURL, apiKey: apiKey, httpClient: http, retry: retry, sleep: sleep, timeout: timeout,
            onRequest: onRequest, onRetry: onRetry)
        do {
            let result = try await body(client)
            try? await http.shutdown()
            return result
        } catch {
            try? await http.shutdown()
            throw error
        }
    }
}
