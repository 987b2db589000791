import Foundation

/// The answer to one API request: a body, or a stream of events.
enum Answer: Sendable {
    case body(status: Int, EmulatorJSON)
    case stream([StreamEvent], StreamFaults)
}

/// What breaks a stream: from the fault plan, when its `count` allows.
struct StreamFaults: Sendable {
    var cutAfter: Int?
    var malformedIndex: Int?
    var delayMilliseconds = 0
}

/// The Responses API endpoints, free of HTTP plumbing.
struct Endpoints: Sendable {
    let flavor: Flavor
    let store: ResponseStore
    let clock: EmulatorClock
    /// The context window in the emulator's tokens; nil for none.
    var contextWindow: Int? = nil
    let promptCache = PromptCache()

    /// `POST /v1/responses`.
    func create(_ body: EmulatorJSON, streamFaults: StreamFaults) throws(APIError) -> Answer {
        let request = try CreateRequest(body, flavor: flavor)
        if flavor == .xai, request.instructions != nil, request.previousResponseID != nil {
            throw .instructionsWithPreviousResponse
        }
        var previous: StoredResponse?
        if let id = request.previousResponseID {
            guard let found = store.get(id) else { throw .previousResponseNotFound(id: id) }
            previous = found
        }
        // OpenAI: only this request's instructions; xAI: the chain keeps the first turn's.
        let instructions = flavor == .xai ? (previous?.chainInstructions ?? request.instructions) : request.instructions
        var context = (previous?.context ?? []) + request.input
        // OpenAI's server-side compaction (`context_management`): past the threshold, the context before the
        // newest message becomes one compaction item, returned before the answer; xAI only parses the field.
        var compaction: EmulatorJSON?
        if flavor == .openai, let threshold = request.compactThreshold, context.count > 1, let newest = context.last,
            PromptCache.tokens(instructions: instructions, context: context).count > threshold
        {
            let content = Compaction.encryptedContent(for: context.dropLast())
            compaction = .object([("id", .string("cmp_" + Flavor.hex(50))), ("type", .string("compaction")), ("encrypted_content", .string(content))])
            context = [Compaction.message(encryptedContent: content)].compactMap { $0 } + [newest]
        }
        let answer = Responder.answer(context: context)
        let answerTokens = Responder.deltas(answer).count
        let truncated = request.maxOutputTokens.map { $0 < answerTokens } ?? false
        let text = truncated ? Responder.truncate(answer, toTokens: request.maxOutputTokens!) : answer
        let prompt = PromptCache.tokens(instructions: instructions, context: context)
        let id = flavor.newResponseID()
        // A prompt over the window is refused before it can enter the prompt cache.
        if let window = contextWindow, prompt.count > window {
            let overflow = APIError.contextLengthExceeded(limit: window, requested: prompt.count)
            // OpenAI reports the overflow of a streamed request inside the stream; xAI refuses it before streaming.
            guard request.stream, flavor == .openai else { throw overflow }
            return .stream(flavor.overflowEvents(id: id, model: request.model, createdAt: Int(clock.now().timeIntervalSince1970)), StreamFaults())
        }
        let usage = BilledUsage(
            input: prompt.count, cached: promptCache.lookUp(prompt, key: request.promptCacheKey, flavor: flavor),
            output: truncated ? request.maxOutputTokens! : answerTokens)

        let now = clock.now()
        let draft = ResponseDraft(
            id: id, messageID: flavor.newMessageID(responseID: id), createdAt: Int(now.timeIntervalSince1970),
            completedAt: Int(now.timeIntervalSince1970), model: request.model, instructions: request.instructions,
            maxOutputTokens: request.maxOutputTokens, previousResponseID: request.previousResponseID,
            store: request.store, temperature: request.temperature, topP: request.topP, metadata: request.metadata,
            promptCacheKey: request.promptCacheKey,
            text: text, truncated: truncated, usage: usage, compaction: compaction)
        let object = flavor.responseObject(draft, stage: .finished)
        if request.store {
            store.insert(
                StoredResponse(
                    id: id, createdAt: now, object: object,
                    inputItems: request.input.map { flavor.inputItem(id: flavor.newInputItemID(), $0) },
                    context: context + [Message(role: "assistant", text: text)],
                    chainInstructions: instructions))
        }
        return request.stream ? .stream(flavor.streamEvents(draft), streamFaults) : .body(status: 200, object)
    }

    /// `GET /v1/responses/{id}`.
    func get(_ id: String) throws(APIError) -> Answer {
        guard let stored = store.get(id) else { throw .responseNotFound(id: id) }
        return .body(status: 200, stored.object)
    }

    /// `DELETE /v1/responses/{id}`.
    func delete(_ id: String) throws(APIError) -> Answer {
        guard store.delete(id) else { throw .responseNotFound(id: id) }
        return .body(status: 200, .object([("id", .string(id)), ("object", .string("response.deleted")), ("deleted", .bool(true))]))
    }

    /// `GET /v1/responses/{id}/input_items?limit=&after=&order=`.
    func inputItems(_ id: String, query: [String: String]) throws(APIError) -> Answer {
        guard let stored = store.get(id) else { throw .responseNotFound(id: id) }
        var limit = 20
        if let raw = query["limit"] {
            guard let n = Int(raw), (1...100).contains(n) else {
                throw .invalidParameter(
                    param: "limit", code: "integer_out_of_range",
                    message: "Invalid 'limit': expected an integer between 1 and 100, but got \(raw) instead.")
            }
            limit = n
        }
        let order = query["order"] ?? "desc"
        guard order == "asc" || order == "desc" else {
            throw .invalidParameter(
                param: "order", code: "invalid_value",
                message: "Invalid value: '\(order)'. Supported values are: 'asc' and 'desc'.")
        }
        var items = order == "asc" ? stored.inputItems : stored.inputItems.reversed()
        if let after = query["after"] {
            guard let index = items.firstIndex(where: { $0["id"]?.stringValue == after }) else {
                throw .invalidParameter(param: "after", code: "invalid_value", message: "No input item with id '\(after)' in response '\(id)'.")
            }
            items = Array(items[(index + 1)...])
        }
        let page = Array(items.prefix(limit))
        return .body(
            status: 200,
            .object([
                ("object", .string("list")), ("data", .array(page)),
                ("first_id", .string(page.first?["id"]?.stringValue)),
                ("has_more", .bool(items.count > page.count)),
                ("last_id", .string(page.last?["id"]?.stringValue)),
            ]))
    }
}
