import ConvoStore

/// A conversation's history as a replay re-sends it: loading it from the store, and the one rule for which of
/// its messages count. Used by `say` (the replay input), `status` (the replay estimate) and `fetch` (the
/// context a server's input items may repeat).
public enum ReplayHistory {
    /// The role under which a compaction item is kept among messages: its text is the item's JSON, sent back
    /// verbatim.
    public static let compactionRole = "compaction"
    /// Roles a replay sends as they are (the rest of the non-user messages are the model's answers).
    static let verbatimRoles: Set = [compactionRole, "developer"]

    /// The conversation ending at `tip`, oldest first, with texts; empty without a tip. A compaction turn ends
    /// the walk back: it stands for the turns it replaced, and only the turns it kept are read before it.
    static func load(_ reader: StoreReader, tip: ObjectID?) throws -> [HistoryTurn] {
        try loadNewest(reader, tip: tip, past: nil).turns
    }

    /// The history as ``load(_:tip:)`` reads it, but when `limit` is given the walk back from `tip` stops once
    /// the turns read hold more than `limit` estimated tokens: `complete` is false and `turns` are the newest
    /// ones (oldest first). A prediction needs no more than that to know the history does not fit, and reading
    /// every turn of a 10,000-turn conversation took `status` 3 G instructions (BENCHMARKS.md).
    static func loadNewest(_ reader: StoreReader, tip: ObjectID?, past limit: Int?) throws -> (turns: [HistoryTurn], complete: Bool) {
        try walk(reader, tip: tip, past: limit, read: reader.turn, unit: { $0 }, tokens: { TokenEstimate.of(messages([$0])) }) { turn, id in
            var history = HistoryTurn(input: try reader.inputMessages(of: turn), answer: try reader.answer(of: turn), replay: turn.replay)
            history.id = id
            return history
        }
    }

    /// One unit of a history as a prediction needs it: what ``messages(_:)`` of it would estimate, and how many
    /// turns it stands for.
    struct Estimate: Equatable {
        /// `TokenEstimate.of(messages([unit]))`.
        var tokens: Int
        /// The unit's ``HistoryTurn/covers``.
        var covers: Int
        /// Whether the unit is a compaction's window.
        var isWindow: Bool

        /// Creates one.
        init(tokens: Int, covers: Int, isWindow: Bool) {
            self.tokens = tokens
            self.covers = covers
            self.isWindow = isWindow
        }

        /// The estimate of a loaded unit.
        init(_ turn: HistoryTurn) {
            tokens = TokenEstimate.of(messages([turn]))
            covers = turn.covers
            isWindow = turn.window != nil
        }

        /// The estimate of an ordinary turn (neither a compaction turn nor one the server compacted), from the
        /// lengths of its texts: each blob's size is its text's UTF-8 length, so no pack of texts is inflated
        /// (reading the texts was most of `status`'s instructions on a long conversation, issue 11). It equals
        /// `Estimate(HistoryTurn)` of the turn ``loadNewest(_:tip:past:)`` reads.
        init(ordinary turn: TurnReferences, _ reader: StoreReader) throws {
            tokens = try ReplayTokens.estimate(turn, size: reader.textSize, attachmentSize: reader.blobSize)
            covers = 1
            isWindow = false
        }
    }

    /// ``loadNewest(_:tip:past:)`` as estimates, for `status`: the same walk, but the texts of ordinary turns are
    /// measured, not read.
    static func estimateNewest(_ reader: StoreReader, tip: ObjectID?, past limit: Int) throws -> (turns: [Estimate], complete: Bool) {
        // The rows' estimates (ReplayTokens) when the repository keeps them, else the turns' references and their texts' sizes.
        let rows = try reader.replayTokenRows()
        // The plain turns nearest the tip (usually all a prediction reads) in a loop of their own: the generic walk cost
        // a few hundred instructions a turn more. Until a turn that is not plain, the walk's state is these turns and
        // their tokens, so it goes on from there with what remains of the limit.
        var newest: [Estimate] = []
        var tokens = 0
        var next = tip
        if let rows, let tip {
            rows.start(at: tip)
            while let made = rows.step() {
                newest.append(Estimate(tokens: made, covers: 1, isWindow: false))
                tokens += made
                if tokens > limit { return (newest.reversed(), false) }
            }
            next = rows.current  // a turn that is not plain, or nil past the first turn
        }
        let older = try walk(
            reader, tip: next, past: limit - tokens,
            plain: { id in
                if let (parent, tokens) = rows?.row(id) { return (parent, Estimate(tokens: tokens, covers: 1, isWindow: false)) }
                return try reader.plainTurn(id).map { ($0.parent, try Estimate(ordinary: $0, reader)) }
            },
            read: reader.referencesOfTurn, unit: Estimate.init, tokens: \.tokens
        ) { turn, _ in
            try Estimate(ordinary: TurnReferences(turn), reader)
        }
        return (older.turns + newest.reversed(), older.complete)
    }

