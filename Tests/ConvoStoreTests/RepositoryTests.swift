import Foundation
import GRDB
import Testing

@testable import ConvoStore

@Suite struct RepositoryTests {
    @Test func aNewRepositoryHasAnUnbornMainBranch() throws {
        let repository = try Repository.inMemory()
        let head = try repository.read { try $0.head() }
        #expect(head == .branch(try BranchName("main"), tip: nil))
        #expect(throws: StoreError.unbornBranch("main")) { try repository.read { try $0.resolve("HEAD") } }
    }

    @Test func identicalTextIsStoredOnce() throws {
        let repository = try Repository.inMemory()
        try repository.write { writer in
            let a = try writer.putBlob("same instructions")
            let b = try writer.putBlob("same instructions")
            #expect(a == b)
        }
        #expect(try repository.read { try $0.objectCounts()[.blob] } == 1)
    }

    @Test func aTestTurnHasTheSameIdInEveryRun() throws {
        // A failure message that names a turn must name the same one when the test is run again.
        let draft = TurnDraft.simple("What's my name?", "Your name is Alice.")
        #expect(draft.responseID == "resp_a46187ed32e1ef9e7650c39a")
        let id = try Repository.inMemory().write { try $0.insert(draft) }
        #expect(id.hex == "40b82625523d48b7860d11deebff8d0ef750769b35d7ce7a01ecb9d158fbecfb")
    }

    @Test func insertedTurnsReadBackWithTheirTexts() throws {
        let repository = try Repository.inMemory()
        let id = try repository.write { try $0.insert(.simple("What's my name?", "Your name is Alice.")) }
        let (turn, input, summary) = try repository.read { reader in
            let turn = try reader.turn(id)
            return (turn, try reader.text(turn.request.input[0].content), try reader.summary(id))
        }
        #expect(turn.id == id)
        #expect(input == "What's my name?")
        #expect(summary?.outputLine == "Your name is Alice.")
        #expect(summary?.inputTokens == 10)
    }

