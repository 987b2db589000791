import Foundation

// A turn's canonical form: the bytes its id hashes, and reading them back.

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

    private static func encode(_ usage: TokenUsage) -> JSONValue {
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
        var usage: TokenUsage?
        if let value = response["usage"] {
            usage = TokenUsage(
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
