import ConvoStore

/// One line of `log --graph`: either a turn with the graph drawn before it, or a line of edges only.
public enum GraphRow: Equatable, Sendable {
    /// A turn: `prefix` is e.g. `| * `; `index` points into the entries given to the layout.
    case turn(prefix: String, index: Int)
    /// Edges joining columns, e.g. `|/`.
    case edges(String)
}

/// Lays out a conversation tree as git draws `log --graph`: one column per open line of history,
/// columns joining (`|/`) where branches fork from a common turn.
public enum GraphLayout {
    /// `summaries` must be in topological order, children before parents.
    public static func rows(_ summaries: [TurnSummary]) -> [GraphRow] {
        var columns = [ObjectID]()  // the turn each column waits for
        var rows = [GraphRow]()
        let present = Set(summaries.map(\.id))
        for (index, summary) in summaries.enumerated() {
            var waiting = columns.indices.filter { columns[$0] == summary.id }
            if waiting.isEmpty {
                columns.append(summary.id)
                waiting = [columns.count - 1]
            }
            // Columns that waited for this turn join the first one, rightmost first, before it is drawn.
            for extra in waiting.dropFirst().reversed() {
                var line = ""
                for position in columns.indices {
                    if position < extra {
                        line += "|" + (position + 1 < extra ? " " : "")
                    } else {
                        line += "/" + (position + 1 < columns.count ? " " : "")
                    }
                }
                rows.append(.edges(line))
                columns.remove(at: extra)
            }
            let column = waiting[0]
            let marks = columns.indices.map { $0 == column ? "*" : "|" }
            rows.append(.turn(prefix: marks.joined(separator: " ") + " ", index: index))
            if let parent = summary.parent, present.contains(parent) {
                columns[column] = parent
            } else {
                columns.remove(at: column)
            }
        }
        return rows
    }
}
