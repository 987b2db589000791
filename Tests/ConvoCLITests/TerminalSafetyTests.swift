import ConvoKit
import Foundation
import GRDB
import ResponsesEmulator
import Testing

@testable import ConvoCLI

/// Text a model or an import can hand convo that a terminal would obey: OSC 52 (sets the clipboard), a screen
/// clear, a carriage return that overprints, and a right-to-left override.
private enum Hostile {
    static let osc52 = "\u{1B}]52;c;aGk=\u{07}"
    static let clear = "\u{1B}[2J"
    /// The first line of the input (what log shows) holds every kind; `\r` ends the derived first line.
    static let input = "q \u{202E}lave \(osc52) \(clear)\rhidden"
    static let output = "line1 \u{202E}lave \(osc52) \(clear)\rover\nline2 \(clear) end"
    static let model = "m\(clear)"
    static let branch = "x\u{202E}y"
    static let instructions = "first \(osc52)\rsecond\nthird"

    /// What must never reach a terminal raw: ESC (so no OSC, CSI or colour of the model's), BEL, CR and U+202E.
    static let raw: [String] = ["\u{1B}", "\u{07}", "\r", "\u{202E}"]
    /// Their visible forms.
    static let visibleOSC = "^[]52;c;aGk=^G"
    static let visibleClear = "^[[2J"
    static let visibleOverride = "<U+202E>"

    /// A repository with one imported turn holding the hostile texts, the branch `x<U+202E>y`, and settings a
    /// hand-edited database could hold.
    static func harness() async throws -> Harness {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        let line = try JSONSerialization.data(withJSONObject: [
            "input": input, "output": output, "model": model, "response_id": "resp_\(clear)",
            "created_at": "2026-11-20T10:00:00Z",
        ])
        try (line + Data("\n".utf8)).write(to: harness.folder.appendingPathComponent("hostile.jsonl"))
        let imported = await harness.run("import", "hostile.jsonl")
        #expect(imported.status == 0, "\(imported.err)")
        #expect(await harness.run("branch", branch).status == 0)
        let queue = try DatabaseQueue(path: harness.database.path)
        try await queue.write { db in
            try db.execute(sql: "INSERT OR REPLACE INTO config(key, value) VALUES ('instructions', ?), ('model', ?)", arguments: [instructions, model])
        }
        try queue.close()
        return harness
    }

    /// Checks that `text` holds none of the raw characters.
    static func expectNoRaw(_ text: String, _ command: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        for character in raw {
            #expect(!text.contains(character), "\(command) printed \(character.debugDescription) raw", sourceLocation: sourceLocation)
        }
    }
}

/// On a terminal every command shows stored and server text with its control characters visible; through a
/// pipe, with --json or --raw, it keeps the bytes exact.
@Suite struct TerminalSafetyTests {
    /// Each command and what its visible output must contain.
    static let commands: [([String], [String])] = [
        (["log"], [Hostile.visibleOSC, Hostile.visibleClear, Hostile.visibleOverride, "m^[[2J", "resp_^[[2J"]),
        (["log", "--oneline"], [Hostile.visibleOSC, Hostile.visibleClear, Hostile.visibleOverride]),
        (["log", "--format=%s|%a|%m|%r|%d"], [Hostile.visibleOSC, "line1 <U+202E>lave", "|m^[[2J|resp_^[[2J|", "x<U+202E>y"]),
        (["log", "--graph"], [Hostile.visibleOSC]),
        (["show"], [Hostile.visibleOSC, Hostile.visibleClear, "^[[2J^Mhidden", "^[[2J^Mover", "m^[[2J", "resp_^[[2J"]),
        (["branch"], ["x<U+202E>y", Hostile.visibleOSC]),
        (["status"], [Hostile.visibleOSC, "Model:    m^[[2J"]),
        (["reflog", Hostile.branch], ["x<U+202E>y@{0}"]),
        (["config", "--list"], ["instructions=first ^[]52;c;aGk=^G^Msecond^Jthird", "model=m^[[2J"]),
        (["config", "instructions"], ["first ^[]52;c;aGk=^G^Msecond\nthird"]),
        (["search", "lave", "--all"], [Hostile.visibleOSC, Hostile.visibleOverride]),
        (["diff", "main", "main"], []),
    ]

