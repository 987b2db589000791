import ConvoKit
import Foundation
import ResponsesAPI
import Testing

/// An in-memory Responses API for ConvoKit-tier tests, given to the environment as its client factory.
///
/// It answers only what a test told it to expect (`expect`), takes each expectation once, records every call and
/// every create request, and on a call nobody expected records a test failure naming the call and throws.
final class FakeResponses: ResponsesServiceFactory, ResponsesService, @unchecked Sendable {
    /// What the fake answers to one expected call.
    enum Answer {
        /// A response object (create, stream, retrieve).
        case response(ResponseObject)
        /// Input items (`input_items`).
        case items([InputItem])
        /// A deletion result (`DELETE`).
        case deleted
        /// The call fails with this error.
        case failure(ResponsesAPIError)
    }

    private let lock = NSLock()
    private var expected: [(call: String, answer: Answer)] = []
    private var made: [String] = []
    private var sent: [CreateResponseRequest] = []
    private var opened: [URL] = []

    /// Expects `call` once (`POST /responses`, `GET /responses/ID`, `GET /responses/ID/input_items`,
    /// `DELETE /responses/ID`); expectations of the same call are taken in the order given.
    func expect(_ call: String, _ answer: Answer) {
        lock.withLock { expected.append((call, answer)) }
    }

    /// Every call made, in order.
    var calls: [String] { lock.withLock { made } }
    /// Every create request, in order.
    var requests: [CreateResponseRequest] { lock.withLock { sent } }
    /// The base URLs services were opened for.
    var baseURLs: [URL] { lock.withLock { opened } }
    /// Expectations no call took.
    var unused: [String] { lock.withLock { expected.map(\.call) } }

    func withService<T: Sendable>(
        baseURL: URL, apiKey: String, transport: APITransport, notices: TextSink,
        _ body: (any ResponsesService) async throws -> T
    ) async throws -> T {
        lock.withLock { opened.append(baseURL) }
        return try await body(self)
    }

    private func answer(_ call: String) throws(ResponsesAPIError) -> Answer {
        let found: Answer? = lock.withLock {
            made.append(call)
            guard let index = expected.firstIndex(where: { $0.call == call }) else { return nil }
            return expected.remove(at: index).answer
        }
        guard let found else {
            Issue.record("unexpected call \(call): the test did not tell the fake to expect it")
            throw .invalidResponse("unexpected call \(call)")
        }
        if case .failure(let error) = found { throw error }
        return found
    }

    private func response(_ call: String) throws(ResponsesAPIError) -> ResponseObject {
        guard case .response(let response) = try answer(call) else {
            Issue.record("\(call) was told to answer something other than a response")
            throw .invalidResponse("wrong answer for \(call)")
        }
        return response
    }

    func create(_ request: CreateResponseRequest) async throws(ResponsesAPIError) -> ResponseObject {
        lock.withLock { sent.append(request) }
        return try response("POST /responses")
    }

    func stream(_ request: CreateResponseRequest, onEvent: (StreamEvent) -> Void) async throws(ResponsesAPIError) -> ResponseObject {
        lock.withLock { sent.append(request) }
        let response = try response("POST /responses")
        onEvent(.textDelta(response.outputText))
        return response
    }

    func retrieve(_ id: String) async throws(ResponsesAPIError) -> ResponseObject {
        try response("GET /responses/\(id)")
    }

    func inputItems(_ id: String) async throws(ResponsesAPIError) -> [InputItem] {
        let call = "GET /responses/\(id)/input_items"
        guard case .items(let items) = try answer(call) else {
            Issue.record("\(call) was told to answer something other than input items")
            throw .invalidResponse("wrong answer for \(call)")
        }
        return items
    }

    func delete(_ id: String) async throws(ResponsesAPIError) -> DeletedResponse {
        let call = "DELETE /responses/\(id)"
        guard case .deleted = try answer(call) else {
            Issue.record("\(call) was told to answer something other than a deletion")
            throw .invalidResponse("wrong answer for \(call)")
        }
        return DeletedResponse(id: id, deleted: true)
    }

    /// A completed response as a server sends it.
    static func response(
        _ id: String, text: String, previous: String? = nil, instructions: String? = nil, createdAt: Int64,
        status: String = "completed"
    ) throws -> ResponseObject {
        var object: [String: Any] = [
            "id": id, "object": "response", "status": status, "model": "grok-4", "created_at": createdAt, "store": true,
            "output": [[
                "type": "message", "id": "msg_\(id)", "role": "assistant", "status": "completed",
                "content": [["type": "output_text", "text": text]],
            ]],
            "usage": ["input_tokens": 10, "output_tokens": 5, "total_tokens": 15],
        ]
        if let previous { object["previous_response_id"] = previous }
        if let instructions { object["instructions"] = instructions }
        return try ResponseObject(data: JSONSerialization.data(withJSONObject: object))
    }
}
