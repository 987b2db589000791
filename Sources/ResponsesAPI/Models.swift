import Foundation

/// One model of `GET /models`. OpenAI and xAI both answer `{"object": "list", "data": [{"id", "object": "model",
/// "created", "owned_by"}]}` (OpenAI's API reference, "List models"; xAI's REST reference, "List models");
/// decoding is lenient: only `id` is required.
public struct ModelInfo: Sendable, Equatable, Decodable {
    /// The id a request names in `model`.
    public var id: String
    /// When the model was created (unix seconds), if the server says.
    public var created: Int64?
    /// The organisation that owns it, if the server says.
    public var ownedBy: String?

    /// Creates a model entry.
    public init(id: String, created: Int64? = nil, ownedBy: String? = nil) {
        self.id = id
        self.created = created
        self.ownedBy = ownedBy
    }

    enum CodingKeys: String, CodingKey {
        case id, created
        case ownedBy = "owned_by"
    }

    /// Reads an entry; a `created` that is not a whole number is left out rather than failing the list.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        created = try? container.decodeIfPresent(Int64.self, forKey: .created)
        ownedBy = try? container.decodeIfPresent(String.self, forKey: .ownedBy)
    }
}

/// The body of `GET /models`.
struct ModelList: Decodable {
    var data: [ModelInfo]

    init(data bytes: Data) throws(ResponsesAPIError) {
        do {
            self = try JSONDecoder().decode(ModelList.self, from: bytes)
        } catch {
            throw .invalidResponse("not a model list: \(decodingSummary(error, bytes))")
        }
    }
}

extension ResponsesClient {
    /// `GET /models`: the models the key may use.
    public func models() async throws(ResponsesAPIError) -> [ModelInfo] {
        let data = try await withRetries(.idempotent, method: "GET", path: "/models") { attempt throws(AttemptFailure) in
            try await collect(send(.GET, "/models", attempt: attempt, waiting: lookupTimeout))
        }
        return try ModelList(data: data).data
    }
}
