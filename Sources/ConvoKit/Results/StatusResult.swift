import ConvoStore

/// `convo status`: the branch, HEAD, settings and server state, as text shows it and `status --json` prints it.
public struct StatusResult: Sendable, Encodable {
    let report: StatusOutcome
    /// When it was read (unix seconds): remote states are described relative to it.
    public let now: Int64

    /// Where HEAD is.
    public enum Position: Sendable, Equatable {
        /// On a branch; `empty` while it has no turns.
        case branch(String, empty: Bool)
        /// Detached at a turn (abbreviated id).
        case detached(String)
    }

    /// Where HEAD is.
    public var position: Position {
        switch report.head {
        case .branch(let name, let tip): .branch(name.rawValue, empty: tip == nil)
        case .detached(let id): .detached(id.abbreviated())
        }
    }
    /// HEAD's abbreviated id and the first line of its message, shortened.
    public var tip: (shortID: String, input: String)? { report.tip.map { ($0.id.abbreviated(), $0.shortInputLine) } }
    /// Turns from the first to HEAD.
    public var depth: Int { report.depth }
    /// The model the next say asks for.
    public var model: String? { report.model }
    /// Where that model comes from (`config model`, `provider default`, `preset NAME of the branch`).
    public var modelSource: String? { report.modelSource }
    /// The configured provider.
    public var provider: String { report.provider }
    /// The configured base URL.
    public var baseURL: String? { report.baseURL }
    /// What the server holds of HEAD's response.
    public var remote: RemoteState { report.remote }
    /// What the next say sends; nil while the server settings are incomplete.
    public var nextSay: SayRoute? { report.nextSay }
    /// What a replay would send, when the next say replays.
    public var replay: ReplayEstimate? { report.replay }
    /// What the conversation up to HEAD has used and cost; nil before the first turn.
    public var usage: UsageTotals? { report.usage }

    /// `status --json`'s object: stable keys, documented in README.md.
    public func encode(to encoder: Encoder) throws {
        var remote = report.remote.json.objectValue ?? [:]
        if let replay = report.replay {
            remote["replay_turns"] = .int(Int64(replay.turns))
            remote["replay_tokens"] = .int(replay.tokens)
            remote["replay_tokens_from"] = .string(replay.source)
        }
        var json = JSONFields(encoder)
        try json.set("branch", report.head.branch?.rawValue)
        try json.set("detached", report.head.branch == nil)
        try json.set("head", report.head.tip?.hex)
        try json.set("turns", Int64(depth))
        try json.set("provider", provider)
        try json.set("base_url", baseURL)
        try json.set("model", model)
        try json.set("response_id", report.tip?.responseID)
        try json.set("remote", JSONValue.object(remote))
        try json.set("next_say", Self.nextSay(report.nextSay))
    }

    static func nextSay(_ route: SayRoute?) -> JSONValue {
        switch route {
        case nil: .null
        case .fresh?: .object(["send": .string("message")])
        case .chain(let id)?: .object(["send": .string("message"), "previous_response_id": .string(id)])
        case .replay(let reason)?: .object(["send": .string("replay"), "reason": .string(reason.description)])
        }
    }
}

extension Inspection {
    /// `convo status` (see ``status(_:)``).
    public static func statusResult(_ workspace: Workspace) throws -> StatusResult {
        StatusResult(report: try status(workspace), now: Int64(workspace.environment.now().timeIntervalSince1970))
    }
}
