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
    /// `{"role", "content"}`.
    public var json: JSONValue { .object(["role": .string(role), "content": .string(text)]) }
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
