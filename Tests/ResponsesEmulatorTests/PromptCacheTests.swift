import Foundation
import Testing

@testable import ResponsesEmulator

/// The emulator reports `cached_tokens` as each provider documents its prompt cache, and xAI's cost as it bills it.
@Suite("Prompt caching and cost")
struct PromptCacheTests {
    /// A message of `count` distinct words (the emulator counts one token a word).
    static func words(_ count: Int, _ tag: String = "w") -> String { (0..<count).map { "\(tag)\($0)" }.joined(separator: " ") }

    static func cached(_ reply: Reply) -> Int? { reply.json["usage"]?["input_tokens_details"]?["cached_tokens"]?.intValue }

    @Test("OpenAI: a repeated prefix of 1024 tokens or more is cached in steps of 128, under the same key")
    func openAIBlocks() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai)) { _, client in
            let key: [(String, EmulatorJSON)] = [("prompt_cache_key", .string("convo-a"))]
            let first = try await client.say(Self.words(1100), extra: key)
            #expect(Self.cached(first) == 0, "nothing was sent before")
            #expect(first.json["prompt_cache_key"]?.stringValue == "convo-a", "echoed as the providers do")
            let id = try #require(first.json["id"]?.stringValue)
            // The chained prompt starts with the 1100 words of turn 1: 1024 + 0 × 128 of them are cached.
            let second = try await client.say("more", after: id, extra: key)
            #expect(Self.cached(second) == 1024)
            #expect(second.json["usage"]?["input_tokens"]?.intValue ?? 0 > 1100)
            // Another key is another cache: OpenAI routes by prefix and key together.
            let other = try await client.say("more", after: id, extra: [("prompt_cache_key", .string("convo-b"))])
            #expect(Self.cached(other) == 0)
            // Below 1024 tokens nothing is cached, however often the prompt repeats.
            _ = try await client.say(Self.words(500, "s"), extra: key)
            #expect(Self.cached(try await client.say(Self.words(500, "s"), extra: key)) == 0)
        }
    }

    @Test("OpenAI caches key-less requests too: its routing hashes the prefix")
    func openAIWithoutKey() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai)) { _, client in
            _ = try await client.say(Self.words(1300))
            #expect(Self.cached(try await client.say(Self.words(1300))) == 1280)
        }
    }

    @Test("xAI: blocks of 64 from the first token, only with a key (x-grok-conv-id's field)")
    func xaiBlocks() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai)) { _, client in
            let key: [(String, EmulatorJSON)] = [("prompt_cache_key", .string("convo-a"))]
            let first = try await client.say(Self.words(150), extra: key)
            #expect(Self.cached(first) == 0)
            let id = try #require(first.json["id"]?.stringValue)
            #expect(Self.cached(try await client.say("more", after: id, extra: key)) == 128)
            // Without a key a request lands on any server: no hit.
            _ = try await client.say(Self.words(150, "x"))
            #expect(Self.cached(try await client.say(Self.words(150, "x"))) == 0)
        }
    }

    @Test("A replay under the same key hits the cache of the chained turns it repeats")
    func replayHits() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai)) { _, client in
            let key: [(String, EmulatorJSON)] = [("prompt_cache_key", .string("convo-r"))]
            let first = try await client.say(Self.words(100), extra: key)
            let answer = try #require(first.outputText)
            let replay = try EmulatorJSON.parse(
                """
                [{"role":"user","content":"\(Self.words(100))"},{"role":"assistant","content":"\(answer)"},{"role":"user","content":"next"}]
                """)
            #expect(Self.cached(try await client.create([("model", .string("grok-4")), ("input", replay)] + key)) == 64)
        }
    }

    @Test("xAI's cost_in_usd_ticks follows its recorded grok-4.3 prices: both recordings come out exact")
    func xaiCost() throws {
        #expect(Flavor.costInUSDTicks(BilledUsage(input: 197, cached: 128, output: 111)) == 3_893_500)
        #expect(Flavor.costInUSDTicks(BilledUsage(input: 197, cached: 192, output: 199)) == 5_421_500)
    }

    @Test("Cost comes in the xAI flavour's usage only, and moves with the cache")
    func costInUsage() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai)) { _, client in
            let key: [(String, EmulatorJSON)] = [("prompt_cache_key", .string("convo-c"))]
            let first = try await client.say(Self.words(64), extra: key)
            let usage = try #require(first.json["usage"])
            let input = try #require(usage["input_tokens"]?.intValue), output = try #require(usage["output_tokens"]?.intValue)
            #expect(usage["cost_in_usd_ticks"]?.intValue == input * 12_500 + output * 25_000)
            let again = try await client.say(Self.words(64), extra: key)
            #expect(again.json["usage"]?["cost_in_usd_ticks"]?.intValue == (input - 64) * 12_500 + 64 * 2_000 + output * 25_000)
        }
        try await withEmulator(EmulatorConfiguration(flavor: .openai)) { _, client in
            let reply = try await client.say("hi")
            #expect(reply.json["usage"]?["cost_in_usd_ticks"] == nil)
        }
    }

    @Test("A prompt_cache_key that is no string is refused as the API refuses a mistyped field")
    func badKey() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai)) { _, client in
            let reply = try await client.say("hi", extra: [("prompt_cache_key", .int(3))])
            #expect(reply.status == 400)
        }
    }
}
