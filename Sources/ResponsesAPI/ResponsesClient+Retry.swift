/// A retry the client is about to make, for a notice on stderr: no retry happens silently.
public struct RetryNotice: Sendable, Equatable, CustomStringConvertible {
    /// `GET`, `POST` or `DELETE`.
    public var method: String
    /// The path below the base URL.
    public var path: String
    /// Why the previous attempt failed (already redacted).
    public var reason: String
    /// The attempt about to be made: 2 for the first retry.
    public var attempt: Int
    /// The attempts allowed in all.
    public var maxAttempts: Int
    /// How long the client waits first.
    public var delay: Duration

    /// "the server failed (HTTP 503): …; sending POST /responses again in 1s (attempt 2 of 4)".
    public var description: String {
        "\(reason); sending \(method) \(path) again \(waitPhrase(delay)) (attempt \(attempt) of \(maxAttempts))"
    }
}

extension ResponsesClient {
    /// Whether repeating a request can do harm.
    enum Repeatability {
        /// GET and DELETE: asking twice changes nothing.
        case idempotent
        /// POST /responses: each request that reaches the server may create (and bill) a response, so it is
        /// repeated only after a failure that proves nothing was created.
        case createsResponse
    }

    /// Runs `operation` until it succeeds, fails for good, or attempts run out; announces every retry.
    /// `mayRetry` can veto a retry (a stream that already delivered an event).
    func withRetries<T>(
        _ repeatability: Repeatability, method: String, path: String, mayRetry: () -> Bool = { true },
        _ operation: (Int) async throws(AttemptFailure) -> T
    ) async throws(ResponsesAPIError) -> T {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch {
                let failure = error
                guard attempt < retry.maxAttempts, !Task.isCancelled, mayRetry(), isRetryable(failure.error),
                    repeatability == .idempotent || failure.provesNothingCreated
                else {
                    throw failure.error
                }
                let delay = retry.delay(forAttempt: attempt, retryAfter: failure.retryAfter)
                onRetry(RetryNotice(
                    method: method, path: path, reason: failure.error.summary, attempt: attempt + 1,
                    maxAttempts: retry.maxAttempts, delay: delay))
                do {
                    try await sleep(delay)
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
        /// True when the failure shows the request created nothing on the server: the connection was never
        /// made, or the server turned the request away before doing anything (408, 429, 503).
        var provesNothingCreated: Bool

        init(_ error: ResponsesAPIError, retryAfter: Double? = nil, provesNothingCreated: Bool = false) {
            self.error = error
            self.retryAfter = retryAfter
            self.provesNothingCreated = provesNothingCreated
        }
    }
}
