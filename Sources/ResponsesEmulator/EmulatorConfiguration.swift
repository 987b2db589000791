import Foundation
import Synchronization

/// Which real server the emulator imitates: ids, body layout, error envelopes and
/// how `instructions` behave along a `previous_response_id` chain.
public enum Flavor: String, Sendable, CaseIterable {
    /// api.openai.com: `resp_<hex>` ids, pretty-printed bodies, nested errors,
    /// instructions not carried over a chain.
    case openai
    /// api.x.ai: UUID ids, flat `{"code","error"}` errors, instructions kept from the
    /// first turn and rejected together with `previous_response_id`.
    case xai
}

/// Where the emulator reads the time, so that retention can be tested without sleeping.
public struct EmulatorClock: Sendable {
    /// Returns the current time.
    public let now: @Sendable () -> Date

    /// A clock reading `now()`.
    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    /// The system clock.
    public static let system = EmulatorClock { Date() }
}

/// A clock that only moves when told to; hand its `clock` to `EmulatorConfiguration`.
public final class ManualClock: Sendable {
    private let current: Mutex<Date>

    /// A clock standing at `start`.
    public init(start: Date = Date(timeIntervalSince1970: 1_760_000_000)) { current = Mutex(start) }

    /// The time it shows.
    public var now: Date { current.withLock { $0 } }

    /// Moves the clock forward by `seconds`.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }

    /// An `EmulatorClock` that reads this clock.
    public var clock: EmulatorClock { EmulatorClock { [self] in self.now } }
}

/// TEST ONLY: the system clock plus every advance so far, for a test that runs the built
/// `convo-emulator --test-clock` and must get past retention without sleeping
/// (`POST /_emulator/advance?seconds=N`). Unlike `ManualClock` it keeps ticking, so
/// `created_at` still moves between requests as on a real server.
public final class AdvanceableClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)

    /// A clock showing the system time until it is first advanced.
    public init() {}

    /// The time it shows.
    public var now: Date { Date() + offset.withLock { $0 } }

    /// Moves the clock forward by `seconds` (never back: a stored response cannot get younger).
    public func advance(by seconds: TimeInterval) { offset.withLock { $0 += max(0, seconds) } }

    /// An `EmulatorClock` that reads this clock.
    public var clock: EmulatorClock { EmulatorClock { [self] in self.now } }
}

/// Everything a running emulator is configured with.
public struct EmulatorConfiguration: Sendable {
    /// Interface to bind; loopback by default.
    public var host: String
    /// Port to bind; 0 picks a free ephemeral port (read it back from `RunningEmulator.port`).
    public var port: Int
    /// Which server to imitate.
    public var flavor: Flavor
    /// The bearer key clients must send; nil accepts any request.
    public var apiKey: String?
    /// How long stored responses live (30 days, like both real servers).
    public var retention: TimeInterval
    /// Faults applied to every request that carries no `X-Emulator-Fault` header.
    public var faults: FaultPlan
    /// The time source for `created_at` and retention.
    public var clock: EmulatorClock
    /// TEST ONLY, nil (off) by default: when set, the time is read from it instead of `clock`
    /// and `POST /_emulator/advance?seconds=N` moves it forward. Only a loopback `host` may
    /// serve it (`Emulator.start` refuses any other), so nothing off the machine can age responses.
    public var testClock: AdvanceableClock?
    /// The model's context window in the emulator's tokens (words); nil (the default) for no limit. A request
    /// whose context is larger gets the flavour's overflow error, as the real servers answer.
    public var contextWindow: Int?

    /// A configuration; every argument has the default a real server would have.
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        flavor: Flavor = .openai,
        apiKey: String? = nil,
        retention: TimeInterval = 30 * 24 * 3600,
        faults: FaultPlan = FaultPlan(),
        clock: EmulatorClock = .system,
        testClock: AdvanceableClock? = nil,
        contextWindow: Int? = nil
    ) {
        self.host = host
        self.port = port
        self.flavor = flavor
        self.apiKey = apiKey
        self.retention = retention
        self.faults = faults
        self.clock = clock
        self.testClock = testClock
        self.contextWindow = contextWindow
    }

    /// The clock the server reads: the test clock when there is one.
    var effectiveClock: EmulatorClock { testClock?.clock ?? clock }

    /// Whether `host` names this machine's loopback interface only.
    var hostIsLoopback: Bool {
        ["localhost", "::1", "[::1]"].contains(host.lowercased()) || host.hasPrefix("127.")
    }

    /// Shorthand for `faults.latencyMilliseconds`.
    public var latencyMilliseconds: Int {
        get { faults.latencyMilliseconds }
        set { faults.latencyMilliseconds = newValue }
    }
}
