import ConvoCLI
import ConvoKit
import Foundation
import ResponsesEmulator
import Testing

/// `convo usage`, the prompt cache key every say sends, and the usage figures in status, show and log.
@Suite struct UsageCommandTests {
    /// A message of `count` distinct words (the emulator counts a token a word).
    static func words(_ count: Int, _ tag: String = "w") -> String { (0..<count).map { "\(tag)\($0)" }.joined(separator: " ") }

    @Test func everyRequestOfAConversationCarriesOneKeyFromItsRootTurn() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "my name is Alice " + Self.words(150)).status == 0)
            harness.now += 60
            #expect(await harness.run("say", "what is my name?").status == 0)
            #expect(await harness.run("say", "--replay", "once more").status == 0)
            #expect(await harness.run("say", "--regenerate").status == 0)
            #expect(await harness.run("checkout", "-b", "fork", "main~1").status == 0)
            #expect(await harness.run("say", "and on a fork?").status == 0)
            let keys = try posts(emulator).map { $0.body["prompt_cache_key"] as? String }
            #expect(keys.count == 5 && Set(keys).count == 1, "chained, replayed, regenerated and forked: \(keys)")
            let key = try #require(keys.first ?? nil)
            #expect(key.hasPrefix("convo-") && key.count <= 64 && !key.contains("Alice") && !key.contains("w1"))
            // The second turn found the first turn's prompt in the cache (xAI: 64-token blocks).
            let second = try jsonObject(await harness.run("show", "--json", "main~1").out)
            #expect((second["usage"] as? [String: Any])?["cached_tokens"] as? Int == 128)

            // Another conversation, started later, has its own key; the first one's key has not moved.
            harness.now += 1
            #expect(await harness.run("say", "--new", "a new topic").status == 0)
            #expect(await harness.run("checkout", "main").status == 0)
            #expect(await harness.run("say", "back on main").status == 0)
            let later = try posts(emulator).suffix(2).map { $0.body["prompt_cache_key"] as? String }
            #expect(later[0] != key && later[1] == key)
        }
    }

    @Test func costComesFromTheServerWhenItReportsOne() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", Self.words(100)).status == 0)
            #expect(await harness.run("say", "next").status == 0)
            // What the server billed, as recorded in each turn's raw response.
            var ticks = 0
            for revision in ["HEAD", "HEAD~1"] {
                let raw = try jsonObject(await harness.run("show", "--raw", revision).out)
                ticks += try #require((raw["usage"] as? [String: Any])?["cost_in_usd_ticks"] as? Int)
            }
            let usage = await harness.run("usage", "--json")
            #expect(usage.status == 0 && usage.err.isEmpty, "\(usage.err)")
            let total = try #require(try jsonObject(usage.out)["total"] as? [String: Any])
            #expect(total["cost_source"] as? String == "server" && total["turns_without_cost"] as? Int == 0)
            #expect(usage.out.contains(#""cost_usd":\#(Decimal(ticks) / 10_000_000_000)"#), "\(usage.out)")
            #expect(total["turns"] as? Int == 2 && total["cached_tokens"] as? Int == 64)
            let text = await harness.run("usage")
            #expect(text.out.contains("Cost:        $0.00") && text.out.contains("(reported by the server)"), "\(text.out)")
            #expect(text.out.contains("Input:       ") && text.out.contains("(64 cached)"))
            let status = await harness.run("status")
            #expect(status.out.contains("Usage:    2 turns, ") && status.out.contains("(64 cached)"), "\(status.out)")
            #expect(await harness.run("show").out.contains("Cost:     $0.00"))
        }
    }

    @Test func withoutAServerCostThePriceSettingsGiveIt() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            #expect(await harness.run("say", "--model", "gpt-5", Self.words(1100)).status == 0)
            #expect(await harness.run("say", "--model", "gpt-5", "next").status == 0)
            let unpriced = await harness.run("usage")
            #expect(unpriced.status == 0 && unpriced.out.contains("Cost:        unknown"), "\(unpriced.out)")
            #expect(unpriced.err.contains("2 turns have no cost") && unpriced.err.contains("price.gpt-5.input"), "\(unpriced.err)")

            #expect(await harness.run("config", "price.gpt-5.input", "1.25").status == 0)
            #expect(await harness.run("config", "price.gpt-5.output", "10").status == 0)
            // The second turn has cached tokens: without a cached price its cost stays unknown, never guessed.
            let partial = try jsonObject(await harness.run("usage", "--json").out)
            #expect(partial["missing_prices"] as? [String] == ["price.gpt-5.cached_input"])
            #expect((partial["total"] as? [String: Any])?["turns_without_cost"] as? Int == 1)
            #expect(await harness.run("config", "price.gpt-5.cached_input", "0.125").status == 0)

            let printed = await harness.run("usage", "--json").out
            let json = try jsonObject(printed)
            let total = try #require(json["total"] as? [String: Any])
            let input = try #require(total["input_tokens"] as? Int), cached = try #require(total["cached_tokens"] as? Int)
            let output = try #require(total["output_tokens"] as? Int)
            #expect(cached == 1024)
            let expected = (Decimal(input - cached) * Decimal(string: "1.25")! + Decimal(cached) * Decimal(string: "0.125")! + Decimal(output) * 10) / 1_000_000
            // Exact: the decimal as computed, not a double's nearest neighbour.
            #expect(printed.contains(#""cost_usd":\#(expected)"#), "\(printed) \(expected)")
            #expect(total["cost_source"] as? String == "config" && total["turns_without_cost"] as? Int == 0)
            #expect(await harness.run("usage").err.isEmpty)
        }
    }

    @Test(arguments: [
        ("price.gpt-5.input", "abc"), ("price.gpt-5.input", "-1"), ("price.gpt-5.input", "1e3"), ("price.gpt-5.output", "NaN"),
        ("price.gpt-5.output", ""), ("price.gpt-5.output", "$2"), ("price.gpt-5.output", "1.2.3"), ("price.gpt-5.cost", "1"),
        ("price.input", "1"), ("price..input", "1"),
    ])
    func aPriceThatIsNoNumberIsAUsageError(key: String, value: String) async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("config", "--", key, value)
        #expect(result.status == 2 && result.err.hasPrefix("error: ") && result.err.contains(key), "\(result.err)")
        #expect(await harness.run("config", "--list").out.contains("price.") == false, "nothing was stored")
    }

    @Test func aStoredPriceThatIsNoNumberStopsUsageButNotStatus() async throws {
        let harness = try await Harness.withHistory()
        // Written as an older or hand-edited repository would hold it: straight into the config table.
        let sqlite = Process()
        sqlite.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        sqlite.arguments = [harness.database.path, "INSERT INTO config(key, value) VALUES ('price.grok-4.input', 'cheap')"]
        try sqlite.run()
        sqlite.waitUntilExit()
        #expect(sqlite.terminationStatus == 0)
        let usage = await harness.run("usage")
        #expect(usage.status == 1 && usage.err.contains("'cheap'") && usage.err.contains("price.grok-4.input"), "\(usage.err)")
        let status = await harness.run("status")
        #expect(status.status == 0 && status.out.contains("Usage:    2 turns, 42 in (0 cached) / 15 out, cost unknown"), "\(status.out)")
    }

    @Test func groupsByBranchModelAndDay() async throws {
        let harness = try await Harness.withHistory()
        let byBranch = await harness.run("usage", "--all", "--by", "branch")
        #expect(byBranch.status == 0)
        #expect(byBranch.lines.map { $0.split(separator: " ").prefix(5).joined(separator: " ") } == [
            "BRANCH TURNS INPUT CACHED OUTPUT", "main 2 42 0 15", "travel 2 12 0 9", "total 3 42 0 15",
        ], "a turn on two branches counts in both rows and once in the total: \(byBranch.out)")
        let byModel = try jsonObject(await harness.run("usage", "--all", "--by", "model", "--json").out)
        let groups = try #require(byModel["groups"] as? [[String: Any]])
        #expect(groups.map { $0["group"] as? String } == ["(unknown)", "grok-4"])
        #expect(groups.map { $0["turns"] as? Int } == [1, 2])
        let byDay = await harness.run("usage", "travel", "--by", "day")
        #expect(byDay.lines.dropFirst().first?.hasPrefix("2026-11-20  ") == true, "\(byDay.out)")
        // Imported turns have no usage to price: no cost, and a note that says so.
        #expect(byDay.err.contains("2 turns have no cost"))
    }

    /// Hostile sweep: a day of a five-digit year (an import may hold one) was cut to ten characters, `99999-12-0`.
    @Test func aDayOfAFiveDigitYearIsShownWhole() async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        let file = try harness.file("far.jsonl", [#"{"input":"q","output":"a","created_at":"99999-12-31T10:00:00Z","conversation":"far"}"#])
        let imported = await harness.run("import", file)
        #expect(imported.status == 0, "\(imported.err)")
        let byDay = await harness.run("usage", "far", "--by", "day")
        #expect(byDay.lines.dropFirst().first?.hasPrefix("99999-12-31  ") == true, "\(byDay.out)")
    }

    @Test func badRevisionsAndCombinations() async throws {
        let harness = try await Harness.withHistory()
        #expect(await harness.run("usage", "nosuchrev").status == 4)
        #expect(await harness.run("usage", "--all", "main").status == 2)
        #expect(await harness.run("usage", "--by", "week").status == 2)
        let empty = try Harness()
        #expect(await empty.run("init").status == 0)
        let none = await empty.run("usage")
        #expect(none.status == 0 && none.out.contains("Turns:       0 "), "\(none.out)\(none.err)")
    }

    /// Cached tokens and costs are not in the index: status adds up at most `statusLimit` turns, so that it
    /// stays one lookup on long conversations (10,000 turns: 8 s in a debug build when it read them all).
    @Test func statusPointsToUsageForALongConversation() async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        let count = UsageReport.statusLimit + 1
        let lines = (0..<count).map { #"{"input":"q\#($0)","output":"a","usage":{"input_tokens":1,"output_tokens":1}}"# }
        #expect(await harness.run("import", try harness.file("long.jsonl", lines)).status == 0)
        let status = await harness.run("status")
        #expect(status.out.contains("Usage:    'convo usage' adds up the \(count) turns (status reads at most \(count - 1))"), "\(status.out)")
        #expect(await harness.run("usage").out.contains("Turns:       \(count) "))
    }

    @Test func logPrintsCachedTokensWithK() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", Self.words(70)).status == 0)
            #expect(await harness.run("say", "next").status == 0)
            #expect(await harness.run("log", "--format=%k|%t").lines.map { $0.split(separator: "|").first.map(String.init) } == ["64", "0"])
        }
    }

    /// Hostile sweep 2 (FAILS on b4814ce): since 15e9dce a server's (or a file's) negative usage is kept and
    /// imports back. The token totals count a negative as 0, but the cost prices it: 100 in / 20 out tokens at
    /// $1 per million are shown costing $-0.999880. A cost is never below zero, and it must agree with the totals.
    @Test func aNegativeUsageCountGivesNoNegativeCost() async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        let file = try harness.file("negative.jsonl", [
            #"{"input":"a","output":"A","model":"gpt-5","usage":{"input_tokens":100,"output_tokens":10}}"#,
            #"{"input":"b","output":"B","model":"gpt-5","usage":{"input_tokens":-1000000,"output_tokens":10}}"#,
        ])
        #expect(await harness.run("import", file).status == 0)
        #expect(await harness.run("config", "price.gpt-5.input", "1").status == 0)
        #expect(await harness.run("config", "price.gpt-5.output", "1").status == 0)
        let usage = await harness.run("usage")
        #expect(usage.out.contains("Input:       100 tokens"), "\(usage.out)")
        #expect(!usage.out.contains("$-"), "a negative cost: \(usage.out)")
        #expect(usage.out.contains("Cost:        $0.000120"), "\(usage.out)")
    }
}
