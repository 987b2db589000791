import ConvoJSON
import Foundation

// Lenient wire decoding: only `id` is required; a field of an unexpected type reads as nil.

struct WireResponse: Decodable {
    var id: String
    var status: String?
    var model: String?
    var createdAt: Int?
    var previousResponseID: String?
    var instructions: String?
    var store: Bool?
    var output: [OutputItem]?
    var usage: Usage?
    var incompleteReason: String?
    var error: ResponseFailure?

    private enum CodingKeys: String, CodingKey {
        case id, status, model, instructions, store, output, usage, error
        case createdAt = "created_at"
        case previousResponseID = "previous_response_id"
        case incompleteDetails = "incomplete_details"
    }

    private struct IncompleteDetails: Decodable { var reason: String? }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        status = c.lenient(String.self, .status)
        model = c.lenient(String.self, .model)
        createdAt = c.lenient(Int.self, .createdAt)
        previousResponseID = c.lenient(String.self, .previousResponseID)
        instructions = c.lenient(String.self, .instructions)
        store = c.lenient(Bool.self, .store)
        output = c.lenient([OutputItem].self, .output)
        usage = c.lenient(Usage.self, .usage)
        incompleteReason = c.lenient(IncompleteDetails.self, .incompleteDetails)?.reason
        error = c.lenient(ResponseFailure.self, .error)
    }
}

/// A content part of a message: `output_text`, `input_text`, `refusal`, …
private struct ContentPart: Decodable {
    var type: String?
    var text: String?
}

extension OutputItem: Decodable {
    private enum CodingKeys: String, CodingKey { case type, id, role, status, content }

    /// Decodes an item, keeping its JSON.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        type = c.lenient(String.self, .type) ?? ""
        id = c.lenient(String.self, .id)
        role = c.lenient(String.self, .role)
        status = c.lenient(String.self, .status)
        if type == "message" {
            let parts = c.lenient([ContentPart].self, .content) ?? []
            text = parts.filter { $0.type == "output_text" }.compactMap(\.text).joined()
        } else {
            text = nil
        }
        // The exact bytes are filled in by `ResponseObject(data:)`, which has them.
        raw = Data()
    }
}

extension Usage: Decodable {
    private enum CodingKeys: String, CodingKey {
        case inputTokens = "input_tokens"
        case outputTokens = "output_tokens"
        case totalTokens = "total_tokens"
        case inputDetails = "input_tokens_details"
        case outputDetails = "output_tokens_details"
    }

    private struct Details: Decodable {
        var cachedTokens: Int?
        var reasoningTokens: Int?
        private enum CodingKeys: String, CodingKey {
            case cachedTokens = "cached_tokens"
            case reasoningTokens = "reasoning_tokens"
        }
    }

    /// Decodes usage; missing counts read as zero.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        inputTokens = c.lenient(Int.self, .inputTokens) ?? 0
        outputTokens = c.lenient(Int.self, .outputTokens) ?? 0
        // A server may send counts near Int.max; the missing total saturates rather than traps.
        let (sum, overflow) = inputTokens.addingReportingOverflow(outputTokens)
        totalTokens = c.lenient(Int.self, .totalTokens) ?? (overflow ? (inputTokens > 0 ? Int.max : Int.min) : sum)
        cachedTokens = c.lenient(Details.self, .inputDetails)?.cachedTokens
        reasoningTokens = c.lenient(Details.self, .outputDetails)?.reasoningTokens
    }
}

extension ResponseFailure: Decodable {
    private enum CodingKeys: String, CodingKey { case code, message }

    /// Decodes a response's `error` member.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        code = c.lenient(String.self, .code)
        message = c.lenient(String.self, .message) ?? ""
    }
}

extension InputItem: Decodable {
    private enum CodingKeys: String, CodingKey { case id, type, role, content }

    /// Decodes an input item; content may be a string or a list of parts.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = c.lenient(String.self, .id)
        type = c.lenient(String.self, .type) ?? "message"
        role = c.lenient(String.self, .role)
        if let string = c.lenient(String.self, .content) {
            text = string
        } else {
            let parts = c.lenient([ContentPart].self, .content) ?? []
            text = parts.compactMap(\.text).joined()
        }
    }
}

extension InputItemList: Decodable {
    private enum CodingKeys: String, CodingKey {
        case data
        case firstID = "first_id"
        case lastID = "last_id"
        case hasMore = "has_more"
    }

    /// Decodes a page; `data` is required.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        data = try c.decode([InputItem].self, forKey: .data)
        firstID = c.lenient(String.self, .firstID)
        lastID = c.lenient(String.self, .lastID)
        hasMore = c.lenient(Bool.self, .hasMore) ?? false
    }
}

extension KeyedDecodingContainer {
    /// Decodes a value if it is present and of the expected type; anything else reads as nil.
    func lenient<T: Decodable>(_ type: T.Type, _ key: Key) -> T? {
        try? decodeIfPresent(type, forKey: key)
    }
}

extension ResponseObject {
    /// The exact bytes of each item of the top-level `output` array of `data`, in order; nil when
    /// they cannot be found (the items then keep no bytes).
    static func outputItemBytes(_ data: Data) -> [Data]? {
        let bytes = [UInt8](data)
        guard let output = JSONSlices.member("output", in: bytes),
            let items = JSONSlices.elements(in: bytes, range: output)
        else { return nil }
        return items.map { Data(bytes[$0]) }
    }
}

extension Usage {
    /// What the request cost as the server reports it: xAI's `usage.cost_in_usd_ticks` (1 USD is 10^10 ticks,
    /// "the actual amount billed, after all applicable discounts", docs.x.ai/developers/cost-tracking), read from a
    /// response body as recorded. Nil when the body says nothing (OpenAI never does), or something that is no
    /// whole number of ticks of at least zero.
    public static func costInUSDTicks(responseBody: Data) -> Int64? {
        // Most recorded bodies (every OpenAI one) have no cost: a byte search spares decoding them.
        guard responseBody.range(of: Data("cost_in_usd_ticks".utf8)) != nil else { return nil }
        guard let body = try? JSONDecoder().decode(CostedBody.self, from: responseBody), let ticks = body.usage?.ticks, ticks >= 0
        else { return nil }
        return ticks
    }
}

/// The part of a response body that carries its cost.
private struct CostedBody: Decodable {
    struct Costed: Decodable {
        var ticks: Int64?
        private enum CodingKeys: String, CodingKey { case ticks = "cost_in_usd_ticks" }
        init(from decoder: any Decoder) throws {
            ticks = try decoder.container(keyedBy: CodingKeys.self).lenient(Int64.self, .ticks)
        }
    }
    var usage: Costed?
    private enum CodingKeys: String, CodingKey { case usage }
    init(from decoder: any Decoder) throws {
        usage = try decoder.container(keyedBy: CodingKeys.self).lenient(Costed.self, .usage)
    }
}