    @Test(arguments: commands)
    func aTerminalSeesControlCharactersNotTheirEffects(command: [String], visible: [String]) async throws {
        let harness = try await Hostile.harness()
        harness.outputIsTerminal = true
        harness.variables["NO_COLOR"] = "1"  // so that any ESC in the output is a leak, not a colour
        let result = await harness.run(arguments: command)
        #expect(result.status == 0, "\(command): \(result.err)")
        // log and show page on a terminal: what the pager is given reaches the terminal too.
        let shown = result.out + result.paged
        Hostile.expectNoRaw(shown, command)
        Hostile.expectNoRaw(result.err, command)
        for text in visible { #expect(shown.contains(text), "\(command) should show \(text.debugDescription) in \(shown.debugDescription)") }
    }

    @Test func showKeepsTheAnswersLinesAndAOnelineSummaryShowsANewlineVisibly() async throws {
        let harness = try await Hostile.harness()
        harness.outputIsTerminal = true
        let show = await harness.run("--no-pager", "show")
        #expect(show.out.contains("\n    line2 "), "the answer keeps its newlines")
        let list = await harness.run("config", "--list")
        #expect(list.lines.count == 3, "one line per setting: \(list.lines)")
    }

    @Test func ourOwnColoursStillWorkOnATerminal() async throws {
        let harness = try await Hostile.harness()
        harness.outputIsTerminal = true
        let log = await harness.run("--no-pager", "log", "--oneline")
        #expect(log.out.contains("\u{1B}[33m"), "the short id is yellow")
        #expect(log.out.contains(Hostile.visibleClear))
        #expect(!log.out.contains(Hostile.clear) && !log.out.contains(Hostile.osc52))
    }

    @Test func diffShowsTheAnswersLinesVisibly() async throws {
        let harness = try await Hostile.harness()
        let other = try harness.file("other.jsonl", [#"{"input":"plain","output":"plain answer","conversation":"other"}"#])
        #expect(await harness.run("import", other).status == 0)
        harness.outputIsTerminal = true
        harness.variables["NO_COLOR"] = "1"
        let diff = await harness.run("diff", "main", "other")
        #expect(diff.status == 0, "\(diff.err)")
        Hostile.expectNoRaw(diff.out, ["diff"])
        #expect(diff.out.contains("-line1 <U+202E>lave ^[]52;c;aGk=^G ^[[2J^Mover"))
        #expect(diff.out.contains("model: m^[[2J"))
    }

    @Test(arguments: [["log", "--oneline"], ["show"], ["branch"], ["status"], ["config", "instructions"]])
    func aPipeGetsTheExactBytes(command: [String]) async throws {
        let harness = try await Hostile.harness()
        let result = await harness.run(arguments: command)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("\u{1B}]52;c;aGk=\u{07}"), "\(command) through a pipe: \(result.out.debugDescription)")
        #expect(!result.out.contains("^["))
    }

    @Test func jsonAndRawKeepTheBytesExactOnATerminalToo() async throws {
        let harness = try await Hostile.harness()
        harness.outputIsTerminal = true
        let show = try jsonObject(await harness.run("show", "--json").out)
        #expect(show["output"] as? String == Hostile.output)
        #expect(show["model"] as? String == Hostile.model)
        let log = try jsonObject(await harness.run("log", "--json").out)
        #expect((log["input"] as? String)?.hasPrefix("q \u{202E}lave \(Hostile.osc52)") == true)
        let config = try jsonObject(await harness.run("config", "--list", "--json").out)
        #expect(config["instructions"] as? String == Hostile.instructions)
        let branches = await harness.run("branch", "--json").out
        #expect(branches.contains(Hostile.branch))
    }

    /// Hostile sweep: `export --format markdown` on a terminal printed the stored texts raw (OSC 52, screen
    /// clear, U+202E), though the README says every command shows them visibly when stdout is a terminal.
    /// FAILS on 657afd1.
    @Test func exportAsMarkdownOnATerminalShowsControlCharactersVisibly() async throws {
        let harness = try await Hostile.harness()
        harness.outputIsTerminal = true
        harness.variables["NO_COLOR"] = "1"
        let result = await harness.run("export", "--format", "markdown")
        #expect(result.status == 0, "\(result.err)")
        Hostile.expectNoRaw(result.out + result.paged, ["export", "--format", "markdown"])
        #expect((result.out + result.paged).contains(Hostile.visibleOSC))
    }

    /// Hostile sweep: the messages of `branch`, `checkout` (and `branch -m` quoting the current branch's
    /// stored name) went to stderr with the name's control characters raw, though the README says messages on
    /// stderr always show them visibly. FAILS on 657afd1.
    @Test func branchAndCheckoutMessagesShowControlCharactersVisibly() async throws {
        let harness = try await Hostile.harness()
        let name = "n\u{202E}\u{9B}2Jz"
        for command in [["branch", name], ["checkout", name], ["branch", "-m", "renamed"], ["checkout", "main"],
                        ["branch", "-m", "renamed", name], ["branch", "-D", name], ["checkout", "-b", name]] {
            let result = await harness.run(arguments: command)
            #expect(result.status == 0, "\(command): \(result.err)")
            Hostile.expectNoRaw(result.err, command)
            #expect(!result.err.contains("\u{9B}"), "\(command) printed U+009B raw: \(result.err.debugDescription)")
        }
    }

    @Test func errorMessagesShowControlCharactersVisibly() async throws {
        let harness = try await Hostile.harness()
        let result = await harness.run("show", "no\u{1B}[2Jsuch")
        #expect(result.status == 4)
        Hostile.expectNoRaw(result.err, ["show"])
        #expect(result.err.contains("no^[[2Jsuch"))
    }

    @Test(arguments: [true, false])
    func sayShowsTheStreamedAndTheFinalAnswerVisiblyOnATerminal(stream: Bool) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            harness.outputIsTerminal = true
            harness.variables["NO_COLOR"] = "1"
            let said = await harness.run("say", stream ? "--stream" : "--no-stream", Hostile.output)
            #expect(said.status == 0, "\(said.err)")
            Hostile.expectNoRaw(said.out, ["say"])
            Hostile.expectNoRaw(said.err, ["say"])
            #expect(said.out.contains("Echo: line1 <U+202E>lave ^[]52;c;aGk=^G ^[[2J^Mover\nline2 ^[[2J end"), "\(said.out.debugDescription)")
            // The stored answer and the server's own JSON keep the bytes.
            harness.outputIsTerminal = false
            let show = try jsonObject(await harness.run("show", "--json").out)
            #expect((show["output"] as? String)?.contains(Hostile.output) == true)
            let raw = try jsonObject(await harness.run("show", "--raw").out)
            let text = ((raw["output"] as? [[String: Any]])?.first?["content"] as? [[String: Any]])?.first?["text"] as? String
            #expect(text?.contains(Hostile.output) == true)
        }
    }

