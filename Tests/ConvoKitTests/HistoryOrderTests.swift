import ConvoStore
import Testing

@testable import ConvoKit

/// `log --all` orders turns from the compact graph (positions in flat arrays) instead of from every index
/// row; it must list exactly the turns, in exactly the order, of the summary-based order it replaced.
extension SplitMix: RandomNumberGenerator {}

@Suite struct HistoryOrderTests {
    /// The order `log --all` had: the summaries of the turns reachable from `tips`, through Kahn's algorithm.
    private func reference(_ summaries: [TurnSummary], tips: [ObjectID]) -> [ObjectID] {
        let parents = Dictionary(uniqueKeysWithValues: summaries.map { ($0.id, $0.parent) })
        var reachable = Set<ObjectID>()
        for tip in tips {
            var next: ObjectID? = tip
            while let id = next, reachable.insert(id).inserted { next = parents[id] ?? nil }
        }
        return TopologicalOrder.newestFirst(summaries.filter { reachable.contains($0.id) }).map(\.id)
    }

    @Test(arguments: 0..<300)
    func theCompactGraphListsWhatTheSummariesListed(seed: UInt64) {
        var random = SplitMix(seed: seed)
        let count = Int.random(in: 1...40, using: &random)
        var summaries = [TurnSummary]()
        for index in 0..<count {
            let id = ObjectID.hashing(kind: .turn, payload: Array("\(seed)/\(index)".utf8))
            // Few distinct times, so that ties (broken by id) and children older than their parents are common;
            // now and then a parent the index lacks.
            let parent: ObjectID? =
                index == 0 || Int.random(in: 0..<6, using: &random) == 0
                ? nil
                : Int.random(in: 0..<10, using: &random) == 0
                    ? ObjectID.hashing(kind: .turn, payload: Array("missing \(index)".utf8))
                    : summaries[Int.random(in: 0..<index, using: &random)].id
            summaries.append(
                TurnSummary(
                    id: id, parent: parent, createdAt: Int64.random(in: 0...4, using: &random), model: nil, responseID: nil,
                    status: "completed", origin: nil, stored: false, replay: false, inputTokens: nil, outputTokens: nil,
                    inputLine: "", outputLine: ""))
        }
        // Some turns no tip reaches (a deleted branch), a tip given twice, and a tip the index lacks.
        var tips = summaries.filter { _ in Int.random(in: 0..<3, using: &random) == 0 }.map(\.id)
        tips += tips.prefix(1)
        tips.append(ObjectID.hashing(kind: .turn, payload: Array("no such turn".utf8)))
        let graph = HistoryGraph(summaries.shuffled(using: &random).map { ($0.id, $0.parent, $0.createdAt) })
        let expected = reference(summaries, tips: tips)
        #expect(TopologicalOrder.newestFirst(graph, from: tips) == expected)
        let limit = Int.random(in: 0...5, using: &random)
        #expect(TopologicalOrder.newestFirst(graph, from: tips, limit: limit) == Array(expected.prefix(limit)))
    }
}
