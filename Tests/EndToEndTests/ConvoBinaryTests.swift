import Foundation
import Testing

/// The built `convo` binary, run in a temporary folder as a user would.
@Suite(.serialized) struct ConvoBinaryTests {
    static let transcript = [
        #"{"input":"Hello, my name is Alice. Remember this.","output":"Hello Alice! I will remember that.","model":"grok-4","created_at":"2026-11-20T10:00:00Z","response_id":"resp_a1"}"#,
        #"{"input":"What's my name?","output":"Your name is Alice.","model":"grok-4","created_at":"2026-11-20T10:01:00Z","response_id":"resp_a2"}"#,
        #"{"input":"Plan a trip to Rome","output":"Day 1: the Colosseum.","conversation":"travel","parent":0,"created_at":"2026-11-20T10:02:00Z"}"#,
    ]

    @Test func aNewcomersSessionFromInitToExport() throws {
        let shell = try BinaryRunner()
        defer { shell.cleanUp() }
        let initialized = try shell.run("init", "--model", "grok-4")
        #expect(initialized.status == 0)
        #expect(initialized.out.hasPrefix("Initialized empty convo repository in "))
        let imported = try shell.run("import", "-", stdin: Data((Self.transcript.joined(separator: "\n") + "\n").utf8))
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out.isEmpty, "import reports on stderr only")

        let log = try shell.run("log", "--oneline")
        #expect(log.lines.count == 2)
        #expect(log.lines[0].hasSuffix("(HEAD -> main) What's my name?  →  Your name is Alice."))
        #expect(!log.out.contains("\u{1B}["))

        let graph = try shell.run("log", "--graph", "--all", "--oneline")
        #expect(graph.lines.map { String($0.prefix(2)) } == ["* ", "| ", "|/", "* "])

        #expect(try shell.run("checkout", "-b", "again", "HEAD~1").status == 0)
        #expect(try shell.run("status", "--json").out.contains(#""branch":"again""#))

