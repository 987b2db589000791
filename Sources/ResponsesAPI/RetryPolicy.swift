import Foundation

/// When and how long to wait before trying a request again.
///
/// Delays grow exponentially from `baseDelay` up to `maxDelay` with full jitter (a uniform
/// random fraction of the ceiling), so many clients do not retry in step. A server's
/// `Retry-After` is honoured instead, but never beyond `maxDelay`.
public struct RetryPolicy: Sendable {
    /// Total attempts, the first included; 1 means no retry.
    public var maxAttempts: Int
    /// The ceiling of the first retry's delay.
    public var baseDelay: Duration
    /// The largest delay ever waited.
    public var maxDelay: Duration
    /// Returns a number in `0..<1`; injectable so tests are deterministic.
    public var random: @Sendable () -> Double

    /// Creates a policy; the defaults are 4 attempts, 0.5 s base and 8 s cap.
    public init(
        maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(8),
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.random = random
    }

    /// A policy that never retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether an HTTP status is worth retrying: 408, 409, 429 and every 5xx.
    public func shouldRetry(status: Int) -> Bool {
        status == 408 || status == 409 || status == 429 || (500...599).contains(status)
    }

    /// How long to wait after failed attempt number `attempt` (1 for the first attempt).
    /// - Parameter retryAfter: The server's `Retry-After`, in seconds, if it sent one.
    public func delay(forAttempt attempt: Int, retryAfter: Double? = nil) -> Duration {
        if let retryAfter, retryAfter >= 0 {
            // Compared before converting: a server's `Retry-After: 1e300` does not fit in Int64 milliseconds.
            guard retryAfter < seconds(maxDelay) else { return maxDelay }
            return .milliseconds(Int64((retryAfter * 1000).rounded()))
        }
        let exponent = Double(max(0, attempt - 1))
        let ceiling = min(seconds(baseDelay) * pow(2, exponent), seconds(maxDelay))
        let fraction = min(max(random(), 0), 1)
        return .milliseconds(Int64((ceiling * fraction * 1000).rounded()))
    }

    /// Reads a `Retry-After` header: delta seconds, or an HTTP-date relative to `now`.
    /// A date in the past reads as zero; anything unreadable as nil.
    public static func parseRetryAfter(_ value: String, now: Date = Date()) -> Double? {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0 { return seconds }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    private func seconds(_ duration: Duration) -> Double {
        let parts = duration.components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
