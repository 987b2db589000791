import Foundation

/// The state of a response as the server reports it.
public enum ResponseStatus: Sendable, Equatable, CustomStringConvertible {
    /// Finished normally.
    case completed
    /// Stopped early; see ``ResponseObject/incompleteReason``.
    case incomplete
    /// Failed on the server; see ``ResponseObject/error``.
    case failed
    /// Still being generated (the status in `response.created`).
    case inProgress
    /// A status this client does not know, kept verbatim.
    case other(String)

    /// Reads the wire value, such as `in_progress`.
    public init(rawValue: String) {
        switch rawValue {
        case "completed": self = .completed
        case "incomplete": self = .incomplete
        case "failed": self = .failed
        case "in_progress": self = .inProgress
        default: self = .other(rawValue)
        }
    }

    /// The wire value.
    public var rawValue: String {
        switch self {
        case .completed: "completed"
        case .incomplete: "incomplete"
        case .failed: "failed"
        case .inProgress: "in_progress"
        case .other(let raw): raw
        }
    }

    /// The wire value.
    public var description: String { rawValue }
}

/// Token counts of one response. Both providers bill the whole chained context as input.
public struct Usage: Sendable, Equatable {
    /// Input tokens, the whole context included.
    public var inputTokens: Int
    /// Generated tokens, reasoning included.
    public var outputTokens: Int
    /// Input plus output.
    public var totalTokens: Int
    /// Input tokens served from the prompt cache (`input_tokens_details.cached_tokens`).
    public var cachedTokens: Int?
    /// Output tokens spent on reasoning (`output_tokens_details.reasoning_tokens`).
    public var reasoningTokens: Int?

    /// Creates token counts.
    public init(inputTokens: Int, outputTokens: Int, totalTokens: Int, cachedTokens: Int? = nil, reasoningTokens: Int? = nil) {
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.totalTokens = totalTokens
        self.cachedTokens = cachedTokens
        self.reasoningTokens = reasoningTokens
    }
}

/// The `error` member of a failed response.
public struct ResponseFailure: Sendable, Equatable {
    /// The server's error code, such as `server_error`.
    public var code: String?
    /// The server's explanation.
    public var message: String

    /// Creates a failure.
    public init(code: String?, message: String) {
        self.code = code
        self.message = message
    }
}

/// One item of a response's `output`: a message, a reasoning item, or anything else.
public struct OutputItem: Sendable, Equatable {
    /// The item type, such as `message` or `reasoning`.
    public var type: String
    /// The item id (`msg_…`, `rs_…`).
    public var id: String?
    /// `assistant` for messages.
    public var role: String?
    /// The item's own status (`completed`, `incomplete`).
    public var status: String?
    /// For messages, the text of all `output_text` parts joined; nil for other items.
    public var text: String?
    /// The item's JSON exactly as the server sent it.
    public var raw: Data
}

/// A response object, decoded leniently: unknown fields are ignored and optional ones may
/// be missing, so both OpenAI and xAI shapes (and future additions) read the same way.
public struct ResponseObject: Sendable, Equatable {
    /// The server's id: `resp_…` on OpenAI, a bare UUID on xAI.
    public var id: String
    /// Where the response stands.
    public var status: ResponseStatus
    /// The model that answered, as the server names it (often more specific than requested).
    public var model: String
    /// Creation time in Unix seconds.
    public var createdAt: Int
    /// The response this one continues.
    public var previousResponseID: String?
    /// The instructions the server echoes back.
    public var instructions: String?
    /// Whether the server stored the response.
    public var store: Bool?
    /// The output items in order.
    public var output: [OutputItem]
    /// Token counts; absent while in progress.
    public var usage: Usage?
    /// Why the response is incomplete (`incomplete_details.reason`), such as `max_output_tokens`.
    public var incompleteReason: String?
    /// The failure of a failed response.
    public var error: ResponseFailure?
    /// The exact bytes received, so the server's own JSON can be kept.
    public var raw: Data

    /// The assistant's text: every `output_text` part of every message, in order.
    public var outputText: String {
        output.compactMap(\.text).joined()
    }

    /// Decodes a response object from the bytes the server sent.
    public init(data: Data) throws(ResponsesAPIError) {
        let wire: WireResponse
        do {
            wire = try JSONDecoder().decode(WireResponse.self, from: data)
        } catch {
            throw .invalidResponse("not a response object: \(decodingSummary(error, data))")
        }
        id = wire.id
        status = ResponseStatus(rawValue: wire.status ?? "")
        model = wire.model ?? ""
        createdAt = wire.createdAt ?? 0
        previousResponseID = wire.previousResponseID
        instructions = wire.instructions
        store = wire.store
        output = wire.output ?? []
        if let items = Self.outputItemBytes(data), items.count == output.count {
            for index in output.indices { output[index].raw = items[index] }
        }
        usage = wire.usage
        incompleteReason = wire.incompleteReason
        error = wire.error
        raw = data
    }
}

/// The reply to `DELETE /responses/{id}`.
public struct DeletedResponse: Sendable, Equatable, Decodable {
    /// The id that was deleted.
    public var id: String
    /// Whether the server deleted it.
    public var deleted: Bool

    /// Creates a deletion result.
    public init(id: String, deleted: Bool) {
        self.id = id
        self.deleted = deleted
    }
}

/// One item of `GET /responses/{id}/input_items`.
public struct InputItem: Sendable, Equatable {
    /// The item id.
    public var id: String?
    /// The item type, usually `message`.
    public var type: String
    /// `user`, `assistant`, `system` or `developer`.
    public var role: String?
    /// The text of all text parts (or the string content) joined.
    public var text: String

    /// Creates an input item.
    public init(id: String?, type: String, role: String?, text: String) {
        self.id = id
        self.type = type
        self.role = role
        self.text = text
    }
}

/// A page of `GET /responses/{id}/input_items`.
public struct InputItemList: Sendable, Equatable {
    /// The items of this page.
    public var data: [InputItem]
    /// The first item's id.
    public var firstID: String?
    /// The last item's id: the `after` cursor for the next page.
    public var lastID: String?
    /// Whether another page follows.
    public var hasMore: Bool

    /// Creates a page.
    public init(data: [InputItem], firstID: String?, lastID: String?, hasMore: Bool) {
        self.data = data
        self.firstID = firstID
        self.lastID = lastID
        self.hasMore = hasMore
    }

    /// Decodes a page from the bytes the server sent.
    public init(data bytes: Data) throws(ResponsesAPIError) {
        do {
            self = try JSONDecoder().decode(InputItemList.self, from: bytes)
        } catch {
            throw .invalidResponse("not an input item list: \(decodingSummary(error, bytes))")
        }
    }
}

/// A short account of why bytes did not decode, with the start of the bytes.
func decodingSummary(_ error: any Error, _ data: Data) -> String {
    let head = String(decoding: data.prefix(120), as: UTF8.self)
    let reason: String
    switch error {
    case DecodingError.keyNotFound(let key, _): reason = "missing '\(key.stringValue)'"
    case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
        reason = "wrong type at '\(context.codingPath.map(\.stringValue).joined(separator: "."))'"
    case DecodingError.dataCorrupted: reason = "malformed JSON"
    default: reason = "\(error)"
    }
    return data.isEmpty ? "\(reason) (empty body)" : "\(reason) in '\(head)'"
}
