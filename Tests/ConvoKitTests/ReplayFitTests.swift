import ConvoStore
import Testing

@testable import ConvoKit

/// The decision every fitted replay (say) and its prediction (status) share, without a server.
@Suite struct ReplayFitTests {
    /// `count` turns of about 100 estimated tokens each (a 300-byte message and a 100-byte answer).
    static func history(_ count: Int) -> [HistoryTurn] {
        (1...count).map { n in
            HistoryTurn(
                input: [DraftMessage(role: "user", text: String(repeating: "u", count: 300))],
                answer: "turn \(n) " + String(repeating: "a", count: 92), replay: false)
        }
    }

    @Test func aHistoryThatFitsIsSentWhole() throws {
        #expect(try ReplayFit.decide(Self.history(5), fixed: 10, budget: 1_000, window: 2_000, strategy: .fail) == .all)
    }

    @Test func failNamesTheSizeTheBudgetAndTheWindow() {
        #expect(throws: ContextError.doesNotFit(tokens: 1_030, budget: 500, window: 600, turns: 10)) {
            try ReplayFit.decide(Self.history(10), fixed: 10, budget: 500, window: 600, strategy: .fail)
        }
    }

    @Test func truncateKeepsTheFirstTurnAndTheNewestThatFit() throws {
        // 500 - 10 fixed - 40 for the note - 102 for the first turn leaves room for three more.
        #expect(try ReplayFit.decide(Self.history(10), fixed: 10, budget: 500, window: 600, strategy: .truncate)
            == .truncate(first: 1, recent: 3))
    }

    @Test func compactKeepsVerbatimWhatFitsHalfTheBudget() throws {
        #expect(try ReplayFit.decide(Self.history(10), fixed: 10, budget: 500, window: 600, strategy: .compact)
            == .compact(recent: 2))
    }

    @Test("At compact_threshold a history that fits is compacted anyway, unless only a window would be")
    func compactAtTheThreshold() throws {
        #expect(try ReplayFit.decide(Self.history(5), fixed: 10, budget: 1_000, window: 2_000, strategy: .compact, always: true)
            == .compact(recent: 4))
        var window = HistoryTurn(input: [], answer: "", replay: false)
        window.window = [DraftMessage(role: ReplayHistory.compactionRole, text: "{}")]
        #expect(try ReplayFit.decide([window] + Self.history(2), fixed: 10, budget: 1_000, window: 2_000, strategy: .compact, always: true)
            == .all)
    }

    @Test("Trimming a compaction window drops its oldest plain messages first and never the item")
    func trimmingKeepsTheItem() {
        let item = DraftMessage(role: ReplayHistory.compactionRole, text: "{\"type\":\"compaction\"}")
        let users = (1...4).map { DraftMessage(role: "user", text: "message \($0) " + String(repeating: "x", count: 90)) }
        let (kept, removed) = Compaction.trimmed(users + [item], toFit: 40)
        #expect(removed == 3)
        #expect(kept.map(\.text).first?.hasPrefix("message 4") == true)
        #expect(kept.last == item)
        let (alone, all) = Compaction.trimmed(users + [item], toFit: 1)
        #expect(alone == [item] && all == 4)
    }
}
