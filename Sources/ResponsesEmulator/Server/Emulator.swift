import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// Starts a local Responses API server: a test double of api.openai.com / api.x.ai.
public enum Emulator {
    /// Starts a server in the background and returns once it listens.
    /// Call `stop()` on the result when done.
    public static func start(_ configuration: EmulatorConfiguration = EmulatorConfiguration()) async throws -> RunningEmulator {
        try checkTestClock(configuration)
        let state = EmulatorState(configuration)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let failure = Mutex<(any Error)?>(nil)
        let app = makeApplication(state) { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [app], logger: app.logger))
        let task = Task {
            do { try await group.run() } catch { failure.withLock { $0 = error } }
            continuation.finish()
        }
        for await port in ports {
            return RunningEmulator(port: port, configuration: configuration, state: state, group: group, task: task)
        }
        throw EmulatorError.failedToStart(failure.withLock { $0 }.map { "\($0)" } ?? "the server stopped before listening")
    }

    /// Runs a server until SIGINT or SIGTERM; `onListening` gets the bound port.
    public static func run(
        _ configuration: EmulatorConfiguration, onListening: @escaping @Sendable (Int) -> Void
    ) async throws {
        try checkTestClock(configuration)
        try await makeApplication(EmulatorState(configuration), onListening: onListening).runService()
    }

    /// The test clock lets any client age every stored response: never on an interface others can reach.
    private static func checkTestClock(_ configuration: EmulatorConfiguration) throws(EmulatorError) {
        if configuration.testClock != nil, !configuration.hostIsLoopback { throw .testClockOffLoopback(host: configuration.host) }
    }

    private static func makeApplication(
        _ state: EmulatorState, onListening: @escaping @Sendable (Int) -> Void
    ) -> Application<EmulatorResponder> {
        var logger = Logger(label: "convo-emulator") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .warning
        let config = state.configuration
        return Application(
            responder: state.responder,
            configuration: ApplicationConfiguration(address: .hostname(config.host, port: config.port), serverName: nil),
            onServerRunning: { channel in onListening(channel.localAddress?.port ?? config.port) },
            logger: logger)
    }
}

/// Why the emulator could not start.
public enum EmulatorError: Error, Equatable, CustomStringConvertible {
    /// Binding or starting failed; the reason says why.
    case failedToStart(String)
    /// `--test-clock` was asked for on a host that is not loopback.
    case testClockOffLoopback(host: String)

    /// A one-line explanation.
    public var description: String {
        switch self {
        case .failedToStart(let reason): "convo-emulator could not start: \(reason)"
        case .testClockOffLoopback(let host):
            "convo-emulator: --test-clock serves only a loopback host, not '\(host)'; use --host 127.0.0.1"
        }
    }
}

/// The shared state of one server.
final class EmulatorState: Sendable {
    let configuration: EmulatorConfiguration
    let log = RequestLog()
    let runFaults: RunFaults
    let responder: EmulatorResponder

    init(_ configuration: EmulatorConfiguration) {
        self.configuration = configuration
        runFaults = RunFaults(configuration.faults)
        let store = ResponseStore(retention: configuration.retention, clock: configuration.effectiveClock)
        responder = EmulatorResponder(
            configuration: configuration,
            endpoints: Endpoints(
                flavor: configuration.flavor, store: store, clock: configuration.effectiveClock,
                contextWindow: configuration.contextWindow),
            log: log, faults: FaultCounter(), runFaults: runFaults)
    }
}

/// The run's fault plan, which an in-process test may replace while the server runs.
final class RunFaults: Sendable {
    private let plan: Mutex<FaultPlan>
    init(_ plan: FaultPlan) { self.plan = Mutex(plan) }
    var current: FaultPlan {
        get { plan.withLock { $0 } }
        set { plan.withLock { $0 = newValue } }
    }
}

/// A server started by `Emulator.start`.
public final class RunningEmulator: Sendable {
    /// The bound port.
    public let port: Int
    /// What it was started with.
    public let configuration: EmulatorConfiguration
    private let state: EmulatorState
    private let group: ServiceGroup
    private let task: Task<Void, Never>

    init(port: Int, configuration: EmulatorConfiguration, state: EmulatorState, group: ServiceGroup, task: Task<Void, Never>) {
        self.port = port
        self.configuration = configuration
        self.state = state
        self.group = group
        self.task = task
    }

    /// The API base URL, `http://127.0.0.1:PORT/v1`.
    public var baseURL: String { "http://\(configuration.host):\(port)/v1" }

    /// Every `/v1` request received so far, in the order they were answered.
    public func requestLog() -> [RecordedRequest] { state.log.all() }

    /// Forgets the requests logged so far.
    public func clearRequestLog() { state.log.clear() }

    /// Replaces the faults applied to requests without an `X-Emulator-Fault` header, from now on
    /// (e.g. make every DELETE fail after the responses were created).
    public func setFaults(_ plan: FaultPlan) { state.runFaults.current = plan }

    /// Stops the server and waits until it has: a graceful shutdown that lets answers
    /// in flight finish, and cancellation if that takes more than a few seconds.
    public func stop() async {
        await group.triggerGracefulShutdown()
        let task = self.task
        let watchdog = Task {
            try await Task.sleep(for: .seconds(3))
            task.cancel()
        }
        await task.value
        watchdog.cancel()
    }
}
