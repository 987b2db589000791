import Foundation

/// The two kinds of object in the database.
public enum ObjectKind: String, Sendable, CaseIterable {
    /// A text: an input, an answer, instructions, or a raw server response.
    case blob
    /// A commit: one request, its response, and its parent turn.
    case turn
}

/// What a replay reads of a plain turn (no attachments, no compaction item): its parent, whether it was a replay,
/// its input messages and its output items' texts, in order.
public struct TurnReferences: Hashable, Sendable {
    /// The parent turn.
    public var parent: ObjectID?
    /// Whether the turn was itself a replay.
    public var replay: Bool
    /// The input messages.
    public var input: [MessageRef]
    /// The texts of the output items that have one, in order.
    public var texts: [ObjectID]

    /// The references of `turn` (whatever it holds).
    public init(_ turn: Turn) {
        self.init(parent: turn.parent, replay: turn.replay, input: turn.request.input, texts: turn.response.output.compactMap(\.content))
    }

    /// Creates them.
    public init(parent: ObjectID?, replay: Bool, input: [MessageRef], texts: [ObjectID]) {
        self.parent = parent
        self.replay = replay
        self.input = input
        self.texts = texts
    }
}

/// One message of a request, its text held in a blob.
public struct MessageRef: Hashable, Sendable {
    /// `user`, `assistant`, `system` or `developer`.
    public var role: String
    /// The blob holding the message text.
    public var content: ObjectID
    /// Files and images sent with the message (absent from the canonical bytes when empty, so turns without
    /// attachments keep their ids).
    public var attachments: [AttachmentRef]

    /// Creates a message reference.
    public init(role: String, content: ObjectID, attachments: [AttachmentRef] = []) {
        self.role = role
        self.content = content
        self.attachments = attachments
    }
}

/// One item of a response's output. Message text lives in a blob; other items (reasoning) keep their type and id.
public struct OutputItemRef: Hashable, Sendable {
    /// The item type, e.g. `message` or `reasoning`.
    public var type: String
    /// The server's item id, when it gave one.
    public var id: String?
    /// The role of a message item.
    public var role: String?
    /// The blob holding the item's text, for message items.
    public var content: ObjectID?

    /// Creates an output item reference.
    public init(type: String, id: String? = nil, role: String? = nil, content: ObjectID? = nil) {
        self.type = type
        self.id = id
        self.role = role
        self.content = content
    }
}

/// Token counts as the server billed them.
public struct TokenUsage: Hashable, Sendable {
    /// Tokens of the whole context sent to the model.
    public var inputTokens: Int64
    /// Tokens generated.
    public var outputTokens: Int64
    /// Input tokens served from the provider's cache, when reported.
    public var cachedTokens: Int64?
    /// Output tokens spent on reasoning, when reported.
    public var reasoningTokens: Int64?

    /// Creates a usage record.
    public init(inputTokens: Int64, outputTokens: Int64, cachedTokens: Int64? = nil, reasoningTokens: Int64? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.cachedTokens = cachedTokens
        self.reasoningTokens = reasoningTokens
    }
}

/// What was asked.
public struct TurnRequest: Hashable, Sendable {
    /// The model asked for.
    public var model: String?
    /// The blob holding the instructions (system prompt) in force, if any.
    public var instructions: ObjectID?
    /// The input messages sent (for a replay: the whole history; otherwise the new message).
    public var input: [MessageRef]
    /// Other request parameters, e.g. `temperature`, `max_output_tokens`.
    public var parameters: [String: JSONValue]
    /// The `previous_response_id` the request chained to, if any.
    public var previousResponseID: String?

    /// The newest user message (else the last message): what the turn "says", even when a replay sent the history.
    public var newestUserMessage: MessageRef? { input.last { $0.role == "user" } ?? input.last }

    /// Creates a request record.
    public init(
        model: String?, instructions: ObjectID? = nil, input: [MessageRef],
        parameters: [String: JSONValue] = [:], previousResponseID: String? = nil
    ) {
        self.model = model
        self.instructions = instructions
        self.input = input
        self.parameters = parameters
        self.previousResponseID = previousResponseID
    }
}

/// What the server answered.
public struct TurnResponse: Hashable, Sendable {
    /// The server's response id (`resp_…` or an xAI UUID).
    public var id: String?
    /// `completed`, `incomplete`, `failed`, …
    public var status: String
    /// The model that actually answered, as the server reported it.
    public var model: String?
    /// The output items.
    public var output: [OutputItemRef]
    /// Token counts.
    public var usage: TokenUsage?
    /// The blob holding the server's own JSON for this response, if kept.
    public var raw: ObjectID?
    /// The server's error message for a failed response.
    public var error: String?

    /// Creates a response record.
    public init(
        id: String?, status: String = "completed", model: String? = nil, output: [OutputItemRef],
        usage: TokenUsage? = nil, raw: ObjectID? = nil, error: String? = nil
    ) {
        self.id = id
        self.status = status
        self.model = model
        self.output = output
        self.usage = usage
        self.raw = raw
        self.error = error
    }
}

/// The commit of convo: one request and its response, with its parent turn.
///
/// Its canonical bytes are canonical JSON in which absent and false fields are omitted, so fields added
/// later leave the ids of existing turns unchanged.
public struct Turn: Hashable, Sendable {
    /// The previous turn of the conversation, nil for the first.
    public var parent: ObjectID?
    /// The request sent.
    public var request: TurnRequest
    /// The response received.
    public var response: TurnResponse
    /// The API base URL the response id belongs to; nil for turns that never met a server.
    public var origin: String?
    /// Whether the server was asked to store the response (`store: true`).
    public var stored: Bool
    /// Whether this turn was sent as a replay of the local history instead of chaining.
    public var replay: Bool
    /// Whether this turn was brought in by `convo fetch` from a server-side conversation.
    public var fetched: Bool
    /// Creation time, seconds since 1970 (UTC).
    public var createdAt: Int64

    /// Creates a turn.
    public init(
        parent: ObjectID?, request: TurnRequest, response: TurnResponse, origin: String? = nil,
        stored: Bool = false, replay: Bool = false, fetched: Bool = false, createdAt: Int64
    ) {
        self.parent = parent
        self.request = request
        self.response = response
        self.origin = origin
        self.stored = stored
        self.replay = replay
        self.fetched = fetched
        self.createdAt = createdAt
    }

    /// Every blob this turn refers to.
    public var blobReferences: [ObjectID] {
        var ids = [ObjectID]()
        if let instructions = request.instructions { ids.append(instructions) }
        for message in request.input {
            ids.append(message.content)
            ids += message.attachments.compactMap(\.content)
        }
        ids += response.output.compactMap(\.content)
        if let raw = response.raw { ids.append(raw) }
        return ids
    }
}
