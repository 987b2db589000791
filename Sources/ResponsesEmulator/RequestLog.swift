import Synchronization

/// A request as the emulator saw it, for tests that must prove what reached the server.
public struct RecordedRequest: Sendable, Equatable {
    /// `GET`, `POST`, `DELETE`.
    public var method: String
    /// The path without the query, e.g. `/v1/responses`.
    public var path: String
    /// The raw query string, empty when there was none.
    public var query: String
    /// The body as received (UTF-8), nil when empty.
    public var body: String?
    /// `previous_response_id` from a JSON body, if any.
    public var previousResponseID: String?
    /// Whether an `Authorization` header was sent; the key itself is never recorded.
    public var hasAuthorization: Bool
    /// The `X-Emulator-Fault` header, if any.
    public var faultHeader: String?
    /// The status the emulator answered with.
    public var status: Int

    /// The entry as served by `GET /_emulator/requests`.
    var json: EmulatorJSON {
        let parsedBody: EmulatorJSON = body.map { (try? EmulatorJSON.parse($0)) ?? .string($0) } ?? .null
        return .object([
            ("method", .string(method)), ("path", .string(path)), ("query", .string(query)),
            ("status", .int(status)), ("authorization", .bool(hasAuthorization)),
            ("previous_response_id", .string(previousResponseID)), ("fault", .string(faultHeader)),
            ("body", parsedBody),
        ])
    }
}

/// The log of requests received, in arrival order of their answers.
final class RequestLog: Sendable {
    private let entries = Mutex<[RecordedRequest]>([])
    func append(_ entry: RecordedRequest) { entries.withLock { $0.append(entry) } }
    func all() -> [RecordedRequest] { entries.withLock { $0 } }
    func clear() { entries.withLock { $0.removeAll() } }
}
