import ConvoStore

/// What `convo diff REV1 REV2` shows: the two conversation lines since their common ancestor, and how the
/// two turns' answers, models, parameters and token counts differ.
public struct Comparison: Sendable {
    /// Turn `REV1` (the old side, `-`).
    public var from: TurnDetails
    /// Turn `REV2` (the new side, `+`).
    public var to: TurnDetails
    /// Short ids of `from` and `to`.
    public var fromShortID: String, toShortID: String
    /// The newest turn both conversations share (git's merge-base), nil when they share none.
    public var base: LogEntry?
    /// Turns only `REV1`'s conversation has, oldest first (ending with `from` unless it is the base).
    public var removed: [LogEntry]
    /// Turns only `REV2`'s conversation has, oldest first (ending with `to` unless it is the base).
    public var added: [LogEntry]
    /// Unified-diff hunks of `from`'s answer → `to`'s answer (3 lines of context); empty when equal.
    public var answerHunks: [LineDiff.Hunk]

    /// Whether both revisions are the same turn.
    public var isSame: Bool { from.id == to.id }

    /// Model asked for, else the model that answered.
    public static func model(_ turn: Turn) -> String? { turn.request.model ?? turn.response.model }
}

extension History {
    /// Compares two turns; `REV1` is the old side. Unknown revisions throw (exit 4). Without `wholeLines` a long
    /// first line of the listed turns is only its start, enough for the shortened lines text output shows (reading
    /// them whole from the turns' texts was half of `diff` across 10,000 turns, issue 11).
    public static func compare(_ workspace: Workspace, _ first: String, _ second: String, wholeLines: Bool = true) throws -> Comparison {
        try workspace.repository.read { reader in
            let a = try reader.resolve(first), b = try reader.resolve(second)
            let lineA = try reader.ancestry(of: a), lineB = try reader.ancestry(of: b)
            let inA = Set(lineA.map(\.id))
            let baseIndexB = lineB.firstIndex { inA.contains($0.id) }
            let baseID = baseIndexB.map { lineB[$0].id }
            let baseIndexA = baseID.flatMap { id in lineA.firstIndex { $0.id == id } }
            let onlyA = Array(lineA[..<(baseIndexA ?? lineA.count)].reversed())
            let onlyB = Array(lineB[..<(baseIndexB ?? lineB.count)].reversed())
            let shown = onlyA + onlyB + (baseIndexB.map { [lineB[$0]] } ?? [])
            let short = try reader.abbreviations(of: Set(shown.map(\.id) + [a, b]))
            let decorations = try Decorations(reader, for: Set(shown.map(\.id)))
            // Read at once, so that each pack inflates once (``StoreReader/wholeLines(_:)``).
            var whole = [ObjectID: TurnSummary]()
            if wholeLines { for summary in try reader.wholeLines(shown) { whole[summary.id] = summary } }
            func entry(_ summary: TurnSummary) throws -> LogEntry {
                let summary = whole[summary.id] ?? summary
                return LogEntry(summary: summary, shortID: short[summary.id] ?? summary.id.abbreviated(), refs: decorations[summary.id])
            }
            let from = try TurnDetails(reader, id: a, turn: reader.turn(a), refs: decorations[a])
            let to = try TurnDetails(reader, id: b, turn: reader.turn(b), refs: decorations[b])
            return Comparison(
                from: from, to: to, fromShortID: short[a] ?? a.abbreviated(), toShortID: short[b] ?? b.abbreviated(),
                base: try baseIndexB.map { try entry(lineB[$0]) }, removed: try onlyA.map(entry), added: try onlyB.map(entry),
                answerHunks: LineDiff.hunks(LineDiff.lines(from.outputText), LineDiff.lines(to.outputText)))
        }
    }
}
