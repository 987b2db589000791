import Foundation
import ConvoStore

// The JSON forms of a turn's parts, shared by `export`, `show --json` and `say --json`.

extension TokenUsage {
    /// `{"input_tokens", "output_tokens", "cached_tokens"?, "reasoning_tokens"?}`.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["input_tokens": .int(inputTokens), "output_tokens": .int(outputTokens)]
        object["cached_tokens"] = cachedTokens.map(JSONValue.int)
        object["reasoning_tokens"] = reasoningTokens.map(JSONValue.int)
        return .object(object)
    }
}

extension DraftMessage {
    /// `{"role", "content", "attachments"?}`; attachments only when there are some, so the JSON of a message
    /// without them is unchanged.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["role": .string(role), "content": .string(text)]
        if !attachments.isEmpty { object["attachments"] = .array(attachments.map(\.json)) }
        return .object(object)
    }
}

extension DraftAttachment {
    /// `{"kind", "name", "media_type", "size", "id"?, "data"? (base64), "url"?}`: everything an import needs to
    /// store the same blob again (and so the same turn id).
    public var json: JSONValue {
        var object: [String: JSONValue] = [
            "kind": .string(kind), "name": .string(name), "media_type": .string(mediaType), "size": .int(size),
        ]
        object["id"] = bytes.map { .string(ObjectID.hashing(kind: .blob, payload: $0).hex) }
        object["data"] = bytes.map { .string(Data($0).base64EncodedString()) }
        object["url"] = url.map(JSONValue.string)
        return .object(object)
    }

    /// Reads an attachment written by ``json``; nil when it is not one.
    public init?(json: JSONValue) {
        guard let kind = json["kind"]?.stringValue, ["image", "file"].contains(kind), let name = json["name"]?.stringValue,
            let mediaType = json["media_type"]?.stringValue
        else { return nil }
        var bytes: [UInt8]?
        if let data = json["data"]?.stringValue {
            guard let decoded = Data(base64Encoded: data) else { return nil }
            bytes = [UInt8](decoded)
        }
        let url = json["url"]?.stringValue
        guard (bytes == nil) != (url == nil) else { return nil }
        self.init(kind: kind, name: name, mediaType: mediaType, bytes: bytes, url: url)
    }
}

extension DraftOutputItem {
    /// `{"type", "id"?, "role"?, "text"?}`.
    public var json: JSONValue {
        var object: [String: JSONValue] = ["type": .string(type)]
        object["id"] = id.map(JSONValue.string)
        object["role"] = role.map(JSONValue.string)
        object["text"] = text.map(JSONValue.string)
        return .object(object)
    }
}