        let export = try shell.run("export", "--all")
        let other = try BinaryRunner()
        defer { other.cleanUp() }
        try other.run("init")
        #expect(try other.run("import", "-", stdin: Data(export.out.utf8)).status == 0)
        for revision in ["main", "travel", "again"] {
            #expect(try other.run("rev-parse", revision).out == (try shell.run("rev-parse", revision).out), "\(revision)")
        }
        #expect(try other.run("fsck").status == 0)
    }

    @Test func exitCodesAreStableAndErrorsGoToStderr() throws {
        let shell = try BinaryRunner()
        defer { shell.cleanUp() }
        let outside = try shell.run("log")
        #expect(outside.status == 3)
        #expect(outside.err.hasPrefix("error: not a convo repository"))
        #expect(outside.out.isEmpty)

        try shell.run("init")
        try shell.write("t.jsonl", Self.transcript)
        #expect(try shell.run("import", "t.jsonl").status == 0)
        let unknown = try shell.run("show", "nope")
        #expect(unknown.status == 4)
        #expect(unknown.err.hasPrefix("error: no turn matches 'nope'"))
        #expect(try shell.run("log", "-n", "-1").status == 2)
        #expect(try shell.run("frobnicate").status == 2)
        #expect(try shell.run("branch", "bad..name").status == 2)
        #expect(try shell.run("branch", "-d", "main").status == 1)
        let invalid = try shell.run("import", "-", stdin: Data("{\"input\":\"x\"}\n".utf8))
        #expect(invalid.status == 5)
        #expect(invalid.err.contains("stdin:1: missing required field 'output'"))
        let help = try shell.run("--help")
        #expect(help.status == 0)
        #expect(help.out.contains("SUBCOMMANDS"))
    }

    /// Inputs that crashed the binary (a stack overflow on long revisions, an overflow trap on huge day counts)
    /// are errors with their documented exit codes, and the repository keeps working afterwards.
    @Test func hostileArgumentsAreErrorsNotCrashes() throws {
        let shell = try BinaryRunner()
        defer { shell.cleanUp() }
        try shell.run("init")
        try shell.write("t.jsonl", Self.transcript)
        #expect(try shell.run("import", "t.jsonl").status == 0)
        for revision in ["HEAD" + String(repeating: "~1", count: 20_000), "HEAD" + String(repeating: "^", count: 50_000)] {
            let result = try shell.run("rev-parse", revision)
            #expect(result.status == 2, "\(result.status) \(result.err.prefix(200))")
            #expect(result.err.hasPrefix("error: invalid revision"), "\(result.err.prefix(200))")
            #expect(result.err.contains("at most 1024"))
        }
        let tooFar = try shell.run("rev-parse", "HEAD^^^")
        #expect(tooFar.status == 4)
        #expect(tooFar.err.contains("only 1 earlier turn exist"), "\(tooFar.err)")

        for (key, value) in [("retention_days", "106751991167300"), ("reflog_expire_days", "999999999999999"), ("reflog_expire_unreachable_days", "0")] {
            let refused = try shell.run("config", key, value)
            #expect(refused.status == 2, "\(key): \(refused.err)")
            #expect(refused.err.contains("36500"), "the message says the bounds: \(refused.err)")
        }
        let prune = try shell.run("gc", "--prune=99999999999999999.weeks.ago")
        #expect(prune.status == 0 || prune.status == 2, "\(prune.status) \(prune.err)")
        for arguments in [["status"], ["log", "--remote"], ["gc", "--dry-run"]] {
            let result = try shell.finish(shell.start(arguments))
            #expect(result.status == 0, "\(arguments): \(result.status) \(result.err)")
        }
    }

    @Test func concurrentWritersBothLand() throws {
        let shell = try BinaryRunner()
        defer { shell.cleanUp() }
        try shell.run("init")
        for name in ["a", "b", "c"] {
            try shell.write("\(name).jsonl", (0..<300).map { #"{"input":"\#(name) \#($0)","output":"answer \#($0)","conversation":"\#(name)"}"# })
        }
        let running = try ["a", "b", "c"].map { try shell.start(["import", "\($0).jsonl"]) }
        let results = try running.map { try shell.finish($0) }
        #expect(results.map(\.status) == [0, 0, 0], "\(results.map(\.err))")
        #expect(try shell.run("log", "--all", "--oneline").lines.count == 900)
        #expect(try shell.run("fsck").status == 0)
    }

    /// An llm user moves over: the built binary imports llm's own database from $LLM_USER_PATH (the real
    /// llm 0.36 wrote it) and compares the forked thread with the conversation it came from.
    @Test func anLLMUserImportsAndComparesAFork() throws {
        var shell = try BinaryRunner()
        defer { shell.cleanUp() }
        let llmHome = shell.folder.appendingPathComponent("llm")
        try FileManager.default.createDirectory(at: llmHome, withIntermediateDirectories: true)
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/llm-generated/llm-0.36-logs.db")
        try FileManager.default.copyItem(at: fixture, to: llmHome.appendingPathComponent("logs.db"))
        shell.environment["LLM_USER_PATH"] = llmHome.path
        try shell.run("init")
        let imported = try shell.run("import", "--from-llm")
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out.isEmpty)
        #expect(imported.err.contains("imported 4 llm conversations"))
        let diff = try shell.run("diff", "llm/hello-my-name-is-alice-rememb", "llm/paris-instead")
        #expect(diff.status == 0, "\(diff.err)")
        #expect(diff.lines.first?.hasPrefix("common ancestor: ") == true)
        #expect(diff.lines.filter { $0.hasPrefix("- ") }.count == 3)
        #expect(diff.lines.filter { $0.hasPrefix("+ ") }.count == 1)
        #expect(diff.lines.contains("+Parrot heard: Plan a trip to Paris instead"))
        #expect(!diff.out.contains("\u{1B}["))
        #expect(try shell.run("diff", "nope").status == 4)
    }
}
