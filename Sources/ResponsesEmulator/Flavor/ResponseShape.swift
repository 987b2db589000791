import Foundation

/// Token counts of one response.
struct BilledUsage: Sendable {
    var input: Int
    var cached: Int
    var output: Int
}

/// Everything a response object says, before a flavour lays it out.
struct ResponseDraft: Sendable {
    var id: String
    var messageID: String
    var createdAt: Int
    var completedAt: Int
    var model: String
    var instructions: String?
    var maxOutputTokens: Int?
    var previousResponseID: String?
    var store: Bool
    var temperature: Double?
    var topP: Double?
    var metadata: EmulatorJSON?
    /// The request's `prompt_cache_key`, echoed as both providers do.
    var promptCacheKey: String? = nil
    /// The full (possibly truncated) answer.
    var text: String
    /// True when `max_output_tokens` cut the answer.
    var truncated: Bool
    var usage: BilledUsage
    /// The `compaction` item OpenAI's server-side compaction put before the message, if it ran.
    var compaction: EmulatorJSON? = nil
}

/// The life stage of a response object: streams show it in progress first.
enum ResponseStage { case inProgress, finished }

extension Flavor {
    /// The response object in this flavour's key order (OpenAI: the 2025-09 shape of
    /// the recorded bodies; xAI: the order of the recorded grok-4 body).
    func responseObject(_ d: ResponseDraft, stage: ResponseStage) -> EmulatorJSON {
        let finished = stage == .finished
        let status = !finished ? "in_progress" : d.truncated ? "incomplete" : "completed"
        let incomplete: EmulatorJSON = finished && d.truncated ? .object([("reason", .string("max_output_tokens"))]) : .null
        let output: EmulatorJSON = .array(finished ? (d.compaction.map { [$0] } ?? []) + [messageItem(d, stage: .finished)] : [])
        switch self {
        case .openai:
            return .object([
                ("id", .string(d.id)), ("object", .string("response")), ("created_at", .int(d.createdAt)),
                ("status", .string(status)), ("background", .bool(false)), ("error", .null),
                ("incomplete_details", incomplete), ("instructions", .string(d.instructions)),
                ("max_output_tokens", .int(d.maxOutputTokens)), ("max_tool_calls", .null), ("model", .string(d.model)),
                ("output", output), ("parallel_tool_calls", .bool(true)),
                ("previous_response_id", .string(d.previousResponseID)), ("prompt_cache_key", .string(d.promptCacheKey)),
                ("reasoning", .object([("effort", .null), ("summary", .null)])), ("safety_identifier", .null),
                // The recorded stream says "auto" until the response is done.
                ("service_tier", .string(finished ? "default" : "auto")), ("store", .bool(d.store)),
                ("temperature", .double(d.temperature ?? 1)),
                ("text", .object([("format", .object([("type", .string("text"))])), ("verbosity", .string("medium"))])),
                ("tool_choice", .string("auto")), ("tools", .array([])), ("top_logprobs", .int(0)),
                ("top_p", .double(d.topP ?? 1)), ("truncation", .string("disabled")),
                ("usage", finished ? usageObject(d.usage) : .null), ("user", .null),
                ("metadata", d.metadata ?? .object([])),
            ])
        case .xai:
            return .object([
                ("created_at", .int(d.createdAt)), ("completed_at", finished ? .int(d.completedAt) : .null),
                ("id", .string(d.id)), ("max_output_tokens", .int(d.maxOutputTokens)), ("model", .string(d.model)),
                ("object", .string("response")), ("output", output), ("parallel_tool_calls", .bool(true)),
                ("previous_response_id", .string(d.previousResponseID)),
                ("reasoning", .object([("effort", .null), ("summary", .null)])),
                ("temperature", .double(d.temperature ?? 0.7)), ("text", .object([("format", .object([("type", .string("text"))]))])),
                ("tool_choice", .string("auto")), ("tools", .array([])), ("top_p", .double(d.topP ?? 0.95)),
                ("usage", finished ? usageObject(d.usage) : .null), ("user", .null),
                ("incomplete_details", incomplete), ("status", .string(status)), ("store", .bool(d.store)),
                ("metadata", .object([("system_fingerprint", .string("fp_convo_emulator"))])),
                ("background", .bool(false)), ("service_tier", .string("default")), ("truncation", .string("disabled")),
                ("top_logprobs", .int(0)), ("presence_penalty", .double(0)), ("frequency_penalty", .double(0)),
                ("prompt_cache_key", .string(d.promptCacheKey)), ("max_tool_calls", .null), ("safety_identifier", .null),
                ("error", .null), ("instructions", .string(d.instructions)),
            ])
        }
    }