    @Test func refUpdatesAreCompareAndSwap() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2)
        let branch = try BranchName("main").refName
        #expect(throws: StoreError.refMoved(ref: branch, expected: ids[0], actual: ids[1])) {
            try repository.write { try $0.updateRef(branch, to: ids[0], expecting: ids[0], message: "stale") }
        }
        #expect(try repository.read { try $0.target(of: branch) } == ids[1])
        try repository.write { try $0.updateRef(branch, to: ids[0], expecting: ids[1], message: "reset") }
        #expect(try repository.read { try $0.target(of: branch) } == ids[0])
    }

    @Test func advancingAMovedBranchPutsTheTurnOnTheFirstFreeSiblingBranch() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2)
        try repository.write { try $0.updateRef("refs/heads/main-2", to: ids[0], expecting: nil, message: "taken") }
        // A second writer started from ids[0] and finishes after the branch moved to ids[1].
        let outcome = try repository.write { writer in
            let late = try writer.insert(.simple("late", "answer", parent: ids[0]))
            return (late, try writer.advanceHead(to: late, expecting: ids[0], message: "say: late"))
        }
        #expect(outcome.1 == .movedMeanwhile(branch: try BranchName("main"), actual: ids[1], placedOn: try BranchName("main-3")))
        #expect(try repository.read { try $0.target(of: "refs/heads/main-3") } == outcome.0)
        #expect(try repository.read { try $0.turn(outcome.0).parent } == ids[0], "the answer keeps the parent its request was built from")
        #expect(try repository.read { try $0.head() } == .branch(try BranchName("main"), tip: ids[1]))
        #expect(try repository.read { try $0.reflog("refs/heads/main-3").map(\.new) } == [outcome.0])
        // Reachable, so even an immediate prune keeps it.
        let plan = try repository.read { try $0.planPrune(PruneRules(pruneBefore: Int64.max, reflogExpireBefore: 0, reflogUnreachableExpireBefore: 0)) }
        #expect(!plan.turns.contains(outcome.0))
    }

    @Test func advancingAMovedDetachedHeadNamesABranchAfterTheTurn() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2)
        try repository.write { try $0.setHead(detachedAt: ids[1], message: "checkout") }
        let outcome = try repository.write { writer in
            let late = try writer.insert(.simple("late", "answer", parent: ids[0]))
            return (late, try writer.advanceHead(to: late, expecting: ids[0], message: "say: late"))
        }
        let name = try BranchName("detached-" + outcome.0.abbreviated())
        #expect(outcome.1 == .movedMeanwhile(branch: nil, actual: ids[1], placedOn: name))
        #expect(try repository.read { try $0.target(of: name.refName) } == outcome.0)
        #expect(try repository.read { try $0.head() } == .detached(ids[1]))
    }

    /// HEAD on an unborn `a/b` (`checkout --orphan`), and another process makes `a` before the first turn lands:
    /// the turn goes onto `a-b` (a stem with a branch above it in every number's way takes dashes), naming `a`.
    @Test func aFirstTurnOnAnUnbornBranchBlockedMeanwhileGoesOntoADashedBranch() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(1)
        let unborn = try BranchName("a/b")
        try repository.write { writer in
            try writer.setHead(toBranch: unborn, message: "checkout --orphan")
            try writer.updateRef("refs/heads/a", to: ids[0], expecting: nil, message: "made meanwhile")
            try writer.updateRef("refs/heads/a-b", to: ids[0], expecting: nil, message: "taken")
        }
        let outcome = try repository.write { writer in
            let first = try writer.insert(.simple("first", "answer", parent: nil))
            return (first, try writer.advanceHead(to: first, expecting: nil, message: "say: first"))
        }
        #expect(outcome.1 == .blockedMeanwhile(branch: unborn, by: try BranchName("a"), placedOn: try BranchName("a-b-2")))
        #expect(try repository.read { try $0.target(of: "refs/heads/a-b-2") } == outcome.0)
        #expect(try repository.read { try $0.head() } == .branch(unborn, tip: nil))
    }

    @Test func aFailedTransactionLeavesNothingBehind() throws {
        let repository = try Repository.inMemory()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try repository.write { writer in
                try writer.insert(.simple("lost", "lost"))
                throw Boom()
            }
        }
        #expect(try repository.read { try $0.objectCounts() }.isEmpty)
    }

    @Test func reflogRecordsEveryMoveOfHeadAndBranch() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(3)
        try repository.write { try $0.setHead(detachedAt: ids[0], message: "checkout: moving from main to HEAD~2") }
        try repository.read { reader in
            let head = try reader.reflog("HEAD")
            #expect(head.map(\.new) == [ids[0], ids[2], ids[1], ids[0]])
            #expect(head.first?.message == "checkout: moving from main to HEAD~2")
            #expect(try reader.reflog("refs/heads/main").map(\.new) == [ids[2], ids[1], ids[0]])
            #expect(try reader.resolve("HEAD@{1}") == ids[2])
            #expect(try reader.resolve("main@{2}") == ids[0])
            #expect(throws: StoreError.reflogEntryNotFound(ref: "main", index: 9, count: 3)) { try reader.resolve("main@{9}") }
        }
    }

    @Test func revisionsResolveAncestorsPrefixesAndResponseIDs() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(4)
        try repository.read { reader in
            #expect(try reader.resolve("HEAD") == ids[3])
            #expect(try reader.resolve("main~2") == ids[1])
            #expect(try reader.resolve("HEAD^^") == ids[1])
            #expect(try reader.resolve("HEAD~3") == ids[0])
            #expect(throws: StoreError.noSuchAncestor("HEAD~4", available: 3)) { try reader.resolve("HEAD~4") }
            // Every suffix counts: HEAD^^^^ on four turns passed three earlier ones.
            #expect(throws: StoreError.noSuchAncestor("HEAD^^^^", available: 3)) { try reader.resolve("HEAD^^^^") }
            #expect(throws: StoreError.noSuchAncestor("HEAD~2^^", available: 3)) { try reader.resolve("HEAD~2^^") }
            #expect(try reader.resolve(String(ids[2].hex.prefix(10))) == ids[2])
            #expect(try reader.resolve(ids[2].hex.uppercased()) == ids[2])
            let responseID = try reader.summary(ids[1])!.responseID!
            #expect(try reader.resolve(responseID) == ids[1])
            #expect(throws: StoreError.unknownRevision("nope")) { try reader.resolve("nope") }
        }
    }

    @Test func ambiguousPrefixesListTheCandidates() throws {
        let repository = try Repository.inMemory()
        // Insert turns until two share their first four hex digits.
        var seen = [String: ObjectID]()
        var pair: (ObjectID, ObjectID)?
        _ = try repository.write { writer in
            var index = 0
            while pair == nil {
                let id = try writer.insert(.simple("probe \(index)", "x"))
                let prefix = String(id.hex.prefix(4))
                if let other = seen[prefix] { pair = (other, id) }
                seen[prefix] = id
                index += 1
            }
        }
        let (a, b) = pair!
        let prefix = String(a.hex.prefix(4))
        let error = #expect(throws: StoreError.self) { try repository.read { try $0.resolve(prefix) } }
        guard case .ambiguousRevision(let text, let candidates)? = error else {
            Issue.record("expected an ambiguity error, got \(String(describing: error))")
            return
        }
        #expect(text == prefix)
        #expect(candidates.count == 2)
        #expect(candidates.contains { $0.hasPrefix(a.abbreviated(6)) })
        #expect(candidates.contains { $0.hasPrefix(b.abbreviated(6)) })
        // The shortest unique abbreviation grows past the shared prefix.
        let shared = StoreReader.sharedHexDigits(a, b)
        #expect(try repository.read { try $0.abbreviation(of: a, minimum: 4) }.count == shared + 1)
    }

    @Test func aBlobIsNotATurn() throws {
        let repository = try Repository.inMemory()
        let blob = try repository.write { try $0.putBlob("just text") }
        #expect(throws: StoreError.notATurn(blob.hex, kind: .blob)) { try repository.read { try $0.resolve(blob.hex) } }
    }

    @Test func prefixRangeSuccessor() {
        #expect(StoreReader.successor(of: "ab") == [0xac])
        #expect(StoreReader.successor(of: "abc") == [0xab, 0xd0])
        #expect(StoreReader.successor(of: "af") == [0xb0])
        #expect(StoreReader.successor(of: "ff") == nil)
        #expect(StoreReader.successor(of: "0ff") == [0x10])
    }

    @Test func bulkAbbreviationsAgreeWithSingleLookups() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2_100)
        try repository.read { reader in
            let bulk = try reader.abbreviations(of: ids)
            for id in ids.prefix(50) + ids.suffix(50) {
                #expect(bulk[id] == (try reader.abbreviation(of: id)))
            }
        }
    }
}

