import ConvoKit
import ConvoStore
import Foundation
import ResponsesAPI
import Testing

/// `fetch`'s walk back along `previous_response_id`, through the client protocol.
@Suite struct FetchThroughFakeTests {
    /// Lets the fake answer for response `id` (chained to `previous`) with its own user message.
    static func serve(_ kit: KitWorkspace, _ id: String, previous: String?, asked: String) throws {
        kit.fake.expect("GET /responses/\(id)", .response(try FakeResponses.response(id, text: "answer \(id)", previous: previous, createdAt: KitWorkspace.start)))
        kit.fake.expect("GET /responses/\(id)/input_items", .items([InputItem(id: "msg_in_\(id)", type: "message", role: "user", text: asked)]))
    }

    @Test func theWalkStopsAtATurnTheRepositoryHas() async throws {
        let kit = try KitWorkspace()
        let known = try await kit.say("first", answeredBy: "r1")
        try Self.serve(kit, "r3", previous: "r2", asked: "third")
        try Self.serve(kit, "r2", previous: "r1", asked: "second")
        let result = try await Fetch.run(kit.workspace(), FetchOptions(responseID: "r3"))
        #expect(result.attachedTo == known.turn)
        #expect(result.fetched.count == 2)
        #expect(result.missingAncestor == nil)
        #expect(!kit.fake.calls.contains("GET /responses/r1"), "r1 is known: \(kit.fake.calls)")
        #expect(kit.fake.unused.isEmpty)
        let texts = try kit.repository.read { reader in
            try reader.ancestry(of: result.tip).reversed().map { try reader.text(try reader.turn($0.id).request.input[0].content) }
        }
        #expect(texts == ["first", "second", "third"])
        #expect(result.placement == .detached)
    }

    @Test func theWalkEndsAtTheRoot() async throws {
        let kit = try KitWorkspace()
        try Self.serve(kit, "r2", previous: "r1", asked: "second")
        try Self.serve(kit, "r1", previous: nil, asked: "first")
        let result = try await Fetch.run(kit.workspace(), FetchOptions(responseID: "r2", branch: try BranchName("remote")))
        #expect(result.attachedTo == nil)
        #expect(result.fetched.count == 2)
        #expect(result.placement == .branch(try BranchName("remote")))
        #expect(try kit.repository.read { try $0.head().branch?.rawValue } == "remote")
        #expect(kit.fake.unused.isEmpty)
    }

    @Test func aMissingIdWritesNothing() async throws {
        let kit = try KitWorkspace()
        try await kit.say("first", answeredBy: "r1")
        let before = try kit.repository.read { try ($0.objectCounts(), $0.head()) }
        kit.fake.expect("GET /responses/gone", .failure(.notFound(id: "gone", message: "Response gone not found")))
        await #expect(throws: FetchError.responseNotFound(id: "gone", origin: KitWorkspace.baseURL)) {
            try await Fetch.run(kit.workspace(), FetchOptions(responseID: "gone"))
        }
        let after = try kit.repository.read { try ($0.objectCounts(), $0.head()) }
        #expect(after.0 == before.0 && after.1 == before.1)
    }

    @Test func aMissingAncestorStartsTheChainAfterIt() async throws {
        let kit = try KitWorkspace()
        try Self.serve(kit, "r2", previous: "r1", asked: "second")
        kit.fake.expect("GET /responses/r1", .failure(.notFound(id: "r1", message: "expired")))
        let result = try await Fetch.run(kit.workspace(), FetchOptions(responseID: "r2"))
        #expect(result.missingAncestor == "r1")
        #expect(result.fetched.count == 1)
        #expect(result.attachedTo == nil)
    }
}
