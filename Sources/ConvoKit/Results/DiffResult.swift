import ConvoStore

/// `convo diff`: two turns compared, as text shows them and `diff --json` prints them.
public struct DiffResult: Sendable, Encodable {
    let comparison: Comparison

    /// Whether both sides are the same turn.
    public var isSame: Bool { comparison.isSame }
    /// The newest turn both conversations share.
    public var base: LogItem? { comparison.base.map(LogItem.init) }
    /// Turns only the old side's conversation has, oldest first.
    public var removed: [LogItem] { comparison.removed.map(LogItem.init) }
    /// Turns only the new side's conversation has, oldest first.
    public var added: [LogItem] { comparison.added.map(LogItem.init) }
    /// The old side's short id.
    public var fromShortID: String { comparison.fromShortID }
    /// The new side's short id.
    public var toShortID: String { comparison.toShortID }
    /// The unified diff of the two answers.
    public var answerHunks: [LineDiff.Hunk] { comparison.answerHunks }

    /// One property of the two turns: its name, the old side's value and the new side's (nil: none).
    public struct Change: Sendable, Equatable {
        /// `model`, or a parameter's key.
        public var name: String
        /// The old side's value.
        public var old: String?
        /// The new side's value.
        public var new: String?
    }

    /// The model, then every request parameter either side has, by key (values as JSON).
    public var changes: [Change] {
        let a = comparison.from.turn, b = comparison.to.turn
        var changes = [Change(name: "model", old: Comparison.model(a), new: Comparison.model(b))]
        for key in Set(a.request.parameters.keys).union(b.request.parameters.keys).sorted() {
            changes.append(Change(name: key, old: a.request.parameters[key]?.canonicalString, new: b.request.parameters[key]?.canonicalString))
        }
        return changes
    }

    /// Input tokens of the old and the new side.
    public var inputTokens: (old: Int64?, new: Int64?) {
        (comparison.from.turn.response.usage?.inputTokens, comparison.to.turn.response.usage?.inputTokens)
    }

    /// Output tokens of the old and the new side.
    public var outputTokens: (old: Int64?, new: Int64?) {
        (comparison.from.turn.response.usage?.outputTokens, comparison.to.turn.response.usage?.outputTokens)
    }

    /// `{"same", "from", "to", "base", "removed", "added", "answer_diff"}`, documented in README.md.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("same", isSame)
        try json.set("from", Side(details: comparison.from, shortID: fromShortID))
        try json.set("to", Side(details: comparison.to, shortID: toShortID))
        try json.set("base", base)
        try json.set("removed", removed)
        try json.set("added", added)
        try json.set("answer_diff", answerHunks.map(Hunk.init))
    }

    private struct Side: Encodable {
        var details: TurnDetails
        var shortID: String

        func encode(to encoder: Encoder) throws {
            let turn = details.turn
            var json = JSONFields(encoder)
            try json.set("id", details.id.hex)
            try json.set("short_id", shortID)
            try json.set("model", Comparison.model(turn))
            try json.set("parameters", turn.request.parameters)
            try json.set("usage", turn.response.usage?.json)
            try json.set("output", details.outputText)
        }
    }

    private struct Hunk: Encodable {
        var hunk: LineDiff.Hunk

        func encode(to encoder: Encoder) throws {
            var json = JSONFields(encoder)
            try json.set("old_start", hunk.oldStart)
            try json.set("old_count", hunk.oldCount)
            try json.set("new_start", hunk.newStart)
            try json.set("new_count", hunk.newCount)
            try json.set("lines", hunk.lines)
        }
    }
}

extension History {
    /// `convo diff REV1 [REV2]` (see ``compare(_:_:_:wholeLines:)``).
    public static func diff(_ workspace: Workspace, _ first: String, _ second: String, wholeLines: Bool = true) throws -> DiffResult {
        DiffResult(comparison: try compare(workspace, first, second, wholeLines: wholeLines))
    }
}