    /// The walk of ``loadNewest(_:tip:past:)``: `plain` makes the unit of a turn that is neither a compaction turn
    /// nor one the server compacted (no output item is a compaction) and gives its parent, or says nil to have the
    /// turn read; `read` reads a turn, `ordinary` makes the unit of an ordinary turn, `unit` that of a
    /// compaction turn's window or a turn the server compacted (read in full: they are rare), and `tokens` tells a
    /// unit's estimate for `limit`.
    private static func walk<Unit>(
        _ reader: StoreReader, tip: ObjectID?, past limit: Int?, plain: (ObjectID) throws -> (parent: ObjectID?, unit: Unit)? = { _ in nil },
        read: (ObjectID) throws -> Turn, unit: (HistoryTurn) -> Unit,
        tokens size: (Unit) -> Int,
        ordinary: (Turn, ObjectID) throws -> Unit
    ) throws -> (turns: [Unit], complete: Bool) {
        guard let tip else { return ([], true) }
        var turns: [Unit] = []
        var tokens = 0
        // The newest compaction turn met: its window stands for what is older than the turns it kept, so it goes
        // before them (oldest first), and the walk stops once they are read.
        var compacted: HistoryTurn?
        var remaining: Int?
        // The chain is walked through each turn's own parent, turn by turn, so a prediction reads only the turns it
        // needs: loading the whole ancestry's index rows first cost `status` 711 M of its 839 M instructions on a
        // 10,000-turn conversation (BENCHMARKS.md).
        var next: ObjectID? = tip
        while let id = next {
            if remaining == 0 { break }
            if let (parent, made) = try plain(id) {
                next = parent
                remaining = remaining.map { $0 - 1 }
                turns.append(made)
                if let limit {
                    tokens += size(made)
                    if tokens > limit { return (turns.reversed(), false) }
                }
                continue
            }
            let turn = try read(id)
            next = turn.parent
            if let compaction = Compaction.Record(turn) {
                // An older compaction turn among the kept ones is already inside the newer window.
                guard compacted == nil else { continue }
                var window = HistoryTurn(input: [], answer: "", replay: false)
                window.window = try Compaction.window(of: turn, reader)
                window.id = id
                window.covers = compaction.turns
                compacted = window
                remaining = compaction.kept
                continue
            }
            remaining = remaining.map { $0 - 1 }
            if let item = try Compaction.serverItem(of: turn, reader) {
                // OpenAI compacted on the server (compact_threshold): its item stands for everything before this
                // turn's message, so a replay sends the item, the message and the answer, and nothing older.
                var history = HistoryTurn(input: try reader.inputMessages(of: turn), answer: try reader.answer(of: turn), replay: turn.replay)
                history.id = id
                history.window = [DraftMessage(role: compactionRole, text: item)] + history.input.filter { $0.role == "user" }.suffix(1)
                    + [DraftMessage(role: "assistant", text: history.answer)]
                history.covers = try reader.depth(of: id)
                turns.append(unit(history))
                compacted = nil
                break
            }
            let made = try ordinary(turn, id)
            turns.append(made)
            if let limit {
                tokens += size(made)
                if tokens > limit { return (turns.reversed(), false) }
            }
        }
        if let compacted { turns.append(unit(compacted)) }
        return (turns.reversed(), true)
    }

    /// The replay rule: the conversation as a server holds it, oldest first — each turn's user messages and its
    /// answer. A turn that was itself a replay contributes only its own (newest) user message, not the history
    /// its input re-sent. A compaction turn contributes its window.
    public static func messages(_ history: [HistoryTurn]) -> [DraftMessage] {
        var messages = [DraftMessage]()
        for turn in history {
            if let window = turn.window {
                messages += window
                continue
            }
            let users = turn.input.filter { $0.role == "user" }
            messages += turn.replay ? Array(users.suffix(1)) : users
            messages.append(DraftMessage(role: "assistant", text: turn.answer))
        }
        return messages
    }
}
