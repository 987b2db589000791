import ConvoStore
import Foundation
import ResponsesAPI

/// How many tokens a model's context holds: `model.NAME.context_window` in config (set by a person, or learned
/// from a server's overflow error that names the limit), else the built-in figure of the provider's documentation.
public enum ContextWindow {
    /// Built-in windows by model name; a name matches an entry or an entry followed by `-` (a dated variant).
    /// xAI: docs.x.ai/docs/models (grok-4: 256,000; grok-4-fast and grok-4-1-fast: 2,000,000; grok-code-fast-1:
    /// 256,000; grok-3 and grok-3-mini: 131,072, the figure its own overflow error names). OpenAI:
    /// platform.openai.com/docs/models (gpt-5: 400,000; gpt-4.1: 1,047,576; gpt-4o and gpt-4o-mini: 128,000;
    /// o3 and o4-mini: 200,000).
    static let builtIn: [(model: String, tokens: Int)] = [
        ("grok-4-1-fast", 2_000_000), ("grok-4-fast", 2_000_000), ("grok-code-fast-1", 256_000), ("grok-4", 256_000),
        ("grok-3-mini", 131_072), ("grok-3", 131_072),
        ("gpt-5", 400_000), ("gpt-4.1", 1_047_576), ("gpt-4o-mini", 128_000), ("gpt-4o", 128_000),
        ("o4-mini", 200_000), ("o3", 200_000),
    ]

    /// The config key holding a model's window.
    public static func configKey(model: String) -> String { "model.\(model).context_window" }

    /// Whether `key` is a `model.NAME.context_window` key.
    static func isConfigKey(_ key: String) -> Bool {
        key.hasPrefix("model.") && key.hasSuffix(".context_window") && key.count > "model..context_window".count
    }

    /// Checks a value for a `model.NAME.context_window` key: a whole number of tokens.
    static func validate(key: String, value: String) throws {
        guard let tokens = Int(value), tokens >= 256 else {
            throw ConvoError.invalidConfigValue(key: key, value: value, reason: "expected a whole number of tokens, at least 256")
        }
    }

    /// The window of `model` and where it comes from (`config`, `built-in`), or nil when unknown.
    static func resolve(model: String, reader: StoreReader) throws -> (tokens: Int, source: String)? {
        if let text = try reader.config(configKey(model: model)), let tokens = Int(text) { return (tokens, "config") }
        let lower = model.lowercased()
        for entry in builtIn where lower == entry.model || lower.hasPrefix(entry.model + "-") {
            return (entry.tokens, "built-in")
        }
        return nil
    }
}

/// Sizes in tokens without a tokenizer: about four bytes of UTF-8 a token, which overestimates English slightly
/// (so a replay that is estimated to fit rarely overflows) and costs nothing to compute.
public enum TokenEstimate {
    /// The estimated tokens of `text`.
    public static func of(_ text: String) -> Int { of(length: text.utf8.count) }

    /// The estimated tokens of a text of `length` UTF-8 bytes.
    /// The store keeps each plain turn's estimate by this rule (``ReplayTokens``).
    static func of(length: Int) -> Int { ReplayTokens.tokens(length: length) }

    /// The estimated tokens of messages.
    static func of(_ messages: [DraftMessage]) -> Int {
        messages.reduce(0) { $0 + of($1.text) + $1.attachments.reduce(0) { $0 + ($1.bytes?.count ?? 0) / 4 } }
    }
}

/// `config replay_strategy`: what a replay does when the history does not fit the window.
public enum ReplayStrategy: String, Sendable, CaseIterable {
    /// Compact the oldest part on the server (`/responses/compact`) and send the item and the recent turns.
    case compact
    /// Send the first turn, a one-line note of how many turns were left out, and the most recent turns that fit.
    case truncate
    /// Send nothing and say so.
    case fail

    /// The configured strategy; `compact` when unset.
    static func configured(_ reader: StoreReader) throws -> ReplayStrategy {
        guard let text = try reader.config("replay_strategy") else { return .compact }
        return ReplayStrategy(rawValue: text) ?? .compact
    }
}

/// A context overflow the server reported: OpenAI's `context_length_exceeded` (an HTTP 400 or an in-stream
/// `error` event, naming no limit) or xAI's 400 "This model's maximum prompt length is N but the request
/// contains M tokens."
public struct ContextOverflow: Sendable, Equatable {
    /// The window the server named, if it named one.
    public var limit: Int?
    /// The size the server counted, if it said.
    public var requested: Int?
    /// The server's words.
    public var message: String

    /// Whether a server's message (as a refusal quotes it) reports an overflow.
    static func reported(in message: String) -> Bool {
        let lower = message.lowercased()
        return lower.contains("context_length_exceeded") || lower.contains("maximum prompt length")
            || lower.contains("exceeds the context window") || lower.contains("maximum context length")
    }

    /// The overflow `error` reports, or nil when it is another error.
    public init?(_ error: any Error) {
        let code: String?, message: String
        switch error {
        case ResponsesAPIError.badRequest(_, let c, _, let m): (code, message) = (c, m)
        case ResponsesAPIError.streamError(let c, let m): (code, message) = (c, m)
        default: return nil
        }
        let lower = message.lowercased()
        guard code == "context_length_exceeded" || lower.contains("maximum prompt length")
            || lower.contains("exceeds the context window") || lower.contains("maximum context length")
        else { return nil }
        self.message = message
        let numbers = message.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        limit = lower.contains("maximum prompt length") || lower.contains("maximum context length") ? numbers.first : nil
        requested = limit != nil && numbers.count > 1 ? numbers[1] : nil
    }
}

/// Why a replay sends less than the whole history, or nothing.
public enum ContextError: Error, Equatable, CustomStringConvertible {
    /// `replay_strategy fail` (or nothing else fits): the history is larger than the window allows.
    case doesNotFit(tokens: Int, budget: Int, window: Int, turns: Int)
    /// The server would not compact (unsupported model, a conversation already too long, …).
    case compactionRefused(String)
    /// `compact --keep N` keeps every turn, or more than there are.
    case keepTooLarge(keep: Int, turns: Int)
    /// Nothing to compact: no turns before the revision.
    case nothingToCompact(String)

    /// The message.
    public var description: String {
        switch self {
        case .doesNotFit(let tokens, let budget, let window, let turns):
            "the replay of \(turns) turns is about \(tokens) tokens, more than the \(budget) that fit (context window \(window), less room for the answer); nothing was sent: set 'convo config replay_strategy compact' or 'truncate', or 'convo compact'"
        case .compactionRefused(let detail):
            "the server would not compact the conversation: \(detail); nothing was committed: try 'convo config replay_strategy truncate'"
        case .keepTooLarge(let keep, let turns):
            "--keep \(keep) keeps every turn of a conversation of \(turns); nothing was committed: keep fewer than \(turns)"
        case .nothingToCompact(let revision):
            "'\(revision)' has no earlier turns to compact; nothing was committed"
        }
    }
}
