import ConvoStore
import Foundation
import Testing

@testable import ConvoKit

/// `status` predicts a replay from the newest turns only: it reads back from HEAD until the turns read are past
/// the context window, which a history that does not fit always reaches (issue 11: reading all 10,000 turns of a
/// long conversation took `status` 3 G instructions).
@Suite struct ReplayHistoryBoundTests {
    /// A chain of `count` turns of about 20 estimated tokens each; returns its tip.
    func chain(_ count: Int, in repository: Repository) throws -> ObjectID {
        try repository.write { writer in
            var parent: ObjectID?
            for index in 0..<count {
                let words = Array(repeating: "word", count: 8).joined(separator: " ")
                parent = try writer.insert(
                    TurnDraft(
                        parent: parent, model: "m1", input: [DraftMessage(role: "user", text: "question \(index) \(words)")],
                        responseID: "resp_\(index)", output: [DraftOutputItem(type: "message", role: "assistant", text: "answer \(index) \(words)")],
                        usage: TokenUsage(inputTokens: 10, outputTokens: 5), stored: true, createdAt: 1_764_000_000 + Int64(index)))
            }
            return try #require(parent)
        }
    }

    @Test func theWalkStopsOncePastTheLimitAndSaysItIsIncomplete() throws {
        let repository = try Repository.inMemory()
        let tip = try chain(200, in: repository)
        try repository.read { reader in
            let whole = try ReplayHistory.load(reader, tip: tip)
            #expect(whole.count == 200)
            let sizes = whole.map { TokenEstimate.of(ReplayHistory.messages([$0])) }

            let newest = try ReplayHistory.loadNewest(reader, tip: tip, past: 300)
            #expect(!newest.complete)
            // The newest turns, oldest first, just past the limit: one turn fewer would not be.
            #expect(newest.turns.map(\.id) == Array(whole.suffix(newest.turns.count)).map(\.id))
            #expect(sizes.suffix(newest.turns.count).reduce(0, +) > 300)
            #expect(sizes.suffix(newest.turns.count - 1).reduce(0, +) <= 300)

            let all = try ReplayHistory.loadNewest(reader, tip: tip, past: sizes.reduce(0, +))
            #expect(all.complete && all.turns.map(\.id) == whole.map(\.id), "a history within the limit is read whole")
        }
    }

    @Test func aPredictionFromTheNewestTurnsCountsEveryTurnAndDecidesAsTheWholeHistoryWould() throws {
        let repository = try Repository.inMemory()
        let tip = try chain(200, in: repository)
        try repository.write { try $0.setConfig("model.m1.context_window", "1000") }
        let whole = try repository.read { try ReplayHistory.load($0, tip: tip) }
        let budget = ReplayFit.budget(window: 1000, maxOutputTokens: nil)
        for strategy in ReplayStrategy.allCases {
            try repository.write { try $0.setConfig("replay_strategy", strategy.rawValue) }
            let prediction = try repository.read { try ContextSettings.predict($0, tip: tip, model: "m1", instructions: nil) }
            let text = try #require(prediction)
            // What the whole history decides (the turns are of one size, so the oldest turn read stands in
            // exactly for the first turn that truncate keeps).
            switch strategy {
            case .compact:
                guard case .compact(let recent)? = try? ReplayFit.decide(whole, fixed: 0, budget: budget, window: 1000, strategy: .compact) else {
                    Issue.record("the whole history does not compact")
                    continue
                }
                #expect(text == "\(200 - recent) of 200 turns compacted, \(recent) verbatim, to fit 1000 tokens (replay_strategy compact)")
            case .truncate:
                guard case .truncate(let first, let recent)? = try? ReplayFit.decide(whole, fixed: 0, budget: budget, window: 1000, strategy: .truncate)
                else {
                    Issue.record("the whole history does not truncate")
                    continue
                }
                let verbatim = first + recent
                #expect(text == "\(200 - verbatim) of 200 turns left out, \(verbatim) verbatim, to fit 1000 tokens (replay_strategy truncate)")
            case .fail:
                #expect(text.hasPrefix("more than ") && text.contains("tokens of 200 turns do not fit 1000 (replay_strategy fail"), "\(text)")
            }
        }
    }
}
