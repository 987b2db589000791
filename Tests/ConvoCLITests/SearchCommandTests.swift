import ConvoKit
import ConvoStore
import Foundation
import Testing

@testable import ConvoCLI

@Suite struct SearchCommandTests {
    @Test func printsShortIdDateSideAndSnippetNewestFirst() async throws {
        let harness = try await Harness.withHistory()
        let ids = await harness.run("log", "--oneline").lines.map { String($0.prefix(7)) }
        let result = await harness.run("search", "alice")
        #expect(result.status == 0)
        #expect(result.err.isEmpty)
        #expect(result.lines == [
            "\(ids[0]) 2026-11-20 assistant: Your name is Alice.",
            "\(ids[1]) 2026-11-20 user: Hello, my name is Alice. Remember this.",
        ])
        #expect(!result.out.contains("\u{1B}["), "no colours when stdout is not a terminal")
    }

    @Test func theCurrentConversationByDefaultARevisionOrEverything() async throws {
        let harness = try await Harness.withHistory()
        #expect(await harness.run("search", "colosseum").status == 1, "the travel branch is not HEAD's conversation")
        #expect(await harness.run("search", "colosseum", "travel").lines.count == 1)
        let all = await harness.run("search", "--all", "day")
        #expect(all.lines.count == 1)
        #expect(all.lines.first?.contains("assistant: Day 1: the Colosseum. Day 2: the Vatican.") == true)
        #expect(await harness.run("search", "--all", #""my name""#).lines.count == 2)
        #expect(await harness.run("search", "--all", "rem*").lines.count == 1)
    }

    @Test func jsonIsOneObjectPerMatch() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("search", "--all", "--json", "name")
        #expect(result.status == 0)
        let objects = try result.lines.map(jsonObject)
        #expect(objects.count == 2)
        let first = try #require(objects.first)
        #expect(Set(first.keys) == ["id", "short_id", "created_at", "response_id", "model", "matched", "side", "snippet"])
        #expect(first["response_id"] as? String == "resp_a2")
        #expect(first["created_at"] as? String == "2026-11-20T10:01:00Z")
        #expect(first["matched"] as? [String] == ["input", "output"])
        #expect(first["side"] as? String == "input")
        #expect(first["snippet"] as? String == "What's my name?")
        #expect((first["id"] as? String)?.hasPrefix(first["short_id"] as? String ?? "-") == true)
        #expect(objects[1]["model"] as? String == "grok-4")
    }

    @Test func noMatchExitsOneWithNothingOnStdout() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("search", "--all", "zebra")
        #expect(result.status == 1)
        #expect(result.out.isEmpty)
        #expect(await harness.run("search", "--all", "--json", "zebra").out.isEmpty)
    }

    @Test func aMalformedQueryIsAUsageError() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("search", #""my name"#)
        #expect(result.status == 2)
        #expect(result.err.hasPrefix(#"error: invalid search query '"my name': the quote is not closed"#))
        #expect(!result.err.contains("fts5"))
        #expect(result.out.isEmpty)
        #expect(await harness.run("search", "*").status == 2)
        #expect(await harness.run("search", "alice", "-n", "0").status == 2)
        #expect(await harness.run("search", "alice", "--all", "main").status == 2)
        #expect(await harness.run("search", "alice", "nope").status == 4)
    }

    @Test func theLimitSaysHowManyMoreMatchedOnStderr() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("search", "--all", "-n", "1", "name")
        #expect(result.lines.count == 1)
        #expect(result.lines.first?.contains("What's my name?") == true)
        #expect(result.err == "showing the 1 newest of 2 matching turns; -n 2 shows them all\n")
        #expect(await harness.run("search", "--all", "-n2", "name").lines.count == 2, "git's joined form -n2")
    }

    @Test func aPhraseCountThatIsOnlyALowerBoundSaysSo() async throws {
        let harness = try await Harness.withHistory()
        #expect(await harness.run("search", "--all", "-n", "1", #""my name""#).err
            == "showing the 1 newest of 2 matching turns; -n 2 shows them all\n", "few candidates: all checked, exact")
        #expect(ConvoCLI.SearchCommand.note(shown: 2, SearchResult(items: [], total: 2)) == nil)
        #expect(ConvoCLI.SearchCommand.note(shown: 20, SearchResult(items: [], total: 31, totalIsExact: false, candidates: 400))
            == "showing the 20 newest of at least 31 matching turns (at most 400 hold all the words; word order was checked "
            + "only until 20 matched); -n 400 shows them all")
    }

    @Test func matchesAreHighlightedOnATerminalUnlessNoColor() async throws {
        let harness = try await Harness.withHistory()
        harness.outputIsTerminal = true
        let painted = await harness.run("search", "vatican", "travel")
        #expect(painted.out.contains("\u{1B}[1;31mVatican\u{1B}[m"))
        harness.variables["NO_COLOR"] = "1"
        #expect(!(await harness.run("search", "vatican", "travel").out.contains("\u{1B}[")))
    }

    @Test func anImportedTurnIsFoundAtOnce() async throws {
        let harness = try await Harness.withHistory()
        let head = await harness.run("rev-parse", "HEAD").out.trimmingCharacters(in: .newlines)
        let name = try harness.file("more.jsonl", [
            #"{"input":"Where is the Pantheon?","output":"In Rome, near Piazza Navona.","conversation":"main","parent":"\#(head)"}"#,
        ])
        #expect(await harness.run("import", name).status == 0)
        #expect(await harness.run("search", "pantheon").lines.count == 1)
        #expect(await harness.run("fsck").status == 0)
    }
}
