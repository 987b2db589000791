import ConvoKit
import ConvoStore
import Foundation
import ResponsesAPI

/// An in-memory repository whose environment reaches the API only through a ``FakeResponses``.
struct KitWorkspace {
    /// The server every request goes to (never contacted: the fake answers).
    static let baseURL = "http://127.0.0.1:9/v1"
    /// The pinned clock: 2027-01-15.
    static let start: Int64 = 1_800_000_000

    let fake = FakeResponses()
    let repository: Repository
    /// Standard error of every use case run here.
    let errors = TextSink.memory()

    /// A fresh repository; `config` is stored (e.g. `provider`, `instructions`).
    init(config: [String: String] = [:]) throws {
        repository = try Repository.inMemory(clock: { Date(timeIntervalSince1970: TimeInterval(Self.start)) })
        try repository.write { writer in
            for (key, value) in config { try writer.setConfig(key, value) }
        }
    }

    /// The workspace as seen `days` after the start.
    func workspace(afterDays days: Int64 = 0) -> Workspace {
        let now = Date(timeIntervalSince1970: TimeInterval(Self.start + days * 86_400))
        let environment = ConvoEnvironment(
            workingDirectory: "/", variables: ["CONVO_BASE_URL": Self.baseURL, "CONVO_API_KEY": "kit-test-key"],
            now: { now }, output: .memory(), errors: errors, input: .bytes(Data()), inputIsTerminal: false,
            outputIsTerminal: false, services: fake)
        return Workspace(repository: repository, environment: environment)
    }

    /// Says `message` (at the start time), answered by a response `id` chained to `previous`.
    @discardableResult
    func say(_ message: String, answeredBy id: String, previous: String? = nil, options: (inout SayOptions) -> Void = { _ in })
        async throws -> SayResult
    {
        fake.expect("POST /responses", .response(try FakeResponses.response(id, text: "answer to \(message)", previous: previous, createdAt: Self.start)))
        var sayOptions = SayOptions(message: message)
        options(&sayOptions)
        return try await Say.run(workspace(), sayOptions)
    }

    /// The remote record of `responseID` at this workspace's server.
    func remoteRecord(_ responseID: String) throws -> RemoteRecord? {
        try repository.read { try $0.remoteRecord(RemoteKey(responseID: responseID, origin: Self.baseURL)) }
    }

    /// How many turn objects the repository holds.
    func turnCount() throws -> Int { try repository.read { try $0.objectCounts()[.turn] ?? 0 } }
}
