import Foundation
import Testing

/// The index keeps only the start of a long first line (issue 11, "Store size"); what every command prints is
/// the same as when it kept the whole line.
@Suite struct LongFirstLineTests {
    static let input = "Ünïcödé 🇫🇷 line of a question that goes on well past fifty characters, with e\u{301} and 漢字 at its end"
    static let output = String(repeating: "a long answer that goes on ", count: 20) + "and ends here"

    static func harness() async throws -> Harness {
        let harness = try Harness()
        await harness.run("init")
        let line = try JSONSerialization.data(withJSONObject: [
            "input": input + "\nsecond line", "output": "  " + output + "  \nmore", "created_at": "2026-11-20T10:00:00Z", "conversation": "long",
        ])
        let file = try harness.file("long.jsonl", [String(decoding: line, as: UTF8.self)])
        let imported = await harness.run("import", file)
        #expect(imported.status == 0, "\(imported.err)")
        return harness
    }

    @Test func jsonAndTemplatesPrintTheWholeLineAndTheLayoutsTheShortenedOne() async throws {
        let harness = try await Self.harness()
        let json = try jsonObject(try #require(await harness.run("log", "--json", "long").lines.first))
        #expect(json["input"] as? String == Self.input)
        #expect(json["output"] as? String == Self.output)
        #expect(await harness.run("log", "--format=%s|%a", "long").out == Self.input + "|" + Self.output + "\n")
        let branch = try jsonObject(try #require(await harness.run("branch", "--json").lines.first { $0.contains("\"long\"") }))
        #expect(branch["input"] as? String == Self.input)
        let oneline = await harness.run("log", "--oneline", "long").out
        #expect(oneline.contains(String(Self.input.prefix(49)) + "…"))
        #expect(oneline.contains(String(Self.output.prefix(49)) + "…"))
        #expect(await harness.run("branch").out.contains(String(Self.input.prefix(49)) + "…"))
        #expect(await harness.run("fsck").status == 0)
    }

    /// Words for texts that fill several packs, different in every turn (a text shared by turns is stored once).
    static func words(_ seed: Int, count: Int) -> String {
        var state = UInt64(seed) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let vocabulary = ["olluvo", "mimika", "oldenex", "é", "漢字", "🇫🇷", "stamisa", "what", "and", "e\u{301}", "neumel", "a"]
        return (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return vocabulary[Int(state >> 33) % vocabulary.count]
        }.joined(separator: " ")
    }

    /// `log --json`, `%s|%a` and `branch --json` on a conversation whose turns and texts fill several packs each,
    /// every first line long: the lines are the texts' first lines, in the log's order.
    @Test func wholeLinesOfTurnsInSeveralPacksAreTheTextsFirstLines() async throws {
        let harness = try Harness()
        await harness.run("init")
        let count = 700
        let inputs = (0..<count).map { "\t" + Self.words($0, count: 60) + "\n" + Self.words($0 + 1, count: 40) }
        let outputs = (0..<count).map { "\n\n " + Self.words($0 + count, count: 80) + " \r\nmore " + Self.words($0, count: 30) }
        let lines = try (0..<count).map { index in
            String(decoding: try JSONSerialization.data(withJSONObject: [
                "input": inputs[index], "output": outputs[index], "conversation": "many",
                "created_at": "2026-11-20T10:\(String(format: "%02d", index / 60 % 60)):\(String(format: "%02d", index % 60))Z",
            ]), as: UTF8.self)
        }
        let imported = await harness.run("import", try harness.file("many.jsonl", lines))
        #expect(imported.status == 0, "\(imported.err)")
        let log = await harness.run("log", "--json", "many").lines
        #expect(log.count == count)
        let firstInput = { (index: Int) in Self.words(index, count: 60) }
        let firstOutput = { (index: Int) in Self.words(index + count, count: 80) }
        for (line, index) in zip(log, (0..<count).reversed()) {
            let json = try jsonObject(line)
            #expect(json["input"] as? String == firstInput(index))
            #expect(json["output"] as? String == firstOutput(index))
        }
        let formatted = await harness.run("log", "--format=%s|%a", "many").lines
        #expect(formatted == (0..<count).reversed().map { firstInput($0) + "|" + firstOutput($0) })
        let branch = try jsonObject(try #require(await harness.run("branch", "--json").lines.first { $0.contains("\"many\"") }))
        #expect(branch["input"] as? String == firstInput(count - 1))
        // diff: text output shortens the lines (read from the index alone), JSON has them whole.
        let first = try #require(await harness.run("log", "--format=%H", "many").lines.last)
        let diff = await harness.run("diff", first, "many").lines
        #expect(diff.count > count && diff[1].hasPrefix("+ ") && diff[1].contains(String(firstInput(1).prefix(49)) + "…"))
        let added = try #require(try jsonObject(await harness.run("diff", "--json", first, "many").out)["added"] as? [[String: Any]])
        #expect(added.map { $0["input"] as? String } == (1..<count).map(firstInput))
        #expect(added.map { $0["output"] as? String } == (1..<count).map(firstOutput))
        #expect(await harness.run("fsck").status == 0)
    }
}
