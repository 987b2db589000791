import ConvoStore
import Foundation
import ResponsesAPI

/// The settings `say` fits a replay with, read once before it sends: windows and the strategy.
struct ContextSettings: Sendable {
    /// `model.NAME.context_window` values.
    var windows: [String: Int]
    /// `replay_strategy`.
    var strategy: ReplayStrategy
    /// `compact_threshold`: tokens past which a conversation is compacted.
    var compactThreshold: Int? = nil

    /// Reads them from the repository's config.
    static func read(_ workspace: Workspace) throws -> ContextSettings {
        try workspace.repository.read { try read($0) }
    }

    /// Reads them with an open reader.
    static func read(_ reader: StoreReader) throws -> ContextSettings {
        var windows: [String: Int] = [:]
        for (key, value) in try reader.configEntries() where ContextWindow.isConfigKey(key) {
            windows[String(key.dropFirst("model.".count).dropLast(".context_window".count))] = Int(value)
        }
        return ContextSettings(
            windows: windows, strategy: try ReplayStrategy.configured(reader),
            compactThreshold: try reader.config(ConfigKey.compactThreshold.rawValue).flatMap { Int($0) })
    }

    /// What a replay of the conversation at `tip` would do with the window, for `status`; nil when the
    /// model's window is unknown.
    static func predict(_ reader: StoreReader, tip: ObjectID, model: String, instructions: String?) throws -> String? {
        let settings = try read(reader)
        guard let window = settings.window(model) else { return nil }
        // Only the newest turns up to past the window are read: beyond that the history cannot fit, and what the
        // strategy keeps verbatim is among them. Then the count of turns is the depth and the size a lower bound
        // (the first turn that truncate keeps is estimated by the oldest turn read).
        // The texts are measured, not read: each estimate is the one the loaded history would give.
        let (history, complete) = try ReplayHistory.estimateNewest(reader, tip: tip, past: window)
        let budget = ReplayFit.budget(window: window, maxOutputTokens: nil)
        let fixed = TokenEstimate.of(instructions ?? "")
        let turns = complete ? history.reduce(0) { $0 + $1.covers } : try reader.depth(of: tip)
        let tokens = fixed + history.reduce(0) { $0 + $1.tokens }
        do {
            switch try ReplayFit.decide(history, fixed: fixed, budget: budget, window: window, strategy: settings.strategy) {
            case .all:
                return "\(turns) turns fit the context window of \(model) (\(window) tokens), about \(tokens) tokens"
            case .truncate(let first, let recent):
                let verbatim = history.prefix(first).reduce(0) { $0 + $1.covers } + history.suffix(recent).reduce(0) { $0 + $1.covers }
                return "\(turns - verbatim) of \(turns) turns left out, \(verbatim) verbatim, to fit \(window) tokens (replay_strategy truncate)"
            case .compact(let recent):
                let verbatim = history.suffix(recent).reduce(0) { $0 + $1.covers }
                return "\(turns - verbatim) of \(turns) turns compacted, \(verbatim) verbatim, to fit \(window) tokens (replay_strategy compact)"
            }
        } catch let error as ContextError {
            guard complete else {
                return "more than \(tokens) tokens of \(turns) turns do not fit \(window) (replay_strategy \(settings.strategy.rawValue): "
                    + "the next say sends nothing; set 'convo config replay_strategy compact' or 'truncate', or 'convo compact')"
            }
            return "about \(tokens) tokens do not fit \(window) (\(error))"
        }
    }

    /// The threshold when convo compacts before the next say: `compact_threshold` is set, the provider does not
    /// compact by itself (OpenAI executes `context_management`; xAI's documentation says it only parses it), and
    /// HEAD's billed size (the chained context) with `message` more tokens passes it; nil otherwise.
    func compactsFirst(size: Int64, message: Int, provider: Provider) -> Int? {
        guard let limit = compactThreshold, provider != .openai, size &+ Int64(message) > Int64(limit) else { return nil }
        return limit
    }

    /// The window of `model`: configured or learned, else built in.
    func window(_ model: String) -> Int? {
        if let tokens = windows[model] { return tokens }
        let lower = model.lowercased()
        return ContextWindow.builtIn.first { lower == $0.model || lower.hasPrefix($0.model + "-") }?.tokens
    }

    /// Fits a replay's history (nil for a request that does not replay) to the window, or to `budget` after an
    /// overflow; nil when there is nothing to fit or no window is known. With `atThreshold` (the conversation passed
    /// `compact_threshold` on a provider that does not compact by itself) the history is compacted to half the
    /// threshold whatever the strategy.
    func fit(
        _ history: [HistoryTurn]?, message: DraftMessage, instructions: String?, model: String, maxOutputTokens: Int?,
        budget: Int?, atThreshold: Int? = nil, parent: ObjectID?, client: any ResponsesService, origin: String, now: Int64,
        notice: (String) -> Void
    ) async throws -> ReplayFit.Outcome? {
        guard let history, let window = window(model) ?? budget ?? atThreshold else { return nil }
        let fitted = budget ?? ReplayFit.budget(window: window, maxOutputTokens: maxOutputTokens)
        let room = atThreshold.map { min($0, fitted) } ?? fitted
        let strategy = atThreshold == nil ? strategy : .compact
        let outcome = try await ReplayFit.apply(
            history, message: message, instructions: instructions, budget: room, window: window, strategy: strategy,
            always: atThreshold != nil
        ) { older, kept in
            let count = older.reduce(0) { $0 + $1.covers }
            notice(
                atThreshold.map { "compacting the \(count) oldest turns on the server: the conversation passed compact_threshold (\($0) tokens)" }
                    ?? "compacting the \(count) oldest turns on the server to fit the context window (\(window) tokens)")
            return try await Compaction.compact(
                older, kept: kept, parent: parent, client: client, model: model, budget: room, origin: origin, now: now)
        }
        if let trimmed = outcome.record?.objectValue?["trimmed_messages"]?.intValue {
            notice("left out the \(trimmed) oldest user messages the server kept beside its compaction item to fit the context window (\(window) tokens)")
        }
        if let record = outcome.record?.objectValue, strategy == .truncate {
            let omitted = record["omitted_turns"]?.intValue ?? 0
            notice("left out \(omitted) turn\(omitted == 1 ? "" : "s") to fit the context window (\(window) tokens)")
        }
        return outcome
    }

    /// After the server said the context is too long: learns a limit the server named (as the model's
    /// `model.NAME.context_window`), says what happens next, and returns the budget for the one retry.
    func afterOverflow(_ error: any Error, workspace: Workspace, model: String, notice: (String) -> Void) throws -> Int {
        let overflow = ContextOverflow(error)
        var window = window(model)
        if let limit = overflow?.limit {
            window = limit
            try workspace.repository.write { try $0.setConfig(ContextWindow.configKey(model: model), String(limit)) }
            notice("learned the context window of \(model): \(limit) tokens (config \(ContextWindow.configKey(model: model)))")
        }
        let budget = window.map { ReplayFit.budget(window: $0, maxOutputTokens: nil) }
            // Named nowhere: aim at half of what overflowed.
            ?? max(256, (overflow?.requested ?? 16_384) / 2)
        notice("the server said the context is too long; replaying once with replay_strategy \(strategy.rawValue)")
        if strategy == .fail, let overflow {
            throw ContextError.doesNotFit(tokens: overflow.requested ?? 0, budget: budget, window: window ?? 0, turns: 0)
        }
        return budget
    }
}
