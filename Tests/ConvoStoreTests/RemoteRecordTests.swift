import Foundation
import Testing

@testable import ConvoStore

@Suite struct RemoteRecordTests {
    @Test func observationsAreKeyedByResponseAndOriginAndNeverChangeObjects() throws {
        let clock = TestClock()
        let repository = try Repository.inMemory(clock: { clock.now })
        let ids = try repository.appendChain(2)
        let objects = try repository.read { try $0.objectCounts() }
        let responseID = try repository.read { try $0.summary(ids[0])!.responseID! }
        let key = RemoteKey(responseID: responseID, origin: nil)

        #expect(try repository.read { try $0.remoteCandidates().map(\.turn) }.sorted() == ids.sorted())
        try repository.write { try $0.recordRemote(key, state: .expired, reason: "gc") }
        #expect(try repository.read { try $0.remoteCandidates().map(\.turn) } == [ids[1]])
        let record = try #require(try repository.read { try $0.remoteRecord(key) })
        #expect(record.state == .expired)
        #expect(record.reason == "gc")
        #expect(record.at == 1_764_000_000)
        #expect(try repository.read { try $0.remoteRecord(RemoteKey(responseID: responseID, origin: "https://elsewhere/v1")) } == nil)
        #expect(try repository.read { try $0.objectCounts() } == objects)
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }

    @Test func failedDeletionsCountAttemptsUntilOneSucceeds() throws {
        let repository = try Repository.inMemory()
        let key = RemoteKey(responseID: "resp_gone", origin: "https://api.openai.com/v1")
        try repository.write { try $0.recordDeleteFailure(key, error: "HTTP 500") }
        try repository.write { try $0.recordDeleteFailure(key, error: "HTTP 502") }
        let pending = try repository.read { try $0.pendingDeletions() }
        #expect(pending.map(\.key) == [key])
        #expect(pending.first?.deleteAttempts == 2)
        #expect(pending.first?.deleteError == "HTTP 502")
        #expect(pending.first?.state == .live)
        try repository.write { try $0.recordRemote(key, state: .deleted, reason: "gc --remote") }
        #expect(try repository.read { try $0.pendingDeletions() }.isEmpty)
        #expect(try repository.read { try $0.remoteRecord(key)?.deleteAttempts } == 0)
    }

    @Test func candidatesLeaveOutUnstoredAndFailedResponses() throws {
        let repository = try Repository.inMemory()
        try repository.write { writer in
            var unstored = TurnDraft.simple("not stored", "a")
            unstored.stored = false
            var failed = TurnDraft.simple("failed", "b")
            failed.status = "failed"
            try writer.insert(unstored)
            try writer.insert(failed)
            try writer.insert(.simple("kept", "c", at: 1_000))
        }
        let candidates = try repository.read { try $0.remoteCandidates() }
        #expect(candidates.count == 1)
        #expect(try repository.read { try $0.remoteCandidates(createdBefore: 1_000) }.isEmpty)
        #expect(try repository.read { try $0.remoteCandidates(createdBefore: 1_001) }.count == 1)
    }
}
