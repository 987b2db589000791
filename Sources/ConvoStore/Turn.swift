import Foundation

/// The two kinds of object in the database.
public enum ObjectKind: String, Sendable, CaseIterable {
    /// A text: an input, an answer, instructions, or a raw server response.
    case blob
    /// A commit: one request, its response, and its parent turn.
    case turn
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
public struct Usage: Hashable, Sendable {
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
    public var usage: Usage?
    /// The blob holding the server's own JSON for this response, if kept.
    public var raw: ObjectID?
    /// The server's error message for a failed response.
    public var error: String?

    /// Creates a response record.
    public init(
        id: String?, status: String = "completed", model: String? = nil, output: [OutputItemRef],
        usage: Usage? = nil, raw: ObjectID? = nil, error: String? = nil
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

// MARK: - Canonical encoding

extension Turn {
    /// The canonical JSON form of this turn.
    public var canonicalJSON: JSONValue {
        var request: [String: JSONValue] = [
            "input": .array(self.request.input.map(Self.encode))
        ]
        request["model"] = self.request.model.map(JSONValue.string)
        request["instructions"] = self.request.instructions.map { .string($0.hex) }
        if !self.request.parameters.isEmpty { request["parameters"] = .object(self.request.parameters) }
        request["previous_response_id"] = self.request.previousResponseID.map(JSONValue.string)

        var response: [String: JSONValue] = [
            "status": .string(self.response.status),
            "output": .array(self.response.output.map(Self.encode)),
        ]
        response["id"] = self.response.id.map(JSONValue.string)
        response["model"] = self.response.model.map(JSONValue.string)
        response["usage"] = self.response.usage.map(Self.encode)
        response["raw"] = self.response.raw.map { .string($0.hex) }
        response["error"] = self.response.error.map(JSONValue.string)

        var turn: [String: JSONValue] = [
            "created_at": .int(createdAt), "request": .object(request), "response": .object(response),
        ]
        turn["parent"] = parent.map { .string($0.hex) }
        turn["origin"] = origin.map(JSONValue.string)
        if stored { turn["stored"] = .bool(true) }
        if replay { turn["replay"] = .bool(true) }
        if fetched { turn["fetched"] = .bool(true) }
        return .object(turn)
    }

    /// The bytes hashed and stored for this turn: `canonicalJSON.canonicalBytes`, written without the tree.
    public var canonicalBytes: [UInt8] { TurnCoding.encode(self) }

    /// The id this turn has once stored.
    public var id: ObjectID { ObjectID.hashing(kind: .turn, payload: canonicalBytes) }

    private static func encode(_ message: MessageRef) -> JSONValue {
        var object: [String: JSONValue] = ["role": .string(message.role), "content": .string(message.content.hex)]
        if !message.attachments.isEmpty { object["attachments"] = .array(message.attachments.map(\.canonicalJSON)) }
        return .object(object)
    }

    private static func encode(_ item: OutputItemRef) -> JSONValue {
        var object: [String: JSONValue] = ["type": .string(item.type)]
        object["id"] = item.id.map(JSONValue.string)
        object["role"] = item.role.map(JSONValue.string)
        object["content"] = item.content.map { .string($0.hex) }
        return .object(object)
    }

    private static func encode(_ usage: Usage) -> JSONValue {
        var object: [String: JSONValue] = [
            "input_tokens": .int(usage.inputTokens), "output_tokens": .int(usage.outputTokens),
        ]
        object["cached_tokens"] = usage.cachedTokens.map(JSONValue.int)
        object["reasoning_tokens"] = usage.reasoningTokens.map(JSONValue.int)
        return .object(object)
    }

    /// Why `bytes`, which this turn was decoded from, are not what it encodes to (so an export and
    /// import, or any re-encoding, would give the turn another id), or nil when they are. Fsck reports it.
    public func canonicalDifference(from bytes: [UInt8]) -> String? {
        let again = canonicalBytes
        guard again != bytes else { return nil }
        let at = zip(again, bytes).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(again.count, bytes.count)
        func around(_ side: [UInt8]) -> String {
            String(reflecting: String(decoding: side[max(0, at - 20)..<min(side.count, at + 20)], as: UTF8.self))
        }
        return "decoding and re-encoding changes byte \(at): stored \(around(bytes)), re-encoded \(around(again))"
    }

    /// Decodes a turn from its canonical bytes: through the typed decoder when they are canonical (nearly
    /// always), else through the generic JSON tree, which also reads bytes no convo wrote (unknown keys,
    /// other spellings of numbers) as it always did.
    public init(canonicalBytes bytes: [UInt8]) throws(StoreError) {
        self = try Self.decode(bytes).turn
    }

    /// The turn `bytes` hold, and whether they are its canonical bytes (when not, re-encoding would give the
    /// turn another id: fsck reports it through ``canonicalDifference(from:)``).
    static func decode(_ bytes: [UInt8]) throws(StoreError) -> (turn: Turn, canonical: Bool) {
        if let turn = TurnCoding.decode(bytes) { return (turn, true) }
        let turn = try Turn(genericBytes: bytes)
        return (turn, turn.canonicalBytes == bytes)
    }

    /// Decodes a turn through ConvoJSON's generic tree.
    init(genericBytes bytes: [UInt8]) throws(StoreError) {
        do {
            let json = try JSONValue.parse(bytes)
            try self.init(json: json)
        } catch let error as StoreError {
            throw error
        } catch {
            throw .corruptObject(detail: "turn is not valid JSON: \(error)")
        }
    }

    private init(json: JSONValue) throws(StoreError) {
        func id(_ value: JSONValue?) throws(StoreError) -> ObjectID? {
            guard let value else { return nil }
            guard let text = value.stringValue, let id = ObjectID(hex: text) else {
                throw .corruptObject(detail: "turn holds an invalid object id \(value.canonicalString)")
            }
            return id
        }
        func required<T>(_ value: T?, _ name: String) throws(StoreError) -> T {
            guard let value else { throw .corruptObject(detail: "turn lacks '\(name)'") }
            return value
        }
        let request = try required(json["request"], "request")
        let response = try required(json["response"], "response")
        var input = [MessageRef]()
        for item in try required(request["input"]?.arrayValue, "request.input") {
            var attachments = [AttachmentRef]()
            for attachment in item["attachments"]?.arrayValue ?? [] { attachments.append(try AttachmentRef(json: attachment)) }
            input.append(MessageRef(
                role: try required(item["role"]?.stringValue, "role"),
                content: try required(try id(item["content"]), "content"), attachments: attachments))
        }
        var output = [OutputItemRef]()
        for item in try required(response["output"]?.arrayValue, "response.output") {
            output.append(OutputItemRef(
                type: try required(item["type"]?.stringValue, "type"), id: item["id"]?.stringValue,
                role: item["role"]?.stringValue, content: try id(item["content"])))
        }
        var usage: Usage?
        if let value = response["usage"] {
            usage = Usage(
                inputTokens: value["input_tokens"]?.intValue ?? 0, outputTokens: value["output_tokens"]?.intValue ?? 0,
                cachedTokens: value["cached_tokens"]?.intValue, reasoningTokens: value["reasoning_tokens"]?.intValue)
        }
        self.init(
            parent: try id(json["parent"]),
            request: TurnRequest(
                model: request["model"]?.stringValue, instructions: try id(request["instructions"]), input: input,
                parameters: request["parameters"]?.objectValue ?? [:],
                previousResponseID: request["previous_response_id"]?.stringValue),
            response: TurnResponse(
                id: response["id"]?.stringValue, status: try required(response["status"]?.stringValue, "status"),
                model: response["model"]?.stringValue, output: output, usage: usage, raw: try id(response["raw"]),
                error: response["error"]?.stringValue),
            origin: json["origin"]?.stringValue, stored: json["stored"]?.boolValue ?? false,
            replay: json["replay"]?.boolValue ?? false, fetched: json["fetched"]?.boolValue ?? false,
            createdAt: try required(json["created_at"]?.intValue, "created_at"))
    }
}
