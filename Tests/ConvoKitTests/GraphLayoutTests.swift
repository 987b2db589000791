import ConvoStore
import Testing

@testable import ConvoKit

/// Builds index summaries for a tree given as (name, parent name, time).
private func tree(_ nodes: [(String, String?, Int64)]) -> [String: TurnSummary] {
    var ids = [String: ObjectID]()
    for (name, _, _) in nodes { ids[name] = ObjectID.hashing(kind: .turn, payload: Array(name.utf8)) }
    var result = [String: TurnSummary]()
    for (name, parent, time) in nodes {
        result[name] = TurnSummary(
            id: ids[name]!, parent: parent.map { ids[$0]! }, createdAt: time, model: nil, responseID: nil, status: "completed",
            origin: nil, stored: false, replay: false, inputTokens: nil, outputTokens: nil, inputLine: name, outputLine: "")
    }
    return result
}

@Suite struct GraphLayoutTests {
    @Test func childrenComeBeforeParentsNewestFirst() {
        // a ← b ← c, and a ← d (d newer than c), and b ← e (oldest leaf, but newer than b).
        let nodes = tree([("a", nil, 1), ("b", "a", 2), ("c", "b", 3), ("d", "a", 5), ("e", "b", 4)])
        let order = TopologicalOrder.newestFirst(Array(nodes.values)).map(\.inputLine)
        #expect(order == ["d", "e", "c", "b", "a"])
    }

    @Test func childrenPrecedeParentsEvenWhenClocksDisagree() {
        let nodes = tree([("a", nil, 10), ("b", "a", 1)])
        #expect(TopologicalOrder.newestFirst(Array(nodes.values)).map(\.inputLine) == ["b", "a"])
    }

    @Test func threeBranchesJoinWhereTheyFork() {
        let nodes = tree([("root", nil, 1), ("x", "root", 2), ("y", "root", 3), ("z", "root", 4), ("x2", "x", 5)])
        let ordered = TopologicalOrder.newestFirst(Array(nodes.values))
        let rows = GraphLayout.rows(ordered).map { row -> String in
            switch row {
            case .turn(let prefix, let index): prefix + ordered[index].inputLine
            case .edges(let line): line
            }
        }
        #expect(rows == ["* x2", "| * z", "| | * y", "* | | x", "| |/", "|/", "* root"])
    }

    @Test func aLinearHistoryIsOneColumn() {
        let nodes = tree([("a", nil, 1), ("b", "a", 2), ("c", "b", 3)])
        let rows = GraphLayout.rows(TopologicalOrder.newestFirst(Array(nodes.values)))
        #expect(rows == [.turn(prefix: "* ", index: 0), .turn(prefix: "* ", index: 1), .turn(prefix: "* ", index: 2)])
    }
}
