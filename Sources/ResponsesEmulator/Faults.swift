import Foundation
import Synchronization

/// Faults to inject: for a whole run (`EmulatorConfiguration.faults`, the CLI flags)
/// or for one request (the `X-Emulator-Fault` header, which replaces the run's plan).
///
/// Header syntax: `;`-separated `key=value` pairs or bare flags, spaces ignored:
///
///     X-Emulator-Fault: status=429; retry-after=1; count=2
///     X-Emulator-Fault: cut-after=5
///     X-Emulator-Fault: malformed-event; slow-stream-ms=20
///
/// | key | meaning |
/// |---|---|
/// | `status=N` | answer with HTTP N and the flavour's error body (429 adds `Retry-After`) |
/// | `retry-after=S` | seconds in `Retry-After` (default 1; 429 only unless given) |
/// | `count=N` | only the first N requests carrying this exact header value fail; later ones pass, so a client retrying with the same headers sees N failures and then success. Without it every such request fails. Run-level: `--fail-first N` |
/// | `cut-after=N` | stream: close the connection after N events, with no terminal event |
/// | `malformed-event[=I]` | stream: event I (default: the first text delta) has invalid JSON in its `data:` line |
/// | `slow-stream-ms=N` | stream: wait N ms before each event |
/// | `latency-ms=N` | wait N ms before answering |
/// | `echo-authorization` | a leaky server: the error (`status`, default 500) quotes the `Authorization` header it received, as is, percent-encoded and in base64, so tests can prove the client redacts it |
/// | `id=TOKEN` | ignored; makes a header value distinct so its `count` starts afresh |
///
/// `count` limits the failures (`status`, `cut-after`, `malformed-event`); delays always apply.
public struct FaultPlan: Sendable, Equatable {
    /// Milliseconds to wait before answering.
    public var latencyMilliseconds = 0
    /// HTTP status to answer with instead of the real answer.
    public var status: Int?
    /// `Retry-After` seconds sent with `status`; nil sends 1 for 429 and nothing otherwise.
    public var retryAfterSeconds: Int?
    /// How many requests the failures hit; nil means every one.
    public var count: Int?
    /// Stream: events written before the connection is dropped.
    public var cutAfterEvents: Int?
    /// Stream: index of the event whose data line is not JSON.
    public var malformedEventIndex: Int?
    /// Stream: milliseconds to wait before each event.
    public var slowStreamMilliseconds = 0
    /// The injected error quotes the `Authorization` header received.
    public var echoAuthorization = false
    /// How many requests pass before the failures begin (run-level `--fail-after N`), so a test can let a
    /// session's first turns through and fail a later one.
    public var passFirst = 0

    /// A plan; the default injects nothing.
    public init(
        latencyMilliseconds: Int = 0, status: Int? = nil, retryAfterSeconds: Int? = nil,
        count: Int? = nil, cutAfterEvents: Int? = nil, malformedEventIndex: Int? = nil,
        slowStreamMilliseconds: Int = 0, echoAuthorization: Bool = false
    ) {
        self.latencyMilliseconds = latencyMilliseconds
        self.status = status
        self.retryAfterSeconds = retryAfterSeconds
        self.count = count
        self.cutAfterEvents = cutAfterEvents
        self.malformedEventIndex = malformedEventIndex
        self.slowStreamMilliseconds = slowStreamMilliseconds
        self.echoAuthorization = echoAuthorization
        if echoAuthorization, status == nil { self.status = 500 }
    }

    /// Marks "the first text delta" for `malformedEventIndex`.
    public static let firstTextDelta = -1

    /// True when the plan breaks streams.
    var breaksStreams: Bool { cutAfterEvents != nil || malformedEventIndex != nil }

    /// Parses an `X-Emulator-Fault` header value.
    public static func parse(header: String) throws(FaultHeaderError) -> FaultPlan {
        var plan = FaultPlan()
        for field in header.split(whereSeparator: { $0 == ";" || $0 == "," }) {
            let parts = field.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard let key = parts.first, !key.isEmpty else { continue }
            let raw = parts.count > 1 ? parts[1] : nil
            func number() throws(FaultHeaderError) -> Int {
                guard let raw, let n = Int(raw), n >= 0 else { throw FaultHeaderError(field: String(field)) }
                return n
            }
            switch key.lowercased() {
            case "status": plan.status = try number()
            case "retry-after": plan.retryAfterSeconds = try number()
            case "count": plan.count = try number()
            case "cut-after": plan.cutAfterEvents = try number()
            case "malformed-event": plan.malformedEventIndex = raw == nil ? firstTextDelta : try number()
            case "slow-stream-ms": plan.slowStreamMilliseconds = try number()
            case "latency-ms": plan.latencyMilliseconds = try number()
            case "echo-authorization": plan.echoAuthorization = true
            case "id": continue
            default: throw FaultHeaderError(field: String(field))
            }
        }
        if plan.echoAuthorization, plan.status == nil { plan.status = 500 }
        if let status = plan.status, !(100...599).contains(status) { throw FaultHeaderError(field: "status=\(status)") }
        return plan
    }
}

/// An `X-Emulator-Fault` header the emulator does not understand; answered with 400.
public struct FaultHeaderError: Error, Sendable, Equatable {
    /// The offending `key=value` field.
    public let field: String
    /// Message for the 400 body.
    public var message: String {
        "Invalid X-Emulator-Fault field '\(field)'. Expected status=N, retry-after=S, count=N, cut-after=N, malformed-event[=I], slow-stream-ms=N, latency-ms=N, echo-authorization or id=TOKEN, separated by ';'."
    }
}

/// Counts how often each fault plan has failed a request, to honour `count`.
final class FaultCounter: Sendable {
    private let hits = Mutex<[String: Int]>([:])

    /// Decides whether the failures of `plan` (known by `key`) apply to this request,
    /// and counts the hit. `applicable` says whether the plan has a failure for this kind of request.
    func shouldFail(_ plan: FaultPlan, key: String, applicable: Bool) -> Bool {
        guard applicable else { return false }
        return hits.withLock { hits in
            if plan.passFirst > 0 {
                let passed = hits["passed:" + key, default: 0]
                if passed < plan.passFirst {
                    hits["passed:" + key] = passed + 1
                    return false
                }
            }
            let used = hits[key, default: 0]
            if let count = plan.count, used >= count { return false }
            hits[key] = used + 1
            return true
        }
    }
}
