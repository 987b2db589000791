import Foundation
import Testing

@testable import ResponsesAPI

/// xAI reports what a request cost in `usage.cost_in_usd_ticks` (10^10 ticks to the dollar); OpenAI reports nothing.
@Suite struct UsageCostTests {
    @Test func recordedXAIResponsesCarryTheirCost() throws {
        #expect(Usage.costInUSDTicks(responseBody: try Fixtures.data("xai-nonstream-grok-4.vercel-ai.json")) == 3_893_500)
        // The stream's last event holds the completed response with its cost.
        let lines = String(decoding: try Fixtures.data("xai-stream-grok-4.vercel-ai.chunks.txt"), as: UTF8.self).split(separator: "\n")
        let completed = try #require(lines.last)
        let event = try #require(try JSONSerialization.jsonObject(with: Data(completed.utf8)) as? [String: Any])
        let response = try JSONSerialization.data(withJSONObject: try #require(event["response"]))
        #expect(Usage.costInUSDTicks(responseBody: response) == 5_421_500)
    }

    @Test func openAIResponsesHaveNoCost() throws {
        for entry in try Fixtures.entries("openai-nonstream-reasoning-model-2026-02.openai-dotnet.json") where !entry.body.isEmpty {
            #expect(Usage.costInUSDTicks(responseBody: entry.body) == nil)
        }
    }

    @Test(arguments: [
        #"{"usage":{"cost_in_usd_ticks":-5}}"#, #"{"usage":{"cost_in_usd_ticks":"12"}}"#, #"{"usage":{"cost_in_usd_ticks":1.5}}"#,
        #"{"usage":null}"#, #"{"usage":[]}"#, "[]", "", "{", #"{"usage":{"cost_in_usd_ticks":99999999999999999999}}"#,
    ])
    func anythingButWholeTicksIsNoCost(body: String) {
        #expect(Usage.costInUSDTicks(responseBody: Data(body.utf8)) == nil)
    }

    @Test func requestsCarryTheirPromptCacheKeyOnlyWhenGiven() throws {
        let keyed = CreateResponseRequest(model: "m", input: [.user("hi")], promptCacheKey: "convo-abc")
        #expect(String(decoding: try keyed.encodedBody(), as: UTF8.self).contains(#""prompt_cache_key":"convo-abc""#))
        let plain = CreateResponseRequest(model: "m", input: [.user("hi")])
        #expect(!String(decoding: try plain.encodedBody(), as: UTF8.self).contains("prompt_cache_key"))
    }
}
