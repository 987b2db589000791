import ConvoStore
import Foundation
import ResponsesAPI
import Testing

@testable import ConvoKit

/// The pieces of `convo usage`: price settings, costs, totals, and the conversation's prompt cache key.
@Suite struct UsageTests {
    @Test func theCacheKeyDependsOnlyOnTheRootTurnsTime() {
        let key = PromptCacheKey.forConversation(rootCreatedAt: 1_764_000_000)
        #expect(key == PromptCacheKey.forConversation(rootCreatedAt: 1_764_000_000))
        #expect(key != PromptCacheKey.forConversation(rootCreatedAt: 1_764_000_001))
        #expect(key.hasPrefix("convo-") && key.count == 38)
    }

    @Test func everyRouteOfAPlanCarriesTheKeyItIsGiven() {
        let profile = ProviderProfile.xai
        for route in [SayRoute.fresh, .chain(previousResponseID: "r1"), .replay(.forced)] {
            let request = SayPlan.request(
                route: route, message: DraftMessage(role: "user", text: "hi"), history: [], profile: profile, model: "grok-4",
                instructions: nil, store: true, temperature: nil, maxOutputTokens: nil, promptCacheKey: "convo-k")
            #expect(request.promptCacheKey == "convo-k")
        }
    }

    @Test(arguments: [
        ("price.grok-4.3.input", "grok-4.3", PriceKey.Field.input), ("price.gpt-5.cached_input", "gpt-5", .cachedInput),
        ("price.a.b.output", "a.b", .output),
    ])
    func priceKeysNameTheirModelUpToTheLastDot(text: String, model: String, field: PriceKey.Field) throws {
        #expect(try PriceKey.parse(text) == PriceKey(model: model, field: field))
    }

    @Test func otherKeysAreNoPriceAndBrokenPriceKeysAreErrors() throws {
        #expect(try PriceKey.parse("model") == nil)
        #expect(try PriceKey.parse("pricey") == nil)
        for text in ["price.", "price.input", "price..input", "price.gpt-5.", "price.gpt-5.cost"] {
            #expect(throws: ConvoError.self) { try PriceKey.parse(text) }
        }
    }

    @Test func pricesArePlainDecimalNumbers() {
        #expect(PriceKey.decimal("1.25") == Decimal(string: "1.25"))
        #expect(PriceKey.decimal("0") == 0)
        #expect(PriceKey.decimal("3.") == 3 && PriceKey.decimal(".5") == Decimal(string: "0.5"))
        for text in ["", ".", "-1", "+1", "1e3", "NaN", "inf", "1,5", " 1", "1 ", "$1", "1.2.3", "١", "1234567890123", "0x10"] {
            #expect(PriceKey.decimal(text) == nil, "\(text)")
        }
    }

    @Test func aCostNeedsTheInputAndOutputPricesAndTheCachedOneOnlyWhenTokensWereCached() throws {
        let repository = try KitWorkspace(config: ["price.m.input": "2", "price.m.output": "8"]).repository
        let table = try repository.read { try PriceTable($0) }
        let plain = table.cost(TokenUsage(inputTokens: 1_000, outputTokens: 500), models: ["m"])
        #expect(plain.cost == Decimal(string: "0.006") && plain.missing == nil)
        let cached = table.cost(TokenUsage(inputTokens: 1_000, outputTokens: 500, cachedTokens: 200), models: ["m"])
        #expect(cached.cost == nil && cached.missing == "price.m.cached_input")
        // The model the server reported may have no price where the one asked for has.
        #expect(table.cost(TokenUsage(inputTokens: 1, outputTokens: 1), models: ["m-2026", "m"]).cost != nil)
        #expect(table.cost(TokenUsage(inputTokens: 1, outputTokens: 1), models: ["x"]).missing == "price.x.input")
    }

    @Test func totalsSaturateAndDollarsRoundToTheMillionth() {
        var totals = UsageTotals()
        var turn = CostedTurnFixture.make(usage: TokenUsage(inputTokens: .max, outputTokens: 1, cachedTokens: -4), cost: .server(Decimal(string: "0.0000005")!))
        totals.add(turn)
        totals.add(turn)
        #expect(totals.inputTokens == .max && totals.cachedTokens == 0 && totals.outputTokens == 2)
        #expect(totals.dollars == "$0.000001" && totals.costSource == "server")
        turn.cost = .unknown
        totals.add(turn)
        #expect(totals.turnsWithoutCost == 1 && totals.summary.hasSuffix("$0.000001 for 2 of 3 turns"))
        #expect(UsageTotals().dollars == nil && UsageTotals().summary.hasSuffix("cost unknown"))
    }
}

enum CostedTurnFixture {
    static func make(usage: TokenUsage?, cost: CostedTurn.Cost) -> CostedTurn {
        CostedTurn(
            id: ObjectID.hashing(kind: .blob, payload: []), createdAt: 0, model: "m", usage: usage, replay: false,
            compaction: false, cost: cost, missingPrice: nil)
    }
}
