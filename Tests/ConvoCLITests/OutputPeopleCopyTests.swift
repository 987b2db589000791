import ConvoCLI
import Foundation
import Testing

/// Issue 12, "Output people copy": `show -o`, whole first lines in `log --json` and `--format %s`.
@Suite struct OutputPeopleCopyTests {
    static let long = "Please tell me, in as much detail as you can manage, everything about the history of Rome"

    func harness(answer: String) async throws -> Harness {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        let line = try JSONSerialization.data(withJSONObject: ["input": Self.long + "\nsecond line", "output": answer])
        try line.write(to: harness.folder.appendingPathComponent("one.jsonl"))
        let imported = await harness.run("import", "one.jsonl")
        #expect(imported.status == 0, "\(imported.err)")
        return harness
    }

    @Test func showOutputOnlyPrintsExactlyTheAnswer() async throws {
        let answer = "# Rome\n\n    indented code\nno newline at the end"
        let harness = try await harness(answer: answer)
        #expect(await harness.run("show", "-o").out == answer)
        #expect(await harness.run("show", "--output-only", "HEAD").out == answer)
        #expect(await harness.run("show", "-o", "--raw").status == 2)
    }

    @Test func showOutputOnlyOnATerminalShowsControlCharactersAndNeverPages() async throws {
        let harness = try await harness(answer: "red \u{1B}[31mtext")
        harness.outputIsTerminal = true
        let shown = await harness.run("show", "-o")
        #expect(!shown.out.contains("\u{1B}"))
        #expect(shown.pager == nil)
    }

    @Test func logJsonAndPercentSCarryTheWholeFirstLine() async throws {
        let harness = try await harness(answer: "Rome was founded, as the story goes, in 753 BC by Romulus and Remus.\nMore.")
        let json = try jsonObject(await harness.run("log", "--json").lines[0])
        #expect(json["input"] as? String == Self.long)
        #expect(json["output"] as? String == "Rome was founded, as the story goes, in 753 BC by Romulus and Remus.")
        #expect(await harness.run("log", "--format=%s").out == Self.long + "\n")
        #expect(await harness.run("log", "--format=%a").out == "Rome was founded, as the story goes, in 753 BC by Romulus and Remus.\n")
        // The one-line layout for a person still shortens.
        #expect(await harness.run("log", "--oneline").out.contains("…"))
    }
}
