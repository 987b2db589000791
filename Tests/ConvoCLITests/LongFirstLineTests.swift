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
}
