import ConvoStore
import Foundation
import Testing

@testable import ConvoKit

/// `status` predicts a replay from the lengths of the texts (each blob's size), without reading them: every
/// estimate, and so every decision and figure it prints, must be what the loaded history gives (issue 11).
@Suite struct ReplayEstimateTests {
    /// The units and completeness ``ReplayHistory/loadNewest(_:tip:past:)`` gives, as estimates.
    func loaded(_ reader: StoreReader, _ tip: ObjectID, past limit: Int) throws -> ([ReplayHistory.Estimate], Bool) {
        let (turns, complete) = try ReplayHistory.loadNewest(reader, tip: tip, past: limit)
        return (turns.map(ReplayHistory.Estimate.init), complete)
    }

    /// A history of every kind of unit: texts of several scripts, replayed turns, attachments, developer and
    /// system messages, an answer of several items, two compaction turns (the older inside the newer's window),
    /// and turns after them; returns every turn's id, oldest first.
    func history(in repository: Repository) throws -> [ObjectID] {
        try repository.write { writer in
            var ids: [ObjectID] = []
            var parent: ObjectID?
            func add(_ draft: TurnDraft) throws {
                parent = try writer.insert(draft)
                ids.append(parent!)
            }
            func turn(_ index: Int, input: [DraftMessage]? = nil, output: [DraftOutputItem]? = nil, parameters: [String: JSONValue] = [:],
                      replay: Bool = false) -> TurnDraft {
                let long = String(repeating: "héllo wörld ✓ 😀 ", count: index % 7 * 40 + 1)
                return TurnDraft(
                    parent: parent, model: "m1", input: input ?? [DraftMessage(role: "user", text: "question \(index) \(long)")],
                    parameters: parameters, responseID: "resp_\(index)",
                    output: output ?? [DraftOutputItem(type: "message", role: "assistant", text: "answer \(index) \(long)")],
                    stored: true, replay: replay, createdAt: 1_764_000_000 + Int64(index))
            }
            for index in 0..<30 { try add(turn(index)) }
            try add(turn(30, input: [
                DraftMessage(role: "developer", text: "be brief"), DraftMessage(role: "user", text: "old question"),
                DraftMessage(role: "assistant", text: "old answer"), DraftMessage(role: "user", text: "newest question ✓"),
            ], replay: true))
            let image = DraftAttachment(kind: "image", name: "a.png", mediaType: "image/png", bytes: Array(repeating: 7, count: 4_099))
            let file = DraftAttachment(kind: "file", name: "b.pdf", mediaType: "application/pdf", bytes: Array(repeating: 9, count: 1_003))
            try add(turn(31, input: [DraftMessage(role: "user", text: "look", attachments: [image, file]), DraftMessage(role: "system", text: "sys")]))
            try add(turn(32, output: [
                DraftOutputItem(type: "reasoning"), DraftOutputItem(type: "message", role: "assistant", text: "first part ✓ "),
                DraftOutputItem(type: "message", role: "assistant", text: "second part 😀"),
            ]))
            try add(turn(33, input: [], output: []))
            for (index, kept) in [(34, 2), (38, 3)] {
                for extra in 0..<kept { try add(turn(index - kept + extra + 100)) }
                try add(turn(index, input: [], output: [
                    DraftOutputItem(type: "message", role: "user", text: "kept question ✓"),
                    DraftOutputItem(type: "compaction", text: "{\"encrypted_content\":\"\(String(repeating: "x", count: 3_001))\",\"type\":\"compaction\"}"),
                ], parameters: ["compaction": .object(["turns": .int(Int64(ids.count - kept)), "kept": .int(Int64(kept))])]))
            }
            for index in 40..<60 { try add(turn(index)) }
            return ids
        }
    }

    /// Every tip and limit: the estimates equal those of the loaded history, and so does the prediction `status` prints.
    func expectSameEstimates(_ repository: Repository, _ ids: [ObjectID]) throws {
        try repository.read { reader in
            for tip in ids {
                let turn = try reader.turn(tip)
                #expect(try reader.referencesOfTurn(tip) == turn, "the walk reads the turn the replay reads")
                // A plain turn's references are read without decoding it; a turn with attachments or a compaction item is decoded.
                let plain = !turn.response.output.contains { $0.type == "compaction" } && !turn.request.input.contains { !$0.attachments.isEmpty }
                #expect(try reader.plainTurn(tip) == (plain ? TurnReferences(turn) : nil), "tip \(ids.firstIndex(of: tip)!)")
                // The index row keeps a plain turn's estimate (format 14): the loaded turn's, and the one its references
                // and its texts' sizes give (what the walk reads in a repository of an older format).
                let row = try reader.replayTokens(tip)
                if plain {
                    let one = HistoryTurn(input: try reader.inputMessages(of: turn), answer: try reader.answer(of: turn), replay: turn.replay)
                    #expect(row?.tokens == ReplayHistory.Estimate(one).tokens && row?.parent == turn.parent, "tip \(ids.firstIndex(of: tip)!)")
                    #expect(row?.tokens == (try ReplayHistory.Estimate(ordinary: TurnReferences(turn), reader)).tokens)
                } else {
                    #expect(row == nil, "tip \(ids.firstIndex(of: tip)!)")
                }
                let whole = try loaded(reader, tip, past: .max)
                let total = whole.0.reduce(0) { $0 + $1.tokens }
                for limit in [0, 1, 50, 300, 1_000, 5_000, total - 1, total, .max] {
                    let estimated = try ReplayHistory.estimateNewest(reader, tip: tip, past: limit)
                    let expected = try loaded(reader, tip, past: limit)
                    #expect(estimated.turns == expected.0 && estimated.complete == expected.1, "tip \(ids.firstIndex(of: tip)!), limit \(limit)")
                }
            }
        }
    }

