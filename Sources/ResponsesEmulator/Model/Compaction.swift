import Foundation

/// The emulator's `POST /v1/responses/compact` and the `compaction` items it writes and reads back.
///
/// Both providers document the endpoint (OpenAI: developers.openai.com/api/docs/guides/compaction and the API
/// reference "Compact a response"; xAI: docs.x.ai/developers/advanced-api-usage/context-compaction). The request
/// carries `model`, `input` and optionally `instructions` and `previous_response_id`; the answer is an object
/// `response.compaction` whose `output` holds a `compaction` item with an opaque `encrypted_content`. OpenAI keeps
/// the user messages verbatim before the item; xAI's answer is the single item standing for everything.
///
/// The real `encrypted_content` is encrypted; this test double writes what its responder needs (the name it was
/// told and how many messages were compacted) in a tagged base64 text, deterministically, and refuses any other.
enum Compaction {
    private static let tag = "convo-emulator-compaction-v1:"

    /// The opaque content standing for `messages`.
    static func encryptedContent(for messages: some Collection<Message>) -> String {
        let name = messages.filter { $0.role == "user" }.compactMap { Responder.name(in: $0.text) }.last
        let summary = EmulatorJSON.object([("messages", .int(messages.count)), ("name", .string(name))])
        return "cmp1_" + Data((tag + summary.serialized(indent: 0)).utf8).base64EncodedString()
    }

    /// The message the responder reads for a compaction item, or nil when this server did not write the content.
    static func message(encryptedContent: String) -> Message? {
        guard encryptedContent.hasPrefix("cmp1_"), let data = Data(base64Encoded: String(encryptedContent.dropFirst(5))),
            let text = String(data: data, encoding: .utf8), text.hasPrefix(tag),
            let summary = try? EmulatorJSON.parse(String(text.dropFirst(tag.count))),
            let count = summary["messages"]?.intValue
        else { return nil }
        // Few words, so that a compacted context is small as the emulator counts tokens.
        var said = "[compacted \(count) messages]"
        if let name = summary["name"]?.stringValue { said += " my name is \(name)" }
        return Message(role: "user", text: said, fromCompaction: true)
    }
}

extension Endpoints {
    /// `POST /v1/responses/compact`: the compacted window of the conversation the request names.
    func compact(_ body: EmulatorJSON) throws(APIError) -> Answer {
        guard case .object = body else { throw .invalidBody("The request body must be a JSON object.") }
        guard let model = body["model"]?.stringValue, !model.isEmpty else { throw .missingParameter("model") }
        var context: [Message] = []
        if let id = body["previous_response_id"]?.stringValue {
            guard let found = store.get(id) else { throw .previousResponseNotFound(id: id) }
            context = found.context
        }
        if let input = body["input"], !input.isNull {
            // The same input items `POST /v1/responses` takes, read by the same rules.
            var fake = [("model", EmulatorJSON.string(model)), ("input", input)]
            fake.append(("store", .bool(false)))
            context += try CreateRequest(.object(fake), flavor: flavor).input
        }
        guard !context.isEmpty else { throw .missingParameter("input") }
        let instructions = body["instructions"]?.stringValue
        let inputTokens = context.reduce(0) { $0 + Responder.tokens($1.text) } + Responder.tokens(instructions ?? "")
        if let window = contextWindow, inputTokens > window {
            // xAI: "compaction shrinks the conversation — it cannot rescue a request that is already over the limit".
            throw .contextLengthExceeded(limit: window, requested: inputTokens)
        }
        let content = Compaction.encryptedContent(for: context)
        let item: EmulatorJSON
        var output: [EmulatorJSON] = []
        switch flavor {
        case .openai:
            item = .object([("id", .string("cmp_" + Flavor.hex(50))), ("type", .string("compaction")), ("encrypted_content", .string(content))])
            output = context.filter { $0.role == "user" && !$0.fromCompaction }.map { flavor.inputItem(id: flavor.newInputItemID(), $0) }
        case .xai:
            item = .object([("type", .string("compaction")), ("id", .string("cmp_" + UUID().uuidString.lowercased())), ("encrypted_content", .string(content))])
        }
        output.append(item)
        let outputTokens = output.reduce(0) { total, item in
            total + (item["type"]?.stringValue == "compaction" ? 1 : Responder.tokens(item["content"]?.arrayValue?.first?["text"]?.stringValue ?? ""))
        }
        let usage: EmulatorJSON = .object([
            ("input_tokens", .int(inputTokens)), ("input_tokens_details", .object([("cached_tokens", .int(0))])),
            ("output_tokens", .int(outputTokens)), ("output_tokens_details", .object([("reasoning_tokens", .int(0))])),
            ("total_tokens", .int(inputTokens + outputTokens)),
        ])
        let id = flavor == .openai ? "resp_" + Flavor.hex(50) : UUID().uuidString.lowercased()
        return .body(
            status: 200,
            .object([
                ("id", .string(id)), ("object", .string("response.compaction")),
                ("created_at", .int(Int(clock.now().timeIntervalSince1970))), ("output", .array(output)), ("usage", usage),
            ]))
    }
}

extension Flavor {
    /// OpenAI's in-stream overflow: the stream opens (HTTP 200), then an `error` event (nested, as users report
    /// it: `{"type":"error","sequence_number":2,"error":{"type","code","message","param"}}`) and `response.failed`.
    func overflowEvents(id: String, model: String, createdAt: Int) -> [StreamEvent] {
        let draft = ResponseDraft(
            id: id, messageID: newMessageID(responseID: id), createdAt: createdAt, completedAt: createdAt, model: model,
            instructions: nil, maxOutputTokens: nil, previousResponseID: nil, store: true, temperature: nil, topP: nil,
            metadata: nil, text: "", truncated: false, usage: BilledUsage(input: 0, cached: 0, output: 0))
        let error: EmulatorJSON = .object([
            ("type", .string("invalid_request_error")), ("code", .string("context_length_exceeded")),
            ("message", .string(Self.openAIOverflowMessage)), ("param", .string("input")),
        ])
        var failed = responseObject(draft, stage: .inProgress)
        failed = failed.replacing("status", with: .string("failed")).replacing("error", with: .object([
            ("code", .string("context_length_exceeded")), ("message", .string(Self.openAIOverflowMessage)),
        ]))
        return [
            StreamEvent(type: "response.created", data: .object([("type", .string("response.created")), ("sequence_number", .int(0)), ("response", responseObject(draft, stage: .inProgress))])),
            StreamEvent(type: "response.in_progress", data: .object([("type", .string("response.in_progress")), ("sequence_number", .int(1)), ("response", responseObject(draft, stage: .inProgress))])),
            StreamEvent(type: "error", data: .object([("type", .string("error")), ("sequence_number", .int(2)), ("error", error)])),
            StreamEvent(type: "response.failed", data: .object([("type", .string("response.failed")), ("sequence_number", .int(3)), ("response", failed)])),
        ]
    }
}

extension EmulatorJSON {
    /// A copy of an object with `key`'s value replaced, in place.
    func replacing(_ key: String, with value: EmulatorJSON) -> EmulatorJSON {
        guard case .object(let pairs) = self else { return self }
        return .object(pairs.map { $0.0 == key ? ($0.0, value) : $0 })
    }
}
