import ConvoStore
import Foundation
import ResponsesAPI

/// Why a turn is sent as a replay of the local history instead of chaining to HEAD's response.
public enum ReplayReason: Equatable, Sendable, CustomStringConvertible {
    /// `--replay` was given.
    case forced
    /// HEAD's response was never stored on the server (`--no-store`, imported, or no response id).
    case notStored
    /// HEAD's response ended with this status (`failed`, or `incomplete` without an id) and cannot be continued.
    case unusable(status: String)
    /// HEAD's response is past `retention_days`; it expired at this unix time.
    case expired(at: Int64)
    /// HEAD's response belongs to another server (its base URL differs).
    case otherOrigin(String?)
    /// The server answered `previous_response_not_found` (or 404) for HEAD's response.
    case serverForgot(responseID: String)
    /// HEAD's response was deleted from the server (`gc --remote`).
    case deleted
    /// The server said the context is too long (the chained state, or an earlier attempt's replay).
    case contextOverflow
    /// The conversation passed `compact_threshold` (tokens) on a provider that does not compact by itself.
    case compactThreshold(Int)

    /// Words for stderr.
    public var description: String {
        switch self {
        case .forced: "--replay was given"
        case .notStored: "HEAD's response is not stored on the server"
        case .unusable(let status): "HEAD's response is \(status)"
        case .expired: "HEAD's response has expired"
        case .otherOrigin(let origin): "HEAD's response belongs to \(origin ?? "no server")"
        case .serverForgot(let id): "the server no longer has response '\(id)'"
        case .deleted: "HEAD's response was deleted from the server"
        case .contextOverflow: "the server said the context is too long"
        case .compactThreshold(let tokens): "the conversation passed compact_threshold (\(tokens) tokens)"
        }
    }
}

/// How the next turn reaches the server.
public enum SayRoute: Equatable, Sendable {
    /// The first turn of a conversation: just the message.
    case fresh
    /// Only the new message, continuing HEAD's response on the server.
    case chain(previousResponseID: String)
    /// The whole local history and the new message, without `previous_response_id`.
    case replay(ReplayReason)

    /// Whether this route replays.
    public var isReplay: Bool {
        if case .replay = self { return true }
        return false
    }
}

/// One earlier turn as replay needs it: what the user said and what came back.
public struct HistoryTurn: Equatable, Sendable {
    /// The input messages the turn sent.
    public var input: [DraftMessage]
    /// The answer's text.
    public var answer: String
    /// Whether the turn was itself a replay (its input then holds the whole earlier history too).
    public var replay: Bool
    /// For a compaction turn: the compacted window (kept messages and the `compaction` item, role
    /// `compaction`) that a replay sends in place of the turns it stands for.
    public var window: [DraftMessage]? = nil
    /// The turn's id, when it came from the store.
    public var id: ObjectID? = nil
    /// How many turns this one stands for: 1, or for a compaction turn the turns it replaced.
    public var covers = 1

    /// Creates a history turn.
    public init(input: [DraftMessage], answer: String, replay: Bool) {
        self.input = input
        self.answer = answer
        self.replay = replay
    }
}

/// What the plan needs to know about HEAD's turn.
public struct TipRecord: Equatable, Sendable {
    /// The server's response id, if any.
    public var responseID: String?
    /// `completed`, `incomplete`, `failed`, …
    public var status: String
    /// Whether the server was asked to store it.
    public var stored: Bool
    /// The base URL it came from.
    public var origin: String?
    /// Unix seconds.
    public var createdAt: Int64
    /// What was last observed of the response on the server (`remote_state`), if anything.
    public var observed: ObservedRemoteState?

    /// Creates a record.
    public init(
        responseID: String?, status: String, stored: Bool, origin: String?, createdAt: Int64,
        observed: ObservedRemoteState? = nil
    ) {
        self.responseID = responseID
        self.status = status
        self.stored = stored
        self.origin = origin
        self.createdAt = createdAt
        self.observed = observed
    }

    /// The record of an indexed turn and the last observation of its response.
    public init(_ summary: TurnSummary, observed: ObservedRemoteState? = nil) {
        self.init(
            responseID: summary.responseID, status: summary.status, stored: summary.stored, origin: summary.origin,
            createdAt: summary.createdAt, observed: observed)
    }

