import Foundation
import GRDB
import ResponsesEmulator
import Testing

@testable import ConvoCLI

/// Issue 14 in-process: a conversation longer than the context window continues with one say, and
/// `compact_threshold` compacts on the server (OpenAI's `context_management`) or on convo's side (xAI).
@Suite struct LongConversationTests {
    static let key = "test-key"

    /// About 30 words, so that 300 turns are several times a window of 8,000 of the emulator's tokens.
    static func filler(_ n: Int) -> String {
        "Turn \(n): " + Array(repeating: "the kettle sings while tea leaves unfurl in warm water", count: 3).joined(separator: " ")
    }

    /// A transcript of `turns` turns made against `origin` long ago, so their server state has expired: the first
    /// tells the name.
    static func expiredConversation(turns: Int, origin: String) -> [String] {
        (1...turns).map { n in
            let input = n == 1 ? "Hello, my name is Alice. " + filler(1) : filler(n)
            let minute = String(format: "%02d:%02d", n / 60, n % 60)
            return #"{"input":"\#(input)","output":"Noted, turn \#(n).","model":"m1","created_at":"2025-09-01T10:\#(minute)Z","#
                + #""response_id":"resp_old\#(n)","origin":"\#(origin)","stored":true,"usage":{"input_tokens":\#(40 * n),"output_tokens":4}}"#
        }
    }

