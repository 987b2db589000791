import Foundation
import Testing

@testable import ResponsesAPI

@Suite("Retry policy")
struct RetryPolicyTests {
    private let policy = RetryPolicy(random: { 0.5 })

    @Test func defaults() {
        let policy = RetryPolicy()
        #expect(policy.maxAttempts == 4)
        #expect(policy.baseDelay == .milliseconds(500))
        #expect(policy.maxDelay == .seconds(8))
    }

    @Test func exponentialWithFullJitterAndCap() {
        #expect(policy.delay(forAttempt: 1) == .milliseconds(250))
        #expect(policy.delay(forAttempt: 2) == .milliseconds(500))
        #expect(policy.delay(forAttempt: 3) == .milliseconds(1000))
        #expect(policy.delay(forAttempt: 6) == .seconds(4))  // ceiling 16 s capped at 8 s
        let top = RetryPolicy(random: { 0.999 })
        #expect(top.delay(forAttempt: 10) <= .seconds(8))
        let bottom = RetryPolicy(random: { 0 })
        #expect(bottom.delay(forAttempt: 3) == .zero)
    }

    @Test func retryAfterWinsButIsCapped() {
        #expect(policy.delay(forAttempt: 1, retryAfter: 2) == .seconds(2))
        #expect(policy.delay(forAttempt: 1, retryAfter: 0.25) == .milliseconds(250))
        #expect(policy.delay(forAttempt: 1, retryAfter: 120) == .seconds(8))
    }

    @Test func parsesRetryAfterSecondsAndDates() {
        let now = Date(timeIntervalSince1970: 1_758_064_442)  // Tue, 16 Sep 2025 23:14:02 GMT
        #expect(RetryPolicy.parseRetryAfter("3", now: now) == 3)
        #expect(RetryPolicy.parseRetryAfter(" 1.5 ", now: now) == 1.5)
        #expect(RetryPolicy.parseRetryAfter("Tue, 16 Sep 2025 23:14:07 GMT", now: now) == 5)
        #expect(RetryPolicy.parseRetryAfter("Tue, 16 Sep 2025 23:00:00 GMT", now: now) == 0)
        #expect(RetryPolicy.parseRetryAfter("soon", now: now) == nil)
        #expect(RetryPolicy.parseRetryAfter("-4", now: now) == nil)
    }

    @Test func retryableStatuses() {
        let retried = (100...599).filter { policy.shouldRetry(status: $0) }
        #expect(retried == [408, 409, 429] + Array(500...599))
    }
}
