import Foundation
import Testing

/// `convo usage` as a user runs it: the built binary against the built emulator, whose usage blocks follow the
/// providers' (cached tokens under a prompt_cache_key, xAI's cost_in_usd_ticks).
@Suite(.serialized) struct UsageBinaryTests {
    static func words(_ count: Int) -> String { (0..<count).map { "w\($0)" }.joined(separator: " ") }

    @Test func xaiReportsCachedTokensAndCostStreamedOrNot() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "my name is Alice " + Self.words(140)).status == 0)
        let streamed = try shell.run("say", "--stream", "What's my name?")
        #expect(streamed.out == "Your name is Alice.\n", "\(streamed.err)")
        let show = try shell.run("show")
        #expect(show.out.contains("Tokens:   ") && show.out.contains("(128 cached)"), "\(show.out)")
        #expect(show.out.contains("Cost:     $0.000") && show.out.contains("(reported by the server)"))

        let usage = try shell.run("usage", "--json")
        #expect(usage.status == 0 && usage.err.isEmpty, "\(usage.err)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(usage.out.utf8)) as? [String: Any])
        let total = try #require(object["total"] as? [String: Any])
        #expect(total["turns"] as? Int == 2 && total["cached_tokens"] as? Int == 128 && total["cost_source"] as? String == "server")
        let table = try shell.run("usage", "--by", "model")
        #expect(table.lines.first?.hasPrefix("MODEL") == true && table.lines.last?.hasPrefix("total ") == true, "\(table.out)")
        #expect(try shell.run("status").out.contains("Usage:    2 turns, "))
    }

    @Test func openAICostComesFromThePriceSettingsAndABadPriceExitsTwo() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "--model", "gpt-5", "hello").status == 0)
        let unknown = try shell.run("usage")
        #expect(unknown.status == 0 && unknown.out.contains("Cost:        unknown") && unknown.err.contains("price.gpt-5.input"))
        let bad = try shell.run("config", "price.gpt-5.input", "cheap")
        #expect(bad.status == 2 && bad.err.contains("invalid value 'cheap' for 'price.gpt-5.input'"), "\(bad.err)")
        #expect(try shell.run("config", "price.gpt-5.input", "1.25").status == 0)
        #expect(try shell.run("config", "price.gpt-5.output", "10").status == 0)
        let priced = try shell.run("usage")
        #expect(priced.out.contains("(at the configured prices)") && priced.err.isEmpty, "\(priced.out)\(priced.err)")
    }
}