    @Test("A 300-turn conversation whose server state expired continues with one say", arguments: [Flavor.xai, .openai])
    func threeHundredExpiredTurnsContinue(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor, apiKey: Self.key, contextWindow: 8000)) { emulator in
            let harness = try await sayHarness(emulator, provider: flavor.rawValue)
            harness.variables["\(flavor == .xai ? "XAI" : "OPENAI")_API_KEY"] = Self.key
            #expect(await harness.run("config", "base_url", emulator.baseURL).status == 0)
            #expect(await harness.run("config", "model", "m1").status == 0)
            #expect(await harness.run("config", "model.m1.context_window", "8000").status == 0)
            let file = try harness.file("long.jsonl", Self.expiredConversation(turns: 300, origin: emulator.baseURL))
            let imported = await harness.run("import", file)
            #expect(imported.status == 0, "\(imported.err)")

            let before = await harness.run("status")
            #expect(before.out.contains("of 300 turns compacted") || before.out.contains("of 300 turns left out"), "\(before.out)")

            let name = await harness.run("say", "What's my name?")
            #expect(name.status == 0, "\(name.err)")
            #expect(name.out.contains("Your name is Alice."), "\(name.out)")
            #expect(name.err.contains("replaying 300 earlier turns: HEAD's response has expired"), "\(name.err)")
            // Nothing the server was sent overflowed: every request fitted before it went out.
            let requests = emulator.requestLog().filter { $0.method == "POST" }
            #expect(requests.allSatisfy { $0.status == 200 }, "\(requests.map { "\($0.path) \($0.status)" })")

            let shown = try jsonObject(await harness.run("show", "--json").out)
            let context = (shown["parameters"] as? [String: Any])?["context"] as? [String: Any]
            #expect(context?["strategy"] as? String == "compact", "\(shown)")
            #expect((context?["verbatim_turns"] as? Int ?? 0) < 300)
            #expect(await harness.run("log", "--oneline", "-n", "2").out.contains("[compaction of "))
            let text = await harness.run("show")
            #expect(text.out.contains("Context:  ") && text.out.contains(" compacted, ") && text.out.contains("(replay_strategy compact)"), "\(text.out)")
            #expect(await harness.run("show", "HEAD~1").out.contains("Context:  stands for "))
            // OpenAI's compacted window keeps every user message, which alone leave no room in 8,000: the oldest
            // stay out (its item stands for them and knows the name) and convo says so.
            if flavor == .openai {
                #expect((context?["trimmed_messages"] as? Int ?? 0) > 0, "\(shown)")
                #expect(name.err.contains("oldest user messages the server kept beside its compaction item"), "\(name.err)")
            }
        }
    }

    /// `status` on an expired conversation longer than the window reads back from HEAD only as far as the window:
    /// turns older than that are never read, so index rows missing down there (fsck's to report) do not stop it.
    /// Before, the prediction loaded every index row of the chain first (711 M of `status`'s 839 M instructions on
    /// 10,000 turns) and failed on the first one missing.
    @Test func statusPredictsFromTheNewestTurnsWithoutReadingTheOlderOnes() async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        #expect(await harness.run("config", "model", "m1").status == 0)
        #expect(await harness.run("config", "model.m1.context_window", "8000").status == 0)
        let file = try harness.file("long.jsonl", Self.expiredConversation(turns: 300, origin: "https://api.x.ai/v1"))
        #expect(await harness.run("import", file).status == 0)
        let before = await harness.run("status")
        #expect(before.status == 0 && before.out.contains("of 300 turns compacted"), "\(before.out)\(before.err)")

        // The index rows of the 100 oldest turns (by time) go; every turn object stays.
        try harness.withDatabase {
            try $0.execute(sql: "DELETE FROM turn_index WHERE id IN (SELECT id FROM turn_index ORDER BY created_at LIMIT 100)")
        }
        let after = await harness.run("status")
        #expect(after.status == 0, "\(after.err)")
        // The same prediction; the usage line, which adds up every turn through the index, is left out (best effort).
        let server = { (out: String) in out.split(separator: "\n").filter { $0.hasPrefix("Server:") || $0.hasPrefix("Turns:") } }
        #expect(server(after.out) == server(before.out) && server(before.out).count == 2, "\(after.out)")
        #expect(await harness.run("fsck").out.contains("stale-index"), "fsck still reports the missing rows")
    }

    @Test("OpenAI: compact_threshold goes out as context_management and the server's item is what a replay sends")
    func openAICompactsOnTheServer() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            harness.variables["OPENAI_API_KEY"] = Self.key
            #expect(await harness.run("config", "base_url", emulator.baseURL).status == 0)
            #expect(await harness.run("config", "compact_threshold", "60").status == 0)
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            for n in 1...3 { #expect(await harness.run("say", Self.filler(n)).status == 0) }
            let bodies = try posts(emulator).map(\.body)
            #expect(bodies.allSatisfy {
                ($0["context_management"] as? [[String: Any]])?.first?["compact_threshold"] as? Int == 60
            }, "\(bodies)")
            #expect(try emulator.requestLog().filter { $0.path == "/v1/responses/compact" }.isEmpty)

            // The server compacted: a forced replay sends its item, the message and the answer of that turn, and
            // nothing older (turn 1's words are in the item only), and the name is still known.
            let replayed = await harness.run("say", "--replay", "What's my name?")
            #expect(replayed.status == 0, "\(replayed.err)")
            #expect(replayed.out.contains("Your name is Alice."), "\(replayed.out)")
            let input = try posts(emulator).last?.body["input"] as? [[String: Any]] ?? []
            #expect(input.first?["type"] as? String == "compaction", "\(input)")
            #expect(!inputTexts(try posts(emulator).last?.body ?? [:]).contains { $0.contains("Hello, my name is Alice.") })

            // Export and import carry the turn the server compacted, with the same ids.
            let exported = await harness.run("export")
            let other = try Harness()
            #expect(await other.run("init").status == 0)
            let file = try other.file("t.jsonl", [exported.out.trimmingCharacters(in: .newlines)])
            let imported = await other.run("import", file)
            #expect(imported.status == 0, "\(imported.err)")
            #expect(await other.run("log", "--format=%H").out == (await harness.run("log", "--format=%H").out))
        }
    }

    @Test("xAI: past compact_threshold convo compacts before the say, and nothing sends context_management")
    func xaiCompactsOnConvosSide() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            #expect(await harness.run("say", Self.filler(1)).status == 0)
            #expect(await harness.run("say", Self.filler(2)).status == 0)
            // HEAD's billed size (the chained context) is past 100: status predicts what the next say does.
            #expect(await harness.run("config", "compact_threshold", "100").status == 0)
            let status = await harness.run("status")
            #expect(status.out.contains("Next say: replays 3 turns and the new message (the conversation passed compact_threshold (100 tokens))"), "\(status.out)")
            #expect(await harness.run("config", "compact_threshold", "150").status == 0)
            var notices = ""
            for n in 3...5 {
                let turn = await harness.run("say", Self.filler(n))
                #expect(turn.status == 0, "\(turn.err)")
                notices += turn.err
            }
            #expect(notices.contains("the conversation passed compact_threshold (150 tokens)"), "\(notices)")
            #expect(try posts(emulator).allSatisfy { $0.body["context_management"] == nil })
            #expect(try emulator.requestLog().contains { $0.path == "/v1/responses/compact" && $0.status == 200 })
            #expect(await harness.run("log", "--oneline").out.contains("[compaction of "))
            // Every request after the compaction is smaller than the threshold's worth of context.
            let name = await harness.run("say", "What's my name?")
            #expect(name.out.contains("Your name is Alice."), "\(name.out) \(name.err)")
        }
    }

    @Test("A replay sends a compaction turn's item before the turns it kept, and a second compaction's only")
    func compactionWindowGoesFirst() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            for n in 1...3 { #expect(await harness.run("say", Self.filler(n)).status == 0) }
            #expect(await harness.run("compact", "--keep", "2").status == 0)
            #expect(await harness.run("say", Self.filler(4)).status == 0)
            #expect(await harness.run("compact", "--keep", "1").status == 0)
            let replayed = await harness.run("say", "--replay", "What's my name?")
            #expect(replayed.status == 0, "\(replayed.err)")
            #expect(replayed.out.contains("Your name is Alice."), "\(replayed.out)")
            let input = try posts(emulator).last?.body["input"] as? [[String: Any]] ?? []
            // Oldest first: the newest compaction's item (standing for everything before the turn it kept), the
            // kept turn (turn 4), the new message; the older compaction and its kept turns are inside the item.
            #expect(input.map { $0["type"] as? String == "compaction" ? "compaction" : $0["role"] as? String ?? "?" } == ["compaction", "user", "assistant", "user"], "\(input)")
            #expect(inputTexts(try posts(emulator).last?.body ?? [:]).dropFirst().first?.contains("Turn 4:") == true)
        }
    }

    @Test("A compaction the server refuses exits 6 and a first turn has nothing to compact (exit 2): nothing committed")
    func refusedCompaction() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key, contextWindow: 100)) { emulator in
            let harness = try await sayHarness(emulator)
            let file = try harness.file("t.jsonl", Self.expiredConversation(turns: 5, origin: emulator.baseURL))
            #expect(await harness.run("import", file).status == 0)
            let before = await harness.run("log", "--all", "--oneline").out
            let refused = await harness.run("compact")
            #expect(refused.status == 6, "\(refused.err)")
            #expect(refused.err.contains("the server would not compact the conversation"), "\(refused.err)")
            #expect(refused.err.contains("nothing was committed"))
            #expect(await harness.run("log", "--all", "--oneline").out == before)

            let first = await harness.run("compact", "HEAD~4")
            #expect(first.status == 2, "\(first.err)")
            #expect(first.err.contains("has no earlier turns to compact"), "\(first.err)")
            #expect(await harness.run("log", "--all", "--oneline").out == before)
        }
    }

    @Test("compact_threshold takes a whole number of tokens", arguments: ["abc", "0", "1.5", "99999999999999999999"])
    func badThreshold(value: String) async throws {
        let harness = try Harness()
        await harness.run("init")
        let result = await harness.run("config", "compact_threshold", value)
        #expect(result.status == 2, "\(result.err)")
        #expect(result.err.contains("compact_threshold") && result.err.contains(value), "\(result.err)")
    }
}
