import ArgumentParser
import Foundation
import ResponsesEmulator

/// The `convo-emulator` command: runs the emulator until SIGINT/SIGTERM.
@main
struct ConvoEmulator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convo-emulator",
        abstract: "A TEST DOUBLE of the Responses API (api.openai.com / api.x.ai) on loopback. Not a model.",
        discussion: """
            Serves POST /v1/responses (JSON or SSE), POST /v1/responses/compact (a deterministic compaction that keeps the name it was told), GET and DELETE /v1/responses/{id}, GET /v1/responses/{id}/input_items (every content part as sent: text, images, files) and GET /v1/models (a fixed list of the flavour's models, its default among them) with the status codes, error envelopes, ids and body layout of the chosen flavour. Its "model" is deterministic: it remembers a name it was told ("my name is X" -> "Your name is X.") and otherwise answers "Echo: <message> (I see N earlier messages.)". Storage is in memory only.

            When ready it prints exactly one line on stdout: listening on http://HOST:PORT

            Test-only endpoints: GET /_emulator/requests returns {"requests":[{method, path, query, status, authorization (true/false, never the key), previous_response_id, fault, body}]}; DELETE /_emulator/requests clears that log.

            TEST ONLY, off by default: --test-clock (loopback hosts only) adds POST /_emulator/advance?seconds=N, which moves the emulator's clock N seconds forward (answer: {"advanced":N,"now":UNIX}), so a test gets past --retention-seconds without sleeping. Without the flag the path does not exist and time is the system clock.

            Per-request faults: header X-Emulator-Fault, ';'-separated fields; it replaces the run's fault flags for that request.
              status=N             HTTP N with the flavour's error body
              retry-after=S        Retry-After seconds (default 1 for 429)
              count=N              only the first N requests with this exact
                                   header value fail; later ones pass
              cut-after=N          stream: drop the connection after N events
              malformed-event[=I]  stream: event I (default: first text delta)
                                   carries invalid JSON
              slow-stream-ms=N     stream: wait N ms before each event
              echo-authorization   a leaky server: the error (status, default
                                   500) quotes the Authorization header
              latency-ms=N         wait N ms before answering
              id=TOKEN             ignored; a fresh value restarts count
            Example: X-Emulator-Fault: status=429;retry-after=1;count=2
            """)

    @Option(help: "Interface to bind.") var host = "127.0.0.1"
    @Option(help: "Port to bind; 0 picks a free one (read it from the 'listening on' line).") var port = 0
    @Option(help: "Server to imitate: openai or xai.") var flavor: FlavorArgument = .openai
    @Option(help: "Bearer key clients must send; without it any request is accepted.") var apiKey: String?
    @Option(help: "Seconds a stored response lives (default 30 days).") var retentionSeconds = 30 * 24 * 3600
    @Option(help: "Milliseconds to wait before each answer.") var latencyMs = 0
    @Option(help: "Answer the first N API requests with --fail-status.") var failFirst = 0
    @Option(help: "Let the first N API requests pass, then answer every later one with --fail-status.") var failAfter: Int?
    @Option(help: "Status for --fail-first and --fail-after: 429 (with Retry-After) or 500.") var failStatus = 429
    @Option(help: "Retry-After seconds sent with --fail-status 429.") var retryAfter = 1
    @Option(help: "Drop every stream after N events.") var cutAfter: Int?
    @Flag(help: "Send one event with invalid JSON in every stream.") var malformedEvent = false
    @Option(help: "Milliseconds to wait before each stream event.") var slowStreamMs = 0
    @Option(help: "The model's context window in the emulator's tokens (one per word); a larger request gets the flavour's overflow error (OpenAI streams it as an error event).")
    var contextWindow: Int?
    @Flag(help: "TEST ONLY: serve POST /_emulator/advance?seconds=N to move the clock forward (loopback hosts only).")
    var testClock = false

    func run() async throws {
        var faults = FaultPlan(
            latencyMilliseconds: latencyMs, cutAfterEvents: cutAfter,
            malformedEventIndex: malformedEvent ? FaultPlan.firstTextDelta : nil, slowStreamMilliseconds: slowStreamMs)
        if failFirst > 0 {
            faults.status = failStatus
            faults.count = failFirst
            faults.retryAfterSeconds = failStatus == 429 ? retryAfter : nil
        }
        if let failAfter {
            faults.status = failStatus
            faults.passFirst = failAfter
            faults.retryAfterSeconds = failStatus == 429 ? retryAfter : nil
        }
        let configuration = EmulatorConfiguration(
            host: host, port: port, flavor: flavor.flavor, apiKey: apiKey,
            retention: TimeInterval(retentionSeconds), faults: faults, testClock: testClock ? AdvanceableClock() : nil,
            contextWindow: contextWindow)
        let host = self.host
        try await Emulator.run(configuration) { port in
            // Unbuffered, so a parent process reading a pipe sees the line at once.
            FileHandle.standardOutput.write(Data("listening on http://\(host):\(port)\n".utf8))
        }
    }
}

/// `--flavor` values.
enum FlavorArgument: String, ExpressibleByArgument, CaseIterable {
    case openai, xai
    var flavor: Flavor { self == .openai ? .openai : .xai }
}