    /// xAI's `cost_in_usd_ticks` (1 USD = 10^10 ticks, docs.x.ai/developers/cost-tracking) at the prices
    /// that reproduce both recorded grok-4.3 responses exactly (fixtures `xai-nonstream-grok-4…` and
    /// `xai-stream-grok-4…`: 197 in, 128 or 192 cached, 111 or 199 out give 3,893,500 and 5,421,500 ticks):
    /// $1.25 per million uncached input tokens, $0.20 cached, $2.50 output (reasoning included).
    static func costInUSDTicks(_ u: BilledUsage) -> Int {
        (u.input - u.cached) * 12_500 + u.cached * 2_000 + u.output * 25_000
    }

    func usageObject(_ u: BilledUsage) -> EmulatorJSON {
        var pairs: [(String, EmulatorJSON)] = [
            ("input_tokens", .int(u.input)), ("input_tokens_details", .object([("cached_tokens", .int(u.cached))])),
            ("output_tokens", .int(u.output)), ("output_tokens_details", .object([("reasoning_tokens", .int(0))])),
            ("total_tokens", .int(u.input + u.output)),
        ]
        if self == .xai {
            pairs += [
                ("num_sources_used", .int(0)), ("num_server_side_tools_used", .int(0)),
                ("cost_in_usd_ticks", .int(Self.costInUSDTicks(u))),
                ("context_details", .object([("input_tokens", .int(u.input)), ("output_tokens", .int(u.output))])),
            ]
        }
        return .object(pairs)
    }

    /// The assistant message item; in progress it has no content yet.
    func messageItem(_ d: ResponseDraft, stage: ResponseStage) -> EmulatorJSON {
        let status = stage == .inProgress ? "in_progress" : d.truncated ? "incomplete" : "completed"
        let content: [EmulatorJSON] = stage == .inProgress ? [] : [textPart(d.text)]
        return message(id: d.messageID, role: "assistant", status: status, content: content)
    }

    /// A message item (output or input) in this flavour's key order.
    func message(id: String, role: String, status: String, content: [EmulatorJSON]) -> EmulatorJSON {
        switch self {
        case .openai:
            .object([("id", .string(id)), ("type", .string("message")), ("status", .string(status)), ("content", .array(content)), ("role", .string(role))])
        case .xai:
            .object([("content", .array(content)), ("id", .string(id)), ("role", .string(role)), ("type", .string("message")), ("status", .string(status))])
        }
    }

    /// An `output_text` content part.
    func textPart(_ text: String) -> EmulatorJSON {
        switch self {
        case .openai:
            .object([("type", .string("output_text")), ("annotations", .array([])), ("logprobs", .array([])), ("text", .string(text))])
        case .xai:
            .object([("type", .string("output_text")), ("text", .string(text)), ("logprobs", .array([])), ("annotations", .array([]))])
        }
    }

    /// An input item as `input_items` lists it: every content part the request sent (text, images, files) in
    /// its order, or one text part for string content.
    func inputItem(id: String, _ message: Message) -> EmulatorJSON {
        let textPart: (String) -> EmulatorJSON = { text in
            message.role == "assistant" ? self.textPart(text) : .object([("type", .string("input_text")), ("text", .string(text))])
        }
        let content = message.parts?.map { part -> EmulatorJSON in
            switch part["type"]?.stringValue {
            case "input_image", "input_file": part
            default: textPart(part["text"]?.stringValue ?? "")
            }
        } ?? [textPart(message.text)]
        return self.message(id: id, role: message.role, status: "completed", content: content)
    }

    /// A new response id: `resp_<50 hex>` or a lowercase UUID.
    func newResponseID() -> String {
        switch self {
        case .openai: "resp_" + Self.hex(50)
        case .xai: UUID().uuidString.lowercased()
        }
    }

    /// A new message id; xAI reuses the response's UUID as the recording shows.
    func newMessageID(responseID: String) -> String {
        switch self {
        case .openai: "msg_" + Self.hex(50)
        case .xai: "msg_" + responseID
        }
    }

    /// An id for an input item.
    func newInputItemID() -> String {
        switch self {
        case .openai: "msg_" + Self.hex(50)
        case .xai: "msg_" + UUID().uuidString.lowercased()
        }
    }

    static func hex(_ count: Int) -> String {
        String((0..<count).map { _ in "0123456789abcdef".randomElement()! })
    }

    /// Bodies: api.openai.com pretty-prints with 2 spaces and no newline; xAI's wire
    /// layout is not recorded, so it gets compact JSON.
    func body(_ value: EmulatorJSON) -> String {
        value.serialized(indent: self == .openai ? 2 : 0)
    }
}
