import ConvoKit
import ConvoStore
import Foundation
import ResponsesAPI
import Testing

/// `gc --remote`'s plan through the client protocol: which server copies it deletes, which it keeps.
@Suite struct RemoteGCThroughFakeTests {
    /// Stores a turn answered by `responseID` that no ref, HEAD or reflog entry reaches.
    static func unreachable(_ kit: KitWorkspace, _ responseID: String) throws {
        try kit.repository.write { writer in
            _ = try writer.insert(TurnDraft(
                parent: nil, model: "grok-4", instructions: nil, input: [DraftMessage(role: "user", text: "lost \(responseID)")],
                responseID: responseID, output: [DraftOutputItem(type: "message", role: "assistant", text: "gone \(responseID)")],
                origin: KitWorkspace.baseURL, stored: true, createdAt: KitWorkspace.start))
        }
    }

    @Test func unreachableCopiesAreDeletedReachableOnesKeptAndAFailureIsRecorded() async throws {
        let kit = try KitWorkspace()
        try await kit.say("kept", answeredBy: "reachable")
        for id in ["deleted", "failing", "already-gone"] { try Self.unreachable(kit, id) }
        kit.fake.expect("DELETE /responses/deleted", .deleted)
        kit.fake.expect("DELETE /responses/failing", .failure(.server(status: 500, message: "internal error")))
        kit.fake.expect("DELETE /responses/already-gone", .failure(.notFound(id: "already-gone", message: "not found")))

        let (_, report) = try await Maintenance.gc(kit.workspace(), GCOptions(), remote: RemoteGCOptions(deleteUnreachable: true))

        #expect(!kit.fake.calls.contains("DELETE /responses/reachable"), "\(kit.fake.calls)")
        #expect(report.deleted.map(\.responseID) == ["deleted"])
        #expect(report.alreadyGone.map(\.responseID) == ["already-gone"])
        #expect(report.failures.map(\.key.responseID) == ["failing"])
        #expect(report.failures.first?.message.contains("internal error") == true)
        #expect(try kit.remoteRecord("deleted")?.state == .deleted)
        #expect(try kit.remoteRecord("already-gone")?.state == .deleted)
        #expect(try kit.remoteRecord("reachable") == nil)
        let pending = try kit.repository.read { try $0.pendingDeletions() }
        #expect(pending.map(\.key.responseID) == ["failing"], "the failed deletion is tried again by the next run")
    }

    @Test func aDryRunAsksNothingAndChangesNothing() async throws {
        let kit = try KitWorkspace()
        try await kit.say("kept", answeredBy: "reachable")
        try Self.unreachable(kit, "deletable")
        let (_, report) = try await Maintenance.gc(
            kit.workspace(), GCOptions(dryRun: true), remote: RemoteGCOptions(deleteUnreachable: true))
        #expect(report.deleted.map(\.responseID) == ["deletable"])
        #expect(kit.fake.calls == ["POST /responses"], "only the say that made the history")
        #expect(try kit.remoteRecord("deletable") == nil)
    }

    @Test func allDeletesReachableCopiesToo() async throws {
        let kit = try KitWorkspace()
        try await kit.say("kept", answeredBy: "reachable")
        kit.fake.expect("DELETE /responses/reachable", .deleted)
        let (_, report) = try await Maintenance.gc(
            kit.workspace(), GCOptions(), remote: RemoteGCOptions(deleteUnreachable: true, all: true))
        #expect(report.deleted.map(\.responseID) == ["reachable"])
        #expect(try Inspection.status(kit.workspace()).nextSay == .replay(.deleted))
    }
}
