import ConvoStore

/// `convo show`: one turn in full, as the text layout shows it and `show --json` prints it.
public struct ShowResult: Sendable, Encodable {
    let details: TurnDetails
    private var turn: Turn { details.turn }

    /// The full id.
    public var id: String { details.id.hex }
    /// The abbreviated id.
    public var shortID: String { details.id.abbreviated() }
    /// The parent's full id.
    public var parent: String? { turn.parent?.hex }
    /// Unix seconds.
    public var createdAt: Int64 { turn.createdAt }
    /// Decorations: `HEAD -> main`, `travel`.
    public var refs: [String] { details.refs }
    /// The model asked for.
    public var model: String? { turn.request.model }
    /// The model that answered.
    public var responseModel: String? { turn.response.model }
    /// The server's response id.
    public var responseID: String? { turn.response.id }
    /// Whether the server was asked to store it.
    public var stored: Bool { turn.stored }
    /// The API base URL the response id belongs to.
    public var origin: String? { turn.origin }
    /// What the server holds of the response.
    public var remote: RemoteState { details.remote }
    /// The response status.
    public var status: String { turn.response.status }
    /// The error message of a failed response.
    public var error: String? { turn.response.error }
    /// Token counts.
    public var usage: TokenCounts? { turn.response.usage.map(TokenCounts.init) }
    /// Sent as a replay.
    public var replay: Bool { turn.replay }
    /// Brought in by `convo fetch`.
    public var fetched: Bool { turn.fetched }
    /// The request's parameters as `key=value` with the value's JSON, sorted by key.
    public var parameters: [String] { turn.request.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.canonicalString)" } }
    /// What a fitted replay sent (its `context` parameter) or what a compaction turn stands for, in words; nil
    /// for other turns.
    public var contextSummary: String? {
        let parameters = turn.request.parameters
        if let context = parameters["context"]?.objectValue, let strategy = context["strategy"]?.stringValue {
            let count = { (key: String) in context[key]?.intValue ?? 0 }
            var parts = ["\(count("verbatim_turns")) turns verbatim"]
            if count("compacted_turns") > 0 { parts.append("\(count("compacted_turns")) compacted") }
            if count("omitted_turns") > 0 { parts.append("\(count("omitted_turns")) left out") }
            if count("trimmed_messages") > 0 { parts.append("\(count("trimmed_messages")) kept user messages left out") }
            return parts.joined(separator: ", ") + ", about \(count("estimated_tokens")) tokens (replay_strategy \(strategy))"
        }
        if let record = Compaction.Record(turn) {
            let through = record.through.map { " through \(String($0.prefix(7)))" } ?? ""
            return "stands for \(record.turns) turn\(record.turns == 1 ? "" : "s")\(through); replays send its item and the \(record.kept) kept before it verbatim"
        }
        return nil
    }
    /// The instructions sent.
    public var instructions: String? { details.instructions }
    /// The newest user message's text.
    public var userText: String? { details.input.newestUserMessage?.text }
    /// The newest user message's files and images: name, media type, size and blob id (nil for a URL).
    public var attachments: [(name: String, mediaType: String, size: Int64, id: String?)] {
        (details.input.newestUserMessage?.attachments ?? []).map {
            ($0.name, $0.mediaType, $0.size, $0.bytes.map { ObjectID.hashing(kind: .blob, payload: $0).hex })
        }
    }
    /// How many input messages were sent besides the newest one.
    public var earlierMessages: Int { details.input.count - 1 }
    /// The answer.
    public var outputText: String { details.outputText }
    /// The server's own JSON response as recorded, nil for imported turns.
    public var raw: String? { details.raw }
    /// What the turn cost: `$0.000389 (reported by the server)` or `(at the configured price)`; nil when
    /// neither the server nor a `price.MODEL.*` setting says.
    public var cost: String?

    /// `show --json`'s object: stable keys, documented in README.md.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("id", id)
        try json.set("parent", parent)
        try json.set("created_at", Timestamps.format(createdAt))
        try json.set("status", status)
        try json.set("stored", stored)
        try json.set("replay", replay)
        try json.set("fetched", fetched)
        try json.set("refs", refs)
        try json.set("input", details.input.map(\.json))
        try json.set("output", outputText)
        try json.set("output_items", details.output.map(\.json))
        try json.set("parameters", turn.request.parameters)
        try json.set("model", model)
        try json.set("response_model", responseModel)
        try json.set("response_id", responseID)
        try json.set("previous_response_id", turn.request.previousResponseID)
        try json.set("origin", origin)
        try json.set("instructions", instructions)
        try json.set("error", error)
        try json.set("usage", turn.response.usage?.json)
        try json.set("remote", remote)
    }
}

/// Token counts of a response, as text output shows them.
public struct TokenCounts: Sendable, Equatable {
    /// Input tokens billed.
    public var input: Int64
    /// Of which served from the prompt cache.
    public var cached: Int64?
    /// Output tokens.
    public var output: Int64
    /// Of which spent on reasoning.
    public var reasoning: Int64?

    init(_ usage: TokenUsage) {
        input = usage.inputTokens
        cached = usage.cachedTokens
        output = usage.outputTokens
        reasoning = usage.reasoningTokens
    }
}

extension Inspection {
    /// `convo show`: the turn a revision names (see ``show(_:_:)``).
    public static func showResult(_ workspace: Workspace, _ revision: String) throws -> ShowResult {
        var result = ShowResult(details: try show(workspace, revision))
        let id = result.details.id
        let turn = try workspace.repository.read { try CostedTurn(id, $0, prices: try PriceTable($0)) }
        var totals = UsageTotals()
        totals.add(turn)
        result.cost = totals.dollars.map { $0 + (totals.costFromServer > 0 ? " (reported by the server)" : " (at the configured price)") }
        return result
    }
}
