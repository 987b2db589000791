extension ResponsesClient {
    /// Runs `operation` until it succeeds, fails for good, or attempts run out.
    /// `mayRetry` can veto a retry (a stream that already showed output).
    func withRetries<T>(
        mayRetry: () -> Bool,
        _ operation: (Int) async throws(AttemptFailure) -> T
    ) async throws(ResponsesAPIError) -> T {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch {
                let failure = error
                guard attempt < retry.maxAttempts, !Task.isCancelled, mayRetry(), isRetryable(failure.error) else {
                    throw failure.error
                }
                do {
                    try await sleep(retry.delay(forAttempt: attempt, retryAfter: failure.retryAfter))
                } catch {
                    throw failure.error
                }
                attempt += 1
            }
        }
    }

    private func isRetryable(_ error: ResponsesAPIError) -> Bool {
        switch error {
        case .rateLimited: true
        case .server(let status, _), .badRequest(let status, _, _, _): retry.shouldRetry(status: status)
        case .connectionFailed: true
        case .streamInterrupted(_, let afterOutput): !afterOutput
        default: false
        }
    }

    /// A failed attempt, with the server's `Retry-After` when it sent one.
    struct AttemptFailure: Error {
        var error: ResponsesAPIError
        var retryAfter: Double?
        init(_ error: ResponsesAPIError, retryAfter: Double? = nil) {
            self.error = error
            self.retryAfter = retryAfter
        }
    }
}