    /// The record of HEAD's turn, with the observation `gc`, `say` or `fetch` recorded for its response.
    public static func read(_ summary: TurnSummary, _ reader: StoreReader) throws -> TipRecord {
        let record = try summary.responseID.flatMap { try reader.remoteRecord(RemoteKey(responseID: $0, origin: summary.origin)) }
        return TipRecord(summary, observed: record?.state)
    }
}

/// The pure decisions of `say`: route, replay input, and the request. No I/O.
public enum SayPlan {
    /// Decides whether the next turn chains to HEAD's response or replays.
    /// - Parameters:
    ///   - tip: HEAD's turn; nil for a new conversation.
    ///   - origin: the base URL the next request goes to.
    public static func route(
        tip: TipRecord?, origin: String, retentionDays: Int, now: Int64, forceReplay: Bool
    ) -> SayRoute {
        guard let tip else { return .fresh }
        if forceReplay { return .replay(.forced) }
        guard tip.status == "completed" || tip.status == "incomplete" else { return .replay(.unusable(status: tip.status)) }
        guard let responseID = tip.responseID, !responseID.isEmpty else {
            return .replay(tip.status == "completed" ? .notStored : .unusable(status: tip.status))
        }
        guard tip.stored else { return .replay(.notStored) }
        guard tip.origin.map(APIEndpoint.normalizedOrigin) == APIEndpoint.normalizedOrigin(origin) else {
            return .replay(.otherOrigin(tip.origin))
        }
        switch tip.observed {
        case .expired?: return .replay(.expired(at: min(now, Retention.expiresAt(createdAt: tip.createdAt, days: retentionDays))))
        case .deleted?: return .replay(.deleted)
        case .live?, nil: break
        }
        let expiry = Retention.expiresAt(createdAt: tip.createdAt, days: retentionDays)
        guard expiry > now else { return .replay(.expired(at: expiry)) }
        return .chain(previousResponseID: responseID)
    }

    /// The input of a replay: every earlier turn's user message and answer, oldest first, then the new message.
    /// A turn that was itself a replay contributes only its own (last) user message, not the history it re-sent.
    public static func replayInput(history: [HistoryTurn], message: String) -> [InputMessage] {
        replayMessages(history: history, message: DraftMessage(role: "user", text: message)).map(Attachments.input)
    }

    /// The messages of a replay, attachments included: what ``replayInput(history:message:)`` sends.
    static func replayMessages(history: [HistoryTurn], message: DraftMessage) -> [DraftMessage] {
        // An empty answer (a failed turn) is no message to send.
        let earlier = ReplayHistory.messages(history).compactMap { message -> DraftMessage? in
            message.role == "user" ? DraftMessage(role: "user", text: message.text, attachments: message.attachments)
                : message.text.isEmpty ? nil
                : ReplayHistory.verbatimRoles.contains(message.role) ? message : DraftMessage(role: "assistant", text: message.text)
        }
        return earlier + [message]
    }

    /// The messages a route sends, as they are stored.
    static func messages(route: SayRoute, message: DraftMessage, history: [HistoryTurn]) -> [DraftMessage] {
        route.isReplay ? replayMessages(history: history, message: message) : [message]
    }

    /// The request for a route. `history` (oldest first) is only read when replaying.
    public static func request(
        route: SayRoute, message: String, history: [HistoryTurn], profile: ProviderProfile, model: String,
        instructions: String?, store: Bool, temperature: Double?, maxOutputTokens: Int?
    ) -> CreateResponseRequest {
        request(
            route: route, message: DraftMessage(role: "user", text: message), history: history, profile: profile,
            model: model, instructions: instructions, store: store, temperature: temperature, maxOutputTokens: maxOutputTokens)
    }

    /// The request for a route, the new message carrying its attachments; `promptCacheKey` is the
    /// conversation's (``PromptCacheKey``), the same on every route.
    static func request(
        route: SayRoute, message: DraftMessage, history: [HistoryTurn], profile: ProviderProfile, model: String,
        instructions: String?, store: Bool, temperature: Double?, maxOutputTokens: Int?, promptCacheKey: String? = nil,
        compactThreshold: Int? = nil
    ) -> CreateResponseRequest {
        var previous: String?
        if case .chain(let id) = route { previous = id }
        let input = messages(route: route, message: message, history: history).map(Attachments.input)
        return CreateResponseRequest(
            model: model, instructions: profile.instructionsToSend(instructions, hasPreviousResponse: previous != nil),
            input: input, previousResponseID: previous, store: store, temperature: temperature,
            maxOutputTokens: maxOutputTokens, promptCacheKey: promptCacheKey, compactThreshold: compactThreshold)
    }
}
