import Foundation
import Testing

@testable import ConvoStore

@Suite struct PruningTests {
    let day: Int64 = 86_400

    func rules(now: Int64, grace: Int64 = 14 * 86_400) -> PruneRules {
        PruneRules(pruneBefore: now - grace, reflogExpireBefore: now - 90 * day, reflogUnreachableExpireBefore: now - 30 * day)
    }

    @Test func unreachableObjectsArePrunedOnlyAfterTheGracePeriod() throws {
        let clock = TestClock()
        let repository = try Repository.inMemory(clock: { clock.now })
        let kept = try repository.appendChain(2)
        // An orphan that shares its answer text with a kept turn: the shared blob must stay.
        let orphan = try repository.write { try $0.insert(.simple("orphan question", "answer 1")) }
        let now = Int64(clock.now.timeIntervalSince1970)

        let young = try repository.read { try $0.planPrune(rules(now: now)) }
        #expect(young.turns.isEmpty)
        #expect(young.keptForGrace == 2, "the orphan turn and its own question")

        clock.advance(seconds: 15 * 86_400)
        let later = Int64(clock.now.timeIntervalSince1970)
        let plan = try repository.read { try $0.planPrune(rules(now: later)) }
        #expect(plan.turns == [orphan])
        #expect(plan.blobs.count == 1)
        try repository.write { _ = try $0.prune(plan) }
        let (present, summary, problems, counts) = try repository.read { reader in
            (try reader.contains(orphan), try reader.summary(orphan), try reader.fsck().problems, try reader.objectCounts())
        }
        #expect(!present)
        #expect(summary == nil)
        #expect(problems.isEmpty)
        #expect(counts == [.turn: 2, .blob: 4])
        let keptTurns = try repository.read { reader in try kept.map { try reader.turn($0) } }
        #expect(keptTurns.map(\.request.input.count) == [1, 1])
    }

    @Test func reflogEntriesExpireAndThenTheirTurnsGo() throws {
        let clock = TestClock()
        let repository = try Repository.inMemory(clock: { clock.now })
        let main = try repository.appendChain(2)
        // A side branch, deleted: only HEAD's reflog still names its turn.
        let side = try repository.write { writer -> ObjectID in
            let id = try writer.insert(.simple("side", "side answer", parent: main[0]))
            try writer.setHead(detachedAt: id, message: "checkout side")
            try writer.setHead(toBranch: try BranchName("main"), message: "checkout main")
            return id
        }
        clock.advance(seconds: 20 * 86_400)
        var now = Int64(clock.now.timeIntervalSince1970)
        #expect(try repository.read { try $0.planPrune(rules(now: now)) }.turns.isEmpty, "the reflog still protects it")

        clock.advance(seconds: 11 * 86_400)
        now = Int64(clock.now.timeIntervalSince1970)
        let plan = try repository.read { try $0.planPrune(rules(now: now)) }
        #expect(plan.turns == [side])
        #expect(!plan.expiredReflogEntries.isEmpty)
        try repository.write { _ = try $0.prune(plan) }
        let (tip, problems, mainLog) = try repository.read { reader in
            (try reader.head().tip, try reader.fsck().problems, try reader.reflog("refs/heads/main"))
        }
        #expect(tip == main[1])
        #expect(problems.isEmpty)
        // Entries for turns main reaches are younger than 90 days and stay.
        #expect(mainLog.count == 2)
    }

    @Test func repackingMovesLooseObjectsIntoReadablePacks() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(3)
        let before = try repository.read { reader in try ids.map { try reader.turn($0) } }
        let plan = try repository.read { try $0.planPrune(rules(now: 0)) }
        #expect(plan.looseToPack == 9)
        let repacked = try repository.write { try $0.prune(plan) }
        #expect(repacked == 9)
        let (after, problems) = try repository.read { reader in (try ids.map { try reader.turn($0) }, try reader.fsck().problems) }
        #expect(after == before)
        #expect(problems.isEmpty)
    }

    @Test func storingAnObjectAgainFreshensItSoTheGracePeriodStartsOver() throws {
        let clock = TestClock()
        let repository = try Repository.inMemory(clock: { clock.now })
        let orphan = try repository.write { try $0.insert(.simple("orphan question", "orphan answer")) }
        clock.advance(seconds: 15 * 86_400)
        // A writer stores the same question again (dedup), as a say about to reference it would.
        let question = try repository.write { try $0.putBlob("orphan question") }
        let now = Int64(clock.now.timeIntervalSince1970)
        let plan = try repository.read { try $0.planPrune(rules(now: now)) }
        #expect(plan.turns == [orphan])
        #expect(!plan.blobs.contains(question), "stored again just now: younger than the grace period")
        #expect(plan.blobs.count == 1, "only the orphan's answer")
    }

    @Test func pruningKeepsWhatAnotherWriterMadeReachableAfterThePlan() throws {
        let repository = try Repository.inMemory()
        _ = try repository.appendChain(1)
        let orphan = try repository.write { try $0.insert(.simple("orphan question", "orphan answer")) }
        let plan = try repository.read { try $0.planPrune(rules(now: Int64.max / 2, grace: 0)) }
        #expect(plan.turns == [orphan])
        // Between gc's plan and its deletions, another process puts a branch on the orphan.
        try repository.write { try $0.updateRef("refs/heads/saved", to: orphan, expecting: nil, message: "branch: saved") }
        try repository.write { _ = try $0.prune(plan) }
        let (present, problems) = try repository.read { reader in (try reader.contains(orphan), try reader.fsck().problems) }
        #expect(present)
        #expect(problems.isEmpty)
        #expect(try repository.read { try $0.planPrune(rules(now: Int64.max / 2, grace: 0)) }.turns.isEmpty)
    }

    /// gc read the index's parents through GRDB's converting subscripts, `log --all` and the others through
    /// checked reads: a parent of another type is damage that gc reports (exit 3), as `log --all` does, not a turn id "5".
    @Test func anIndexParentOfAnotherTypeIsDamageToGcAsToLog() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2)
        try repository.queue.write { try $0.execute(sql: "UPDATE turn_index SET parent = 5 WHERE id = ?", arguments: [Data(ids[1].bytes)]) }
        for plan in [{ try repository.read { try $0.planPrune(rules(now: 0)) } }, { try repository.read { try $0.planPrune(rules(now: .max / 2)) } }] {
            #expect(throws: StoreError.self) { _ = try plan() }
        }
        #expect(throws: StoreError.self) { _ = try repository.read { try $0.reachableTurns(from: try $0.roots()) } }
    }

    /// Repacking a pack that lost objects read its other objects' offsets with an addition that traps on a damaged
    /// row, while every other read of a packed object reports it: now repacking reads them the same way.
    @Test func repackingAPackWithADamagedRowReportsItNotACrash() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.write(packing: true) { writer in
            [try writer.insert(.simple("kept question", "kept answer")), try writer.insert(.simple("orphan question", "orphan answer"))]
        }
        try repository.write { try $0.updateRef("refs/heads/main", to: ids[0], expecting: nil, message: "branch: main") }
        let plan = try repository.read { try $0.planPrune(rules(now: .max / 2, grace: 0)) }
        #expect(plan.turns == [ids[1]])
        try repository.queue.write { db in
            try db.execute(sql: "UPDATE object SET offset = 9223372036854775800 WHERE id = ?", arguments: [Data(ids[0].bytes)])
        }
        #expect(throws: StoreError.self) { try repository.write { _ = try $0.prune(plan) } }
        #expect(try repository.read { try $0.contains(ids[0]) })
    }
}
