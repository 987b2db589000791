/// One message of a conversation as the server holds it.
struct Message: Sendable, Equatable {
    /// `user`, `assistant`, `system` or `developer`.
    var role: String
    var text: String
    /// Images and files the message carried.
    var attachments: [SeenAttachment] = []
    /// The content parts as sent (nil for string content): `input_items` lists every one of them, as the
    /// servers do, not only the text.
    var parts: [EmulatorJSON]? = nil
    /// True for what a `compaction` item reads as: not a message the user sent, so a later compaction does not
    /// keep it beside its own item as OpenAI keeps user messages.
    var fromCompaction = false
}

/// The body of `POST /v1/responses`, read leniently the way the real servers do.
struct CreateRequest: Sendable {
    var model: String
    var input: [Message]
    var instructions: String?
    var previousResponseID: String?
    var store: Bool
    var temperature: Double?
    var topP: Double?
    var maxOutputTokens: Int?
    var stream: Bool
    var metadata: EmulatorJSON?
    /// `prompt_cache_key`: the conversation's name for the prompt cache.
    var promptCacheKey: String?
    /// `context_management`'s `compaction` entry: the token count past which OpenAI compacts the context.
    var compactThreshold: Int?

    private static let roles: Set = ["user", "assistant", "system", "developer"]

    /// Reads the body; throws the error the real API would answer with.
    init(_ body: EmulatorJSON, flavor: Flavor = .openai) throws(APIError) {
        guard case .object = body else { throw .invalidBody("The request body must be a JSON object.") }
        guard let model = body["model"]?.stringValue, !model.isEmpty else { throw .missingParameter("model") }
        self.model = model
        guard let input = body["input"], !input.isNull else { throw .missingParameter("input") }
        self.input = try Self.messages(input, flavor: flavor)
        instructions = try Self.optional(body, "instructions", \.stringValue, "a string")
        previousResponseID = try Self.optional(body, "previous_response_id", \.stringValue, "a string")
        store = try Self.optional(body, "store", \.boolValue, "a boolean") ?? true
        stream = try Self.optional(body, "stream", \.boolValue, "a boolean") ?? false
        temperature = try Self.number(body, "temperature", in: 0...2)
        topP = try Self.number(body, "top_p", in: 0...1)
        maxOutputTokens = try Self.optional(body, "max_output_tokens", \.intValue, "an integer")
        if let max = maxOutputTokens, max < 1 {
            throw .invalidParameter(
                param: "max_output_tokens", code: "integer_below_min_value",
                message: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 1, but got \(max) instead.")
        }
        metadata = body["metadata"].flatMap { $0.isNull ? nil : $0 }
        promptCacheKey = try Self.optional(body, "prompt_cache_key", \.stringValue, "a string")
        if let entries = try Self.optional(body, "context_management", \.arrayValue, "an array") {
            compactThreshold = entries.first { $0["type"]?.stringValue == "compaction" }?["compact_threshold"]?.intValue
        }
    }

    private static func optional<T>(
        _ body: EmulatorJSON, _ key: String, _ get: (EmulatorJSON) -> T?, _ kind: String
    ) throws(APIError) -> T? {
        guard let value = body[key], !value.isNull else { return nil }
        guard let typed = get(value) else {
            throw .invalidParameter(
                param: key, code: "invalid_type",
                message: "Invalid type for '\(key)': expected \(kind), but got \(value.serialized()).")
        }
        return typed
    }

    private static func number(_ body: EmulatorJSON, _ key: String, in range: ClosedRange<Double>) throws(APIError) -> Double? {
        guard let value = try optional(body, key, \.doubleValue, "a number") else { return nil }
        let shown = body[key]!.serialized()
        if value < range.lowerBound {
            throw .invalidParameter(
                param: key, code: "decimal_below_min_value",
                message: "Invalid '\(key)': decimal below minimum value. Expected a value >= \(Int(range.lowerBound)), but got \(shown) instead.")
        }
        if value > range.upperBound {
            throw .invalidParameter(
                param: key, code: "decimal_above_max_value",
                message: "Invalid '\(key)': decimal above maximum value. Expected a value <= \(Int(range.upperBound)), but got \(shown) instead.")
        }
        return value
    }

    /// `input` as a string (one user message) or an array of messages whose
    /// `content` is a string or a list of `input_text` / `output_text` parts.
    private static func messages(_ input: EmulatorJSON, flavor: Flavor) throws(APIError) -> [Message] {
        if let text = input.stringValue { return [Message(role: "user", text: text)] }
        guard let items = input.arrayValue else {
            throw .invalidParameter(param: "input", code: "invalid_type", message: "Invalid type for 'input': expected a string or an array of input items.")
        }
        var messages: [Message] = []
        for (index, item) in items.enumerated() {
            let type = item["type"]?.stringValue ?? "message"
            if type == "compaction" {
                guard let content = item["encrypted_content"]?.stringValue, let message = Compaction.message(encryptedContent: content) else {
                    throw .invalidEncryptedContent(param: "input[\(index)]")
                }
                messages.append(message)
                continue
            }
            guard type == "message", let role = item["role"]?.stringValue, roles.contains(role) else {
                throw .invalidParameter(
                    param: "input[\(index)]", code: "invalid_value",
                    message: "Invalid value for 'input[\(index)]': this emulator accepts only messages with role user, assistant, system or developer, and compaction items.")
            }
            messages.append(try message(role: role, content: item["content"], at: index, flavor: flavor))
        }
        return messages
    }

    private static func message(role: String, content: EmulatorJSON?, at index: Int, flavor: Flavor) throws(APIError) -> Message {
        if let text = content?.stringValue { return Message(role: role, text: text) }
        guard let parts = content?.arrayValue else {
            throw .missingParameter("input[\(index)].content")
        }
        var texts: [String] = []
        var attachments: [SeenAttachment] = []
        for (partIndex, part) in parts.enumerated() {
            let type = part["type"]?.stringValue
            if type == "input_image" || type == "input_file" {
                attachments.append(try SeenAttachment(part, at: "input[\(index)].content[\(partIndex)]", flavor: flavor))
                continue
            }
            guard let type, ["input_text", "output_text", "text"].contains(type), let text = part["text"]?.stringValue else {
                throw .invalidParameter(
                    param: "input[\(index)].content", code: "invalid_value",
                    message: "Invalid value for 'input[\(index)].content': this emulator accepts only input_text, output_text, input_image and input_file parts.")
            }
            texts.append(text)
        }
        return Message(role: role, text: texts.joined(separator: "\n"), attachments: attachments, parts: parts)
    }
}
