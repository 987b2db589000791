import ConvoStore
import Foundation
import ResponsesAPI

/// Fitting a replay into the context window: the budget, the configured strategy, and what the turn records
/// about what was sent (its `context` parameter, shown by `show` and carried by export and import).
enum ReplayFit {
    /// The tokens a replay may use: the window less room for the answer (`max_output_tokens`, else an eighth of
    /// the window up to 8192) and a margin of a twentieth for the estimate's error.
    static func budget(window: Int, maxOutputTokens: Int?) -> Int {
        max(1, window - (maxOutputTokens ?? min(8192, window / 8)) - window / 20)
    }

    /// What the replay turned out to send.
    struct Outcome {
        /// The history to send (a compaction turn's window first, when one was made).
        var history: [HistoryTurn]
        /// The compaction turn to commit as the new turn's parent, when the strategy compacted.
        var compaction: TurnDraft?
        /// The turn's `context` parameter; nil when everything was sent.
        var record: JSONValue?
    }

    /// What a strategy does with a history that does not fit, decided without the server.
    enum Decision: Equatable {
        /// Everything fits.
        case all
        /// Keep the first `first` units (0 or 1), a note, and the newest `recent` units.
        case truncate(first: Int, recent: Int)
        /// Compact all but the newest `recent` units.
        case compact(recent: Int)
    }

    /// Decides how `history` (oldest first) and the fixed part (instructions and the new message) fit `budget`.
    /// With `always` (compacting at `compact_threshold`), the `compact` strategy compacts even a history that fits,
    /// keeping verbatim what fits half the budget.
    static func decide(
        _ history: [HistoryTurn], fixed: Int, budget: Int, window: Int, strategy: ReplayStrategy, always: Bool = false
    ) throws -> Decision {
        try decide(
            history.map { ReplayHistory.Estimate($0) }, fixed: fixed, budget: budget, window: window, strategy: strategy, always: always)
    }

    /// ``decide(_:fixed:budget:window:strategy:always:)`` from each unit's estimated tokens alone, as `status` predicts
    /// it without reading the texts.
    static func decide(
        _ history: [ReplayHistory.Estimate], fixed: Int, budget: Int, window: Int, strategy: ReplayStrategy, always: Bool = false
    ) throws -> Decision {
        let sizes = history.map(\.tokens)
        let total = fixed + sizes.reduce(0, +)
        guard total > budget || (always && strategy == .compact) else { return .all }
        let turns = history.reduce(0) { $0 + $1.covers }
        let tooBig = ContextError.doesNotFit(tokens: total, budget: budget, window: window, turns: turns)
        /// How many of the newest units from `start` on fit in `room`.
        func newest(fitting room: Int, from start: Int) -> Int {
            var used = 0, count = 0
            for size in sizes[min(start, sizes.count)...].reversed() {
                guard used + size <= room else { break }
                used += size
                count += 1
            }
            return count
        }
        switch strategy {
        case .fail: throw tooBig
        case .truncate:
            guard !history.isEmpty, fixed + 40 <= budget else { throw tooBig }
            // The first turn usually says what the conversation is about; it goes too when it alone is too big.
            let first = fixed + sizes[0] + 40 <= budget ? 1 : 0
            return .truncate(first: first, recent: newest(fitting: budget - fixed - 40 - (first == 1 ? sizes[0] : 0), from: first))
        case .compact:
            let recent = newest(fitting: budget / 2 - fixed, from: 0)
            // At the threshold, a history already compacted down to one window has nothing left to compact.
            if always, recent >= history.count - (history.first?.isWindow == true ? 1 : 0) { return .all }
            guard recent < history.count else { throw tooBig }
            return .compact(recent: recent)
        }
    }

    /// Fits `history` (oldest first) and `message` into `budget` by `strategy`; everything when it fits.
    static func apply(
        _ history: [HistoryTurn], message: DraftMessage, instructions: String?, budget: Int, window: Int,
        strategy: ReplayStrategy, always: Bool = false, compact: ([HistoryTurn], Int) async throws -> TurnDraft
    ) async throws -> Outcome {
        let fixed = TokenEstimate.of(instructions ?? "") + TokenEstimate.of([message])
        let turns = history.reduce(0) { $0 + $1.covers }
        switch try decide(history, fixed: fixed, budget: budget, window: window, strategy: strategy, always: always) {
        case .all:
            return Outcome(history: history, compaction: nil, record: nil)
        case .truncate(let first, let recent):
            let omitted = history[first..<(history.count - recent)].reduce(0) { $0 + $1.covers }
            var note = HistoryTurn(input: [], answer: "", replay: false)
            note.window = [
                DraftMessage(role: "developer", text: "[convo: \(omitted) earlier turn\(omitted == 1 ? " was" : "s were") left out here to fit the context window]")
            ]
            note.covers = 0
            let sent = Array(history.prefix(first)) + [note] + history.suffix(recent)
            return Outcome(
                history: sent, compaction: nil,
                record: record(.truncate, verbatim: turns - omitted, omitted: omitted, compacted: 0, sent: sent, fixed: fixed))
        case .compact(let recent):
            let older = Array(history.prefix(history.count - recent))
            // OpenAI keeps every user message in the compacted window; when those alone overflow, the
            // conversation still goes on, truncated, rather than getting stuck.
            func truncated() async throws -> Outcome {
                try await apply(
                    history, message: message, instructions: instructions, budget: budget, window: window, strategy: .truncate,
                    compact: compact)
            }
            let draft: TurnDraft
            do {
                draft = try await compact(older, recent)
            } catch ContextError.compactionRefused(let detail) where ContextOverflow.reported(in: detail) {
                return try await truncated()
            }
            var unit = HistoryTurn(input: [], answer: "", replay: false)
            let output = draft.output.map {
                $0.type == "compaction"
                    ? DraftMessage(role: ReplayHistory.compactionRole, text: $0.text ?? "") : DraftMessage(role: $0.role ?? "user", text: $0.text ?? "")
            }
            // The user messages OpenAI keeps beside its item may leave no room for the recent turns: the oldest of
            // them stay out (the item stands for them too), so that the replay fits instead of overflowing.
            let room = budget - fixed - TokenEstimate.of(ReplayHistory.messages(Array(history.suffix(recent))))
            let (messages, trimmed) = Compaction.trimmed(output, toFit: room)
            guard TokenEstimate.of(messages) <= room else { return try await truncated() }
            unit.window = messages
            unit.covers = older.reduce(0) { $0 + $1.covers }
            let sent = [unit] + history.suffix(recent)
            var made = record(.compact, verbatim: turns - unit.covers, omitted: 0, compacted: unit.covers, sent: sent, fixed: fixed)
            if trimmed > 0, case .object(var fields) = made {
                fields["trimmed_messages"] = .int(Int64(trimmed))
                made = .object(fields)
            }
            return Outcome(history: sent, compaction: draft, record: made)
        }
    }

    /// The `context` parameter: the strategy, how many turns went verbatim, compacted or left out, and the estimate.
    static func record(_ strategy: ReplayStrategy, verbatim: Int, omitted: Int, compacted: Int, sent: [HistoryTurn], fixed: Int) -> JSONValue {
        .object([
            "strategy": .string(strategy.rawValue), "verbatim_turns": .int(Int64(verbatim)),
            "omitted_turns": .int(Int64(omitted)), "compacted_turns": .int(Int64(compacted)),
            "estimated_tokens": .int(Int64(fixed + TokenEstimate.of(ReplayHistory.messages(sent)))),
        ])
    }
}
