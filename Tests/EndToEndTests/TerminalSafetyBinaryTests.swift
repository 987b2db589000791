import Foundation
import Testing

/// The built binary on a real pseudo-terminal: a model's escape sequences, carriage returns and bidi overrides
/// are shown, not obeyed, on the terminal and in the pager; a pipe gets the exact bytes.
@Suite struct TerminalSafetyBinaryTests {
    static let osc52 = "\u{1B}]52;c;aGk=\u{07}"
    static let clear = "\u{1B}[2J"

    func repository() throws -> BinaryRunner {
        let shell = try BinaryRunner()
        try shell.run("init")
        // JSON escapes keep the file itself plain text.
        try shell.write("hostile.jsonl", [
            #"{"input":"q \u202elave \u001b]52;c;aGk=\u0007 \u001b[2J\rhidden","output":"one \u001b[2J\rover\ntwo \u001b]52;c;aGk=\u0007","created_at":"2026-11-20T10:00:00Z"}"#
        ])
        let imported = try shell.run("import", "hostile.jsonl")
        precondition(imported.status == 0, imported.err)
        return shell
    }

    /// Fails when `text` holds ESC, BEL, U+202E, or a carriage return other than the terminal's own CR LF.
    func expectNothingRaw(_ text: String, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n")
        for raw in ["\u{1B}", "\u{07}", "\r", "\u{202E}"] {
            #expect(!lines.contains(raw), "\(what) holds \(raw.debugDescription): \(text.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [["log"], ["log", "--oneline"], ["show"]])
    func theTerminalAndThePagerSeeVisibleControls(command: [String]) throws {
        let shell = try repository()
        defer { shell.cleanUp() }
        let direct = try shell.runOnTerminal(["--no-pager"] + command, variables: ["NO_COLOR": "1"])
        #expect(direct.status == 0, "\(direct.out)")
        expectNothingRaw(direct.out, "\(command) on the terminal")
        #expect(direct.out.contains("^[]52;c;aGk=^G") && direct.out.contains("<U+202E>lave"), "\(direct.out.debugDescription)")

        let paged = try shell.runOnTerminal(command, variables: ["NO_COLOR": "1", "CONVO_PAGER": "cat > paged.txt"])
        #expect(paged.status == 0, "\(paged.out)")
        let text = try #require(shell.read("paged.txt"))
        expectNothingRaw(text, "\(command) through the pager")
        #expect(text.contains("^[[2J"))
        if command == ["show"] { #expect(text.contains("    one ^[[2J^Mover\n    two ^[]52;c;aGk=^G\n"), "\(text.debugDescription)") }
    }

    @Test func aPipeGetsTheStoredBytes() throws {
        let shell = try repository()
        defer { shell.cleanUp() }
        let log = try shell.run("log", "--oneline")
        #expect(log.out.contains("q \u{202E}lave \(Self.osc52) \(Self.clear)"), "\(log.out.debugDescription)")
        let show = try shell.run("show")
        #expect(show.out.contains("one \(Self.clear)\rover\n    two \(Self.osc52)"), "\(show.out.debugDescription)")
    }
}
