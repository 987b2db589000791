import ConvoJSON
import Foundation

/// The body of `POST /responses/compact` (OpenAI: API reference "Compact a response"; xAI:
/// docs.x.ai/developers/advanced-api-usage/context-compaction): the conversation to compact as input items.
public struct CompactRequest: Sendable, Equatable, Encodable {
    /// The model that compacts (and will read the item).
    public var model: String
    /// Instructions for the compaction request only.
    public var instructions: String?
    /// The conversation, oldest first; may start with an earlier compaction item.
    public var input: [InputMessage]

    /// Creates a request.
    public init(model: String, instructions: String? = nil, input: [InputMessage]) {
        self.model = model
        self.instructions = instructions
        self.input = input
    }

    /// The JSON body as sent: compact, keys sorted.
    public func encodedBody() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

/// One item of a compacted window: a kept message, or the opaque `compaction` item.
public struct CompactedItem: Sendable, Equatable {
    /// `message` or `compaction` (or another type a server adds, kept as it came).
    public var type: String
    /// A message's role.
    public var role: String?
    /// A message's text.
    public var text: String?
    /// The item exactly as the server sent it, to be sent back verbatim (canonical JSON).
    public var json: String
}

/// The answer of `POST /responses/compact` (`object: "response.compaction"`).
public struct CompactedResponse: Sendable, Equatable {
    /// The server's id for the compaction.
    public var id: String
    /// The compacted window, to be sent as input in place of the conversation it stands for.
    public var output: [CompactedItem]
    /// Token counts.
    public var usage: Usage?
    /// The body as received.
    public var raw: Data

    /// Reads a compaction answer; throws when it holds no `compaction` item.
    public init(data: Data) throws(ResponsesAPIError) {
        guard let top = try? JSONValue.parse(data), case .object(let object) = top, let items = object["output"]?.arrayValue else {
            throw .invalidResponse("not a compaction result: no output list")
        }
        id = object["id"]?.stringValue ?? ""
        output = items.map { item in
            let text = item["content"]?.stringValue
                ?? item["content"]?.arrayValue?.compactMap { $0["text"]?.stringValue }.joined(separator: "\n")
            return CompactedItem(
                type: item["type"]?.stringValue ?? "message", role: item["role"]?.stringValue, text: text,
                json: item.canonicalString)
        }
        guard output.contains(where: { $0.type == "compaction" }) else {
            throw .invalidResponse("the compaction result holds no compaction item")
        }
        usage = object["usage"].flatMap { try? JSONDecoder().decode(Usage.self, from: Data($0.canonicalBytes)) }
        raw = data
    }
}

extension ResponsesClient {
    /// `POST /responses/compact`: the compacted window of `request.input`.
    public func compact(_ request: CompactRequest) async throws(ResponsesAPIError) -> CompactedResponse {
        let body: Data
        do { body = try request.encodedBody() } catch { throw .invalidResponse("could not encode the request: \(error)") }
        let data = try await withRetries(.createsResponse, method: "POST", path: "/responses/compact") {
            attempt throws(AttemptFailure) in
            try await collect(send(.POST, "/responses/compact", body: body, attempt: attempt))
        }
        return try CompactedResponse(data: data)
    }
}
