import ConvoCLI
import ConvoKit
import Foundation

/// Runs convo command lines in-process in a temporary folder with a pinned clock and captured streams.
final class Harness: @unchecked Sendable {
    let folder: URL
    var now = Date(timeIntervalSince1970: 1_764_000_000)
    var variables: [String: String] = [:]
    var outputIsTerminal = false
    /// The terminal's columns, as COLUMNS or the tty would give them.
    var terminalWidth = 80
    var inputIsTerminal = false
    /// Retries without waiting, so rate-limit tests take no time.
    var transport = APITransport(sleep: { _ in })
    /// How Ctrl-C reaches running work (the process's SIGINT unless a test injects its own).
    var interrupts = InterruptSource.live

    /// What the fake pager saw: the command convo chose, its environment and the text it was given.
    final class PagerRecord: @unchecked Sendable {
        var command: String?
        var variables: [String: String] = [:]
        let input = TextSink.memory()
        var finished = false
    }

    struct Result {
        var status: Int32
        var out: String
        var err: String
        /// The pager started for this run, if any.
        var pager: PagerRecord?
        /// What went through the pager.
        var paged: String { pager?.input.text ?? "" }
        /// Standard output split into lines.
        var lines: [String] { out.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).dropLast(out.hasSuffix("\n") ? 1 : 0) }
    }

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("convo-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    @discardableResult
    func run(_ arguments: String..., stdin: Data = Data(), in directory: URL? = nil) async -> Result {
        await run(arguments: arguments, stdin: stdin, in: directory)
    }

    /// Runs an argument list (for lists built at run time).
    @discardableResult
    func run(arguments: [String], stdin: Data = Data(), in directory: URL? = nil) async -> Result {
        let out = TextSink.memory(), err = TextSink.memory()
        let clock = now
        let record = PagerRecord()
        let pager = PagerLauncher { command, variables in
            record.command = command
            record.variables = variables
            return PagerSession(input: record.input) { record.finished = true }
        }
        let environment = ConvoEnvironment(
            workingDirectory: (directory ?? folder).path, variables: variables, now: { clock }, output: out, errors: err,
            input: .bytes(stdin), inputIsTerminal: inputIsTerminal, outputIsTerminal: outputIsTerminal, terminalWidth: terminalWidth,
            transport: transport, pager: pager, interrupts: interrupts)
        let status = await ConvoMain.run(arguments, environment: environment)
        return Result(status: status, out: out.text, err: err.text, pager: record.command == nil ? nil : record)
    }

    /// Writes a file in the folder and returns its name.
    func file(_ name: String, _ lines: [String]) throws -> String {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent(name))
        return name
    }

    /// An initialized repository holding the Alice conversation on main and a fork 'travel' from its first turn.
    static func withHistory() async throws -> Harness {
        let harness = try Harness()
        await harness.run("init")
        let name = try harness.file("history.jsonl", [
            #"{"input":"Hello, my name is Alice. Remember this.","output":"Hello Alice! I will remember that.","model":"grok-4","created_at":"2026-11-20T10:00:00Z","response_id":"resp_a1","usage":{"input_tokens":12,"output_tokens":9}}"#,
            #"{"input":"What's my name?","output":"Your name is Alice.","model":"grok-4","created_at":"2026-11-20T10:01:00Z","response_id":"resp_a2","usage":{"input_tokens":30,"output_tokens":6}}"#,
            #"{"input":"Plan a trip to Rome","output":"Day 1: the Colosseum.\nDay 2: the Vatican.","conversation":"travel","parent":0,"created_at":"2026-11-20T10:02:00Z"}"#,
        ])
        let result = await harness.run("import", name)
        precondition(result.status == 0, result.err)
        return harness
    }

    /// The repository's database file.
    var database: URL { folder.appendingPathComponent(".convo/store.sqlite") }
}

/// Parses one line of JSON output.
func jsonObject(_ line: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
}
