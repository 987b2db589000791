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

    /// Rows as text: a turn's prefix and its name, or an edges line.
    private func drawn(_ nodes: [String: TurnSummary]) -> [String] {
        let ordered = TopologicalOrder.newestFirst(Array(nodes.values))
        return GraphLayout.rows(ordered).map { row -> String in
            switch row {
            case .turn(let prefix, let index): prefix + ordered[index].inputLine
            case .edges(let line): line
            }
        }
    }

    /// Two conversations with no parent in common (`say --new`): git would draw b under c as if c were its parent.
    @Test func twoRootsInOneColumnAreKeptApartByAnEmptyRow() {
        #expect(drawn(tree([("a", nil, 1), ("b", "a", 2), ("c", nil, 3), ("d", "c", 4)])) == ["* d", "* c", "", "* b", "* a"])
    }

    @Test func aTurnStartingInTheColumnARootLeftIsKeptApartFromIt() {
        let rows = drawn(tree([("m1", nil, 1), ("m2", "m1", 10), ("r", nil, 9), ("x1", nil, 2), ("x2", "x1", 8)]))
        #expect(rows == ["* m2", "| * r", "|", "| * x2", "| * x1", "* m1"])
    }

    /// A root with a line to its right: that line moves left with a `/` instead of jumping under the root.
    @Test func linesRightOfAnEndingLineMoveLeft() {
        let rows = drawn(tree([("m1", nil, 1), ("m2", "m1", 10), ("r1", nil, 3), ("r2", "r1", 9), ("x1", nil, 2), ("x2", "x1", 8)]))
        #expect(rows == ["* m2", "| * r2", "| | * x2", "| * | r1", "|  /", "| * x1", "* m1"])
    }

    @Test func aLinearHistoryIsOneColumn() {
        let nodes = tree([("a", nil, 1), ("b", "a", 2), ("c", "b", 3)])
        let rows = GraphLayout.rows(TopologicalOrder.newestFirst(Array(nodes.values)))
        #expect(rows == [.turn(prefix: "* ", index: 0), .turn(prefix: "* ", index: 1), .turn(prefix: "* ", index: 2)])
    }
}