    @Test func estimatesOfLooseTurnsEqualThoseOfTheLoadedHistory() throws {
        let repository = try Repository.inMemory()
        try expectSameEstimates(repository, try history(in: repository))
    }

    @Test func estimatesOfPackedTurnsEqualThoseOfTheLoadedHistory() throws {
        let repository = try Repository.inMemory()
        let ids = try history(in: repository)
        let moved = try repository.write { try $0.packLoose(limit: 10_000) }
        #expect(moved > 0)
        try expectSameEstimates(repository, ids)
    }

    @Test func aTurnTheServerCompactedEndsTheEstimateAsItEndsTheHistory() throws {
        let repository = try Repository.inMemory()
        var ids = try history(in: repository)
        let item = "{\"encrypted_content\":\"abc\",\"type\":\"compaction\"}"
        ids += try repository.write { writer in
            var parent = ids.last
            var made: [ObjectID] = []
            for index in 0..<3 {
                parent = try writer.insert(
                    TurnDraft(
                        parent: parent, model: "m1", input: [DraftMessage(role: "user", text: "server turn \(index) ✓")], responseID: "resp_s\(index)",
                        output: index == 1
                            ? [DraftOutputItem(type: "compaction"), DraftOutputItem(type: "message", role: "assistant", text: "after the item")]
                            : [DraftOutputItem(type: "message", role: "assistant", text: "plain \(index)")],
                        raw: index == 1 ? "{\"output\":[\(item),{\"type\":\"message\"}]}" : nil, stored: true, createdAt: 1_765_000_000 + Int64(index)))
                made.append(parent!)
            }
            return made
        }
        let whole = try repository.read { try ReplayHistory.load($0, tip: ids.last!) }
        #expect(whole.count == 2 && whole.first?.window?.first?.text == item, "the server's item ends the walk")
        try expectSameEstimates(repository, ids)
    }

    /// The printed prediction, for every strategy and a window the history fits and ones it does not, is the one
    /// the loaded history's decision gives.
    @Test func thePredictionIsTheLoadedHistorysDecision() throws {
        let repository = try Repository.inMemory()
        let ids = try history(in: repository)
        let tip = ids.last!
        let whole = try repository.read { try ReplayHistory.load($0, tip: tip) }
        let total = TokenEstimate.of(ReplayHistory.messages(whole))
        for window in [200, 2_000, total / 2, total * 2, total * 30] {
            try repository.write { try $0.setConfig("model.m1.context_window", String(window)) }
            for strategy in ReplayStrategy.allCases {
                try repository.write { try $0.setConfig("replay_strategy", strategy.rawValue) }
                let text = try repository.read { try ContextSettings.predict($0, tip: tip, model: "m1", instructions: "be kind") }
                let budget = ReplayFit.budget(window: window, maxOutputTokens: nil)
                let fixed = TokenEstimate.of("be kind")
                let (newest, complete) = try repository.read { try ReplayHistory.loadNewest($0, tip: tip, past: window) }
                let decision = try? ReplayFit.decide(newest, fixed: fixed, budget: budget, window: window, strategy: strategy)
                let turns = complete ? newest.reduce(0) { $0 + $1.covers } : try repository.read { try $0.depth(of: tip) }
                let tokens = fixed + TokenEstimate.of(ReplayHistory.messages(newest))
                switch decision {
                case .all?:
                    #expect(complete && text == "\(turns) turns fit the context window of m1 (\(window) tokens), about \(tokens) tokens")
                case .truncate(let first, let recent)?:
                    let verbatim = newest.prefix(first).reduce(0) { $0 + $1.covers } + newest.suffix(recent).reduce(0) { $0 + $1.covers }
                    #expect(text == "\(turns - verbatim) of \(turns) turns left out, \(verbatim) verbatim, to fit \(window) tokens (replay_strategy truncate)")
                case .compact(let recent)?:
                    let verbatim = newest.suffix(recent).reduce(0) { $0 + $1.covers }
                    #expect(text == "\(turns - verbatim) of \(turns) turns compacted, \(verbatim) verbatim, to fit \(window) tokens (replay_strategy compact)")
                case nil:
                    #expect(text?.contains("do not fit \(window)") == true && text?.contains(complete ? "about \(tokens) tokens" : "more than \(tokens) tokens") == true,
                            "\(text ?? "")")
                }
            }
        }
    }
}
