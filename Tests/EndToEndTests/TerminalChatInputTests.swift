import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The chat prompt's line editor (ConvoCLI's TerminalChatInput on libedit) on a real pseudo-terminal, driven
/// through the test-support program chat-input-probe, which logs every entry it reads as a JSON line.
@Suite(.serialized) struct TerminalChatInputTests {
    static let prompt = "probe\u{1B}[0m> "
    static let enter = "\r"

    /// A folder with the probe's history and log, and a HOME of its own (no ~/.editrc of the person running the tests).
    final class Probe {
        let folder: URL
        var history: URL { folder.appendingPathComponent("chat_history") }
        var log: URL { folder.appendingPathComponent("entries.jsonl") }
        var environment: [String: String] { ["PATH": "/usr/bin:/bin", "HOME": folder.path, "TERM": "xterm"] }
        static let executable = BinaryRunner.productsFolder.appendingPathComponent("chat-input-probe").path

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("convo-tty-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        }

        var arguments: [String] { ["--history", history.path, "--log", log.path, "--secret", "sk-test-secret", "--complete", "/help,/history,/log"] }

        /// The probe started directly on a new terminal, its prompt shown.
        func start() throws -> PseudoTerminal {
            let terminal = try PseudoTerminal(Self.executable, arguments, environment: environment)
            try terminal.expect(TerminalChatInputTests.prompt)
            return terminal
        }

        /// The entries logged so far, as the JSON objects the probe wrote.
        func entries() throws -> [[String: Any]] {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            return try text.split(separator: "\n").map {
                try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
        }

        /// The texts of the entries logged so far; "<interrupt>" and "<end>" for the others.
        func texts() throws -> [String] {
            try entries().map { ($0["text"] as? String) ?? ($0["interrupt"] != nil ? "<interrupt>" : "<end>") }
        }

        deinit { try? FileManager.default.removeItem(at: folder) }
    }

    /// Types `keys`, then Enter, and waits for the probe's count of entries to reach `count`.
    func enter(_ keys: String, on terminal: PseudoTerminal, count: Int) throws {
        terminal.send(keys + Self.enter)
        try entered(count, on: terminal)
    }

    /// Waits for the probe's count of entries to reach `count` and for the next prompt: between entries the
    /// terminal is in its ordinary mode, where a Ctrl-C typed ahead would be the SIGINT a streaming answer needs.
    func entered(_ count: Int, on terminal: PseudoTerminal, prompt: String = TerminalChatInputTests.prompt) throws {
        try terminal.expect("[probe \(count)]")
        try terminal.expect(prompt)
    }

    /// Types one line of an open block or continuation and waits for the continuation prompt.
    func `continue`(_ line: String, on terminal: PseudoTerminal) throws {
        terminal.send(line + Self.enter)
        try terminal.expect("... ")
    }

    func exitedCleanly(_ terminal: PseudoTerminal) -> Bool {
        guard let status = terminal.waitForExit() else { return false }
        return status & 0x7F == 0 && (status >> 8) & 0xFF == 0
    }

    @Test func typedLinesAreEditedWithArrowsAndTheEmacsKeys() throws {
        let probe = try Probe()
        let terminal = try probe.start()
        defer { terminal.close() }
        // Left arrow twice and an insert; Ctrl-A and Ctrl-E.
        try enter("helo\u{1B}[D\u{1B}[Dl\u{1}>\u{5}!", on: terminal, count: 1)
        // Ctrl-W deletes the word before the cursor; Ctrl-U everything before it.
        try enter("one two three\u{17}", on: terminal, count: 2)
        try enter("thrown away\u{15}kept", on: terminal, count: 3)
        // No locale in the environment: what is typed is still UTF-8.
        try enter("héllo ✓ 日本", on: terminal, count: 4)
        terminal.send("\u{4}")
        #expect(exitedCleanly(terminal))
        #expect(try probe.texts() == [">hello!", "one two ", "kept", "héllo ✓ 日本", "<end>"])
        #expect(terminal.isCooked, "the terminal is back in its ordinary mode after the editor ends")
    }

    @Test func ctrlCInterruptsAndDropsTheLineCtrlDEnds() throws {
        let probe = try Probe()
        let terminal = try probe.start()
        defer { terminal.close() }
        terminal.send("half a thought\u{3}")
        try entered(1, on: terminal)
        // Ctrl-D deletes under the cursor on a line with text; it ends only on an empty line.
        try enter("ab\u{1B}[D\u{4}", on: terminal, count: 2)
        terminal.send("\u{4}")
        #expect(exitedCleanly(terminal))
        #expect(try probe.texts() == ["<interrupt>", "a", "<end>"])
        #expect(terminal.isCooked)
    }

    @Test func blocksAndTrailingBackslashesShowTheContinuationPrompt() throws {
        let probe = try Probe()
        let terminal = try probe.start()
        defer { terminal.close() }
        try `continue`("\"\"\"", on: terminal)
        try `continue`("# a heading", on: terminal)
        try `continue`("", on: terminal)
        try `continue`("  indented\\", on: terminal)
        try enter("\"\"\"", on: terminal, count: 1)
        try `continue`("first \\", on: terminal)
        try enter("second", on: terminal, count: 2)
        // Ctrl-C drops an open block; Ctrl-D ends one like its closing quotes.
        try `continue`("\"\"\"", on: terminal)
        try `continue`("dropped", on: terminal)
        terminal.send("\u{3}")
        try entered(3, on: terminal)
        try `continue`("\"\"\"", on: terminal)
        try `continue`("sent", on: terminal)
        terminal.send("\u{4}")
        try entered(4, on: terminal)
        terminal.send("\u{4}")
        #expect(exitedCleanly(terminal), "\(terminal.shown.debugDescription)")
        #expect(try probe.texts() == ["# a heading\n\n  indented\\", "first \nsecond", "<interrupt>", "sent", "<end>"])
    }

    @Test func aBracketedPasteOf200LinesIsOneEntry() throws {
        let probe = try Probe()
        let terminal = try probe.start()
        defer { terminal.close() }
        let lines = (1...200).map { "line \($0): \"\"\" some code \\ with { braces }" }
        // Terminals send a paste's newlines as carriage returns, between ESC [ 200 ~ and ESC [ 201 ~.
        terminal.send("Review this: \u{1B}[200~" + lines.joined(separator: "\r") + "\r\u{1B}[201~")
        try entered(1, on: terminal)
        // A paste without a newline is inserted for editing, and Enter sends it.
        try enter("a \u{1B}[200~pasted word\u{1B}[201~ edited", on: terminal, count: 2)
        terminal.send("\u{4}")
        #expect(exitedCleanly(terminal))
        let texts = try probe.texts()
        #expect(texts.count == 3)
        #expect(texts.first == "Review this: " + lines.joined(separator: "\n"))
        #expect(texts.dropFirst().first == "a pasted word edited")
        #expect(terminal.shown.contains("\u{1B}[?2004h"), "bracketed paste is switched on while a line is edited")
        #expect(terminal.shown.hasSuffix("\u{1B}[?2004l") || terminal.shown.contains("\u{1B}[?2004l"))
    }

    @Test func historySurvivesARestartInAPrivateFileWithoutSecrets() throws {
        let probe = try Probe()
        var terminal = try probe.start()
        try enter("alpha question", on: terminal, count: 1)
        try enter("my key is sk-test-secret", on: terminal, count: 2)
        try enter("beta question", on: terminal, count: 3)
        terminal.send("\u{4}")
        #expect(exitedCleanly(terminal))
        terminal.close()

        let attributes = try FileManager.default.attributesOfItem(atPath: probe.history.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let saved = try String(contentsOf: probe.history, encoding: .utf8)
        #expect(saved.contains("alpha"))
        #expect(!saved.contains("sk-test-secret"), "an entry holding a secret is never written: \(saved)")

        terminal = try probe.start()
        defer { terminal.close() }
        // Up once: the last entry of the earlier session; up twice more past it: the first.
        try enter("\u{1B}[A", on: terminal, count: 1)
        try enter("\u{1B}[A\u{1B}[A", on: terminal, count: 2)
        // Ctrl-R searches back as letters are typed.
        terminal.send("\u{12}beta")
        try terminal.expect("beta")
        try enter("", on: terminal, count: 3)
        terminal.send("\u{4}")
        #expect(exitedCleanly(terminal))
        #expect(try probe.texts().suffix(4) == ["beta question", "alpha question", "beta question", "<end>"])
    }

    @Test func tabCompletesThroughTheSessionsCompleter() throws {
        let probe = try Probe()
        let terminal = try probe.start()
        defer { terminal.close() }
        try enter("/l\t", on: terminal, count: 1)
        // Two candidates share "/h" only: Tab lists them, and one more letter makes it unique.
        terminal.send("/h\t")
        try terminal.expect("/help  /history")
        try enter("e\t", on: terminal, count: 2)
        terminal.send("\u{4}")
        #expect(exitedCleanly(terminal))
        #expect(try probe.texts() == ["/log ", "/help ", "<end>"])
    }

    @Test func ctrlZSuspendsWithTheTerminalRestoredAndFgResumesTheLine() throws {
        let probe = try Probe()
        // A job-control shell that leaves the terminal's modes alone (dash), so the test sees what the editor left.
        var environment = probe.environment
        environment["PS1"] = "shell$ "
        let terminal = try PseudoTerminal("/bin/sh", ["-i"], environment: environment)
        defer { terminal.close() }
        try terminal.expect("shell$ ")
        terminal.send(([Probe.executable] + probe.arguments).joined(separator: " ") + Self.enter)
        try terminal.expect(Self.prompt)
        terminal.send("before\u{1A}")
        try terminal.expect("shell$ ")
        #expect(terminal.isCooked, "stopped, the editor leaves the terminal as the shell needs it")
        terminal.send("fg" + Self.enter)
        try terminal.expect("before")
        #expect(!terminal.isCooked, "after fg the editor has the terminal again")
        try enter(" after", on: terminal, count: 1)
        terminal.send("\u{4}")
        try terminal.expect("shell$ ")
        #expect(terminal.isCooked)
        terminal.send("exit" + Self.enter)
        #expect(terminal.waitForExit() != nil)
        #expect(try probe.texts() == ["before after", "<end>"])
    }

    @Test func aResizedWindowKeepsTheLine() throws {
        let probe = try Probe()
        let terminal = try probe.start()
        defer { terminal.close() }
        terminal.send("wide")
        try terminal.expect("wide")
        terminal.resize(rows: 10, columns: 30)
        try enter(" then narrow", on: terminal, count: 1)
        terminal.send("\u{4}")
        #expect(exitedCleanly(terminal))
        #expect(try probe.texts() == ["wide then narrow", "<end>"])
    }

    @Test func aTerminationOrAClosedTerminalLeavesNoEditingModeAndNoHalfLine() throws {
        let probe = try Probe()
        var terminal = try probe.start()
        terminal.send("unfinished")
        try terminal.expect("unfinished")
        #expect(!terminal.isCooked)
        kill(terminal.pid, SIGTERM)
        let status = try #require(terminal.waitForExit())
        #expect(status & 0x7F == SIGTERM)
        #expect(terminal.isCooked, "killed while editing, the editor first puts the terminal back")
        terminal.close()

        terminal = try probe.start()
        defer { terminal.close() }
        terminal.send("unfinished")
        try terminal.expect("unfinished")
        terminal.hangUp()
        #expect(terminal.waitForExit() != nil, "a closed terminal ends the probe")
        #expect(try probe.texts().allSatisfy { $0 == "<end>" }, "nothing half typed is sent")
    }
}