    @Test func sayThroughAPipeKeepsTheBytes() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            for arguments in [["say", "--stream", Hostile.output], ["say", Hostile.output]] {
                let said = await harness.run(arguments: arguments)
                #expect(said.status == 0, "\(said.err)")
                #expect(said.out.contains(Hostile.output), "\(arguments.dropLast()): \(said.out.debugDescription)")
            }
        }
    }
}

/// The one escaping function every command uses.
@Suite struct VisibleTextTests {
    @Test func controlsShowInCaretNotationAndFormatCharactersAsCodePoints() {
        #expect(VisibleText.line("a\u{1B}[2Jb\u{07}\u{7F}\u{0}") == "a^[[2Jb^G^?^@")
        #expect(VisibleText.line("\u{9B}31m \u{202E}x\u{2066}\u{2028}") == "<U+009B>31m <U+202E>x<U+2066><U+2028>")
        #expect(VisibleText.line("a\tb\nc\r\nd") == "a\tb^Jc^M^Jd")
        #expect(VisibleText.block("a\tb\nc\r\nd\re") == "a\tb\nc\nd^Me")
    }

    @Test func theByteCheckFindsExactlyTheScalarsThatNeedEscaping() {
        // Each scalar alone and between other text: the quick check on the bytes must
        // flag exactly those the escaping changes (and the tab, which it keeps).
        // The ranges around every lead byte the check looks at (C2, D8, E2) and their neighbours.
        for value in Array(UInt32(0)...0x100) + Array(0x5F0...0x640) + Array(0x1FF0...0x2200) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            for text in [String(scalar), "a\(scalar)b", "“\(scalar)"] {
                var copy = text
                let flagged = copy.withUTF8 { VisibleText.mayNeedEscape($0) }
                let expected = VisibleText.needsEscape(scalar)
                #expect(flagged == expected, "U+\(String(value, radix: 16)) in \(text.debugDescription)")
                #expect((VisibleText.line(text) != text) == (expected && scalar != "\t"), "U+\(String(value, radix: 16))")
            }
        }
    }

    @Test func ordinaryTextIsUntouched() {
        let text = "Grüße, 東京 👨‍👩‍👧 — “quotes” ‏"
        #expect(VisibleText.line("Grüße, 東京 👨‍👩‍👧 — “quotes”") == "Grüße, 東京 👨‍👩‍👧 — “quotes”")
        #expect(VisibleText.line(text).hasSuffix("<U+200F>"))
    }

    func stream(_ pieces: [String]) -> String {
        let stream = VisibleStream()
        return pieces.map(stream.next).joined() + stream.finish()
    }

    @Test func aStreamSplitInsideCRLFStillPrintsOneNewline() {
        #expect(stream(["a\r", "\nb\r", "c\r"]) == "a\nb^Mc^M")
    }
}
