import ConvoJSON
import Foundation

/// One message of a request's `input`, sent in the spec's `EasyInputMessage` shape:
/// `{"type":"message","role":…,"content":"…"}`.
public struct InputMessage: Sendable, Equatable, Encodable {
    /// Who speaks a message.
    public enum Role: String, Sendable, Encodable, CaseIterable {
        /// The person talking to the model.
        case user
        /// The model, in replayed history.
        case assistant
        /// System instructions.
        case system
        /// Developer instructions.
        case developer
    }

    /// Who speaks.
    public var role: Role
    /// The message text.
    public var text: String
    /// Images and files sent with the text; with none, `content` stays a plain string.
    public var attachments: [InputAttachment]
    /// An item that is not a message (a `compaction` item), sent verbatim instead of role and text.
    public var item: JSONValue?

    /// Creates a message.
    public init(role: Role, text: String, attachments: [InputAttachment] = []) {
        self.role = role
        self.text = text
        self.attachments = attachments
    }

    /// A user message.
    public static func user(_ text: String, attachments: [InputAttachment] = []) -> InputMessage {
        .init(role: .user, text: text, attachments: attachments)
    }
    /// An assistant message, for replaying history.
    public static func assistant(_ text: String) -> InputMessage { .init(role: .assistant, text: text) }

    private enum CodingKeys: String, CodingKey { case type, role, content }

    /// An item sent back exactly as the server gave it (a `compaction` item).
    public static func verbatim(_ item: JSONValue) -> InputMessage {
        var message = InputMessage(role: .user, text: "")
        message.item = item
        return message
    }

    /// Encodes the message as an `EasyInputMessage`: string content, or (with attachments) a content list of
    /// the text as `input_text` followed by the attachments, as both providers document.
    public func encode(to encoder: any Encoder) throws {
        if let item { return try item.encode(to: encoder) }
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("message", forKey: .type)
        try container.encode(role, forKey: .role)
        if attachments.isEmpty {
            try container.encode(text, forKey: .content)
        } else {
            try container.encode([InputContentPart.text(text)] + attachments.map(InputContentPart.attachment), forKey: .content)
        }
    }
}

/// The body of `POST /responses`.
public struct CreateResponseRequest: Sendable, Equatable, Encodable {
    /// The model to use, such as `grok-4`.
    public var model: String
    /// System instructions; see ``ProviderProfile/instructionsToSend(_:hasPreviousResponse:)``.
    public var instructions: String?
    /// The new messages (or the whole history when replaying).
    public var input: [InputMessage]
    /// The response this turn continues on the server.
    public var previousResponseID: String?
    /// Whether the server keeps the response so it can be continued or fetched later.
    public var store: Bool
    /// Sampling temperature.
    public var temperature: Double?
    /// Upper bound on generated tokens, reasoning included.
    public var maxOutputTokens: Int?
    /// Whether the server answers with Server-Sent Events.
    public var stream: Bool
    /// `prompt_cache_key`: one stable name per conversation, so the provider routes its requests to the
    /// machine that holds the conversation's prefix in its cache (OpenAI and xAI both document the field).
    public var promptCacheKey: String?
    /// `context_management: [{"type": "compaction", "compact_threshold": N}]`: OpenAI compacts the context on the
    /// server once it passes N tokens and returns the `compaction` item among the output
    /// (developers.openai.com/api/docs/guides/compaction, "Server-side compaction").
    public var compactThreshold: Int?

    /// Creates a request; only `model` and `input` are required.
    public init(
        model: String, instructions: String? = nil, input: [InputMessage],
        previousResponseID: String? = nil, store: Bool = true, temperature: Double? = nil,
        maxOutputTokens: Int? = nil, stream: Bool = false, promptCacheKey: String? = nil, compactThreshold: Int? = nil
    ) {
        self.model = model
        self.instructions = instructions
        self.input = input
        self.previousResponseID = previousResponseID
        self.store = store
        self.temperature = temperature
        self.maxOutputTokens = maxOutputTokens
        self.stream = stream
        self.promptCacheKey = promptCacheKey
        self.compactThreshold = compactThreshold
    }

    private enum CodingKeys: String, CodingKey {
        case model, instructions, input, store, temperature, stream
        case previousResponseID = "previous_response_id"
        case maxOutputTokens = "max_output_tokens"
        case promptCacheKey = "prompt_cache_key"
        case contextManagement = "context_management"
    }

    /// One entry of `context_management`.
    private struct ContextManagement: Encodable {
        var type = "compaction"
        var compactThreshold: Int

        private enum CodingKeys: String, CodingKey {
            case type
            case compactThreshold = "compact_threshold"
        }
    }

    /// Encodes the request, leaving out every key whose value is nil.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(model, forKey: .model)
        try container.encodeIfPresent(instructions, forKey: .instructions)
        try container.encode(input, forKey: .input)
        try container.encodeIfPresent(previousResponseID, forKey: .previousResponseID)
        try container.encode(store, forKey: .store)
        try container.encodeIfPresent(temperature, forKey: .temperature)
        try container.encodeIfPresent(maxOutputTokens, forKey: .maxOutputTokens)
        try container.encode(stream, forKey: .stream)
        try container.encodeIfPresent(promptCacheKey, forKey: .promptCacheKey)
        if let compactThreshold {
            try container.encode([ContextManagement(compactThreshold: compactThreshold)], forKey: .contextManagement)
        }
    }

    /// The JSON body as sent: compact, keys sorted, slashes not escaped.
    public func encodedBody() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
