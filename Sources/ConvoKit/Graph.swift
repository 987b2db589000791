import ConvoStore

/// One line of `log --graph`: either a turn with the graph drawn before it, or a line of edges only.
public enum GraphRow: Equatable, Sendable {
    /// A turn: `prefix` is e.g. `| * `; `index` points into the entries given to the layout.
    case turn(prefix: String, index: Int)
    /// Edges joining columns, e.g. `|/`.
    case edges(String)
}

/// Lays out a conversation tree as git draws `log --graph`: one column per open line of history,
/// columns joining (`|/`) where branches fork from a common turn. Unlike git, a line that ends (a root) is never
/// followed by an unrelated turn in the same column, so conversations started with `say --new` stay apart.
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
                continue
            }
            // The line ends here (a conversation's first turn, or its parent is not shown). Nothing may be drawn
            // under it that reads as its parent: the lines to its right move left with a `/`, and a turn that
            // would start in this very column is kept apart by a row left empty there.
            if column + 1 < columns.count {
                let bars = String(repeating: "| ", count: column)
                rows.append(.edges(bars + " " + Array(repeating: "/", count: columns.count - column - 1).joined(separator: " ")))
            } else if index + 1 < summaries.count, !columns.contains(summaries[index + 1].id) {
                rows.append(.edges(Array(repeating: "|", count: column).joined(separator: " ")))
            }
            columns.remove(at: column)
        }
        return rows
    }
}
