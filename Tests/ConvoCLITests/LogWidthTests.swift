import ConvoStore
import Foundation
import Testing

@testable import ConvoCLI
@testable import ConvoKit

/// Cutting by the columns a line takes on a terminal.
@Suite struct DisplayWidthTests {
    @Test(arguments: [("abc", 3), ("日本語", 6), ("e\u{301}", 1), ("👍", 2), ("👩‍👩‍👧", 2), ("\u{1B}[33mab\u{1B}[m", 2), ("", 0)])
    func columns(text: String, expected: Int) {
        #expect(DisplayWidth.columns(of: text) == expected)
    }

    @Test func aLineThatFitsIsUnchangedAndALongerOneEndsInAnEllipsisWithinTheWidth() {
        #expect(DisplayWidth.cut("0123456789", to: 10) == "0123456789")
        #expect(DisplayWidth.cut("0123456789A", to: 10) == "012345678…")
        // A wide character that would straddle the edge is left out whole.
        #expect(DisplayWidth.cut("ab日本語cd", to: 6) == "ab日…")
        #expect(DisplayWidth.columns(of: DisplayWidth.cut("ab日本語cd", to: 6)) <= 6)
        // A combining mark stays with its letter.
        #expect(DisplayWidth.cut("e\u{301}e\u{301}e\u{301}e\u{301}", to: 3) == "e\u{301}e\u{301}…")
    }

    @Test func coloursAreKeptWholeAndResetAfterACut() {
        let line = "\u{1B}[33mabcdef\u{1B}[m ghijkl"
        let cut = DisplayWidth.cut(line, to: 5)
        #expect(cut == "\u{1B}[33mabcd…\u{1B}[m")
        #expect(DisplayWidth.columns(of: cut) == 5)
    }
}

/// `log`'s own layouts fit the terminal's width; a pipe, --json and a user's --format get every character.
@Suite struct LogWidthTests {
    static let longInput = "Please explain in detail why 日本語 text takes two columns per character \u{1B}[2J on a terminal"

    func harness() async throws -> Harness {
        let harness = try await Harness.withHistory()
        let name = try harness.file("long.jsonl", [
            #"{"input":"\#(Self.longInput.replacingOccurrences(of: "\u{1B}", with: "\\u001b"))","output":"A very long answer that goes on and on well past any narrow terminal's right edge.","model":"grok-4","created_at":"2026-11-20T10:03:00Z"}"#,
        ])
        #expect(await harness.run("import", name).status == 0)
        return harness
    }

    @Test(arguments: [["log", "--oneline"], ["log"], ["log", "--graph", "--all"], ["log", "--format=oneline", "--all"]])
    func onATerminalEveryLineFitsTheWidth(command: [String]) async throws {
        let harness = try await harness()
        harness.outputIsTerminal = true
        harness.terminalWidth = 40
        let result = await harness.run(arguments: command + ["--all", "--no-pager"])
        #expect(result.status == 0, "\(result.err)")
        #expect(!result.out.isEmpty)
        for line in result.lines {
            #expect(DisplayWidth.columns(of: line) <= 40, "\(command): '\(line)'")
        }
        #expect(result.out.contains("…"), "long lines were cut")
        #expect(!result.out.contains("\u{1B}[2J"), "the stored escape is shown, not obeyed")
        let wide = await { () -> Harness.Result in
            harness.terminalWidth = 200
            return await harness.run(arguments: command + ["--all", "--no-pager"])
        }()
        #expect(wide.lines.contains { DisplayWidth.columns(of: $0) > 40 }, "a wider terminal shows more")
    }

    @Test func aPipeJsonAndAUsersFormatAreNeverCut() async throws {
        let harness = try await harness()
        harness.terminalWidth = 40
        let piped = await harness.run("log", "--oneline", "--all")
        #expect(piped.lines.contains { DisplayWidth.columns(of: $0) > 40 }, "not a terminal: not cut")
        harness.outputIsTerminal = true
        let json = await harness.run("log", "--json", "--all", "--no-pager")
        #expect(json.out.contains("goes on and on well past any narrow terminal's right edge."))
        let format = await harness.run("log", "--format=%s", "--all", "--no-pager")
        #expect(format.out.contains("takes two columns per character"), "\(format.out)")
    }
}