@Suite struct ReachabilityTests {
    @Test func turnsReachableFromRefsHeadAndReflog() throws {
        let repository = try Repository.inMemory()
        let main = try repository.appendChain(3)
        // Fork from main~1 on a side branch, then delete it: its turn stays reachable through HEAD's reflog only.
        let side = try repository.write { writer -> ObjectID in
            let id = try writer.insert(.simple("side", "side answer", parent: main[1]))
            try writer.updateRef("refs/heads/side", to: id, expecting: nil, message: "branch: created")
            return id
        }
        let orphan = try repository.write { try $0.insert(.simple("orphan", "nobody points here")) }
        try repository.read { reader in
            let all = try reader.reachableTurns(from: try reader.roots())
            #expect(all == Set(main + [side]))
            #expect(!all.contains(orphan))
            let fromMain = try reader.reachableTurns(from: [main[2]])
            #expect(fromMain == Set(main))
            let objects = try reader.reachableObjects(from: [side])
            let turn = try reader.turn(side)
            #expect(objects.isSuperset(of: turn.blobReferences))
            #expect(objects.contains(main[0]) && !objects.contains(main[2]))
        }
    }
}

@Suite struct FsckTests {
    @Test func aHealthyRepositoryHasNoProblems() throws {
        let repository = try Repository.inMemory()
        try repository.appendChain(5)
        let report = try repository.read { try $0.fsck() }
        #expect(report.problems.isEmpty)
        #expect(report.turns == 5 && report.blobs == 10 && report.refs == 2)
    }

    @Test func fsckNamesAnObjectWhoseBytesDoNotHashToItsID() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2)
        let blob = try repository.read { try $0.turn(ids[0]).request.input[0].content }
        try repository.queue.write { db in
            try db.execute(sql: "UPDATE object SET data = ?, size = 8 WHERE id = ?", arguments: [Data(Zlib.compress(Array("tampered".utf8))), Data(blob.bytes)])
        }
        let report = try repository.read { try $0.fsck() }
        #expect(report.problems.map(\.kind) == ["hash-mismatch"])
        #expect(report.problems[0].subject == blob.hex)
    }

    @Test func fsckReportsMissingObjectsAndAStaleIndex() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2)
        try repository.queue.write { db in
            try db.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [Data(ids[0].bytes)])
        }
        let report = try repository.read { try $0.fsck() }
        #expect(report.problems.contains { $0.kind == "missing" && $0.subject == ids[1].hex })
        #expect(report.problems.contains { $0.kind == "stale-index" })
        try repository.queue.write { db in try db.execute(sql: "DELETE FROM turn_index") }
        let count = try repository.write { try $0.rebuildIndex() }
        #expect(count == 1)
    }

    @Test func rebuildingTheIndexReproducesIt() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(4)
        let before = try repository.read { try $0.allSummaries() }
        _ = try repository.write { try $0.rebuildIndex() }
        let after = try repository.read { try $0.allSummaries() }
        #expect(Set(before.map(\.id)) == Set(ids))
        #expect(before.sorted { $0.createdAt < $1.createdAt } == after.sorted { $0.createdAt < $1.createdAt })
    }
}
