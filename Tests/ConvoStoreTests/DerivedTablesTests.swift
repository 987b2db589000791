import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// The blob references (`turn_index.blobs`) and the search index: written with every turn, filled by the migrations,
/// rebuilt and checked by fsck.
@Suite struct DerivedTablesTests {
    /// The (turn, blob) pairs of `turn_index.blobs`.
    static func rows(_ repository: Repository) throws -> Set<[UInt8]> {
        try repository.queue.read { db in
            var pairs = Set<[UInt8]>()
            for row in try Row.fetchAll(db, sql: "SELECT id, blobs FROM turn_index WHERE blobs IS NOT NULL") {
                let turn = Array(row[0] as Data), blobs = Array(row[1] as Data)
                #expect(blobs.count % 32 == 0)
                for start in stride(from: 0, to: blobs.count, by: 32) { pairs.insert(turn + blobs[start..<start + 32]) }
            }
            return pairs
        }
    }

    /// The rows every stored turn's references call for.
    static func expectedRows(_ repository: Repository) throws -> Set<[UInt8]> {
        try repository.read { reader in
            var rows = Set<[UInt8]>()
            for id in try Data.fetchAll(reader.db, sql: "SELECT id FROM object WHERE kind = 'turn'").compactMap({ ObjectID(bytes: $0) }) {
                for blob in try reader.turn(id).blobReferences { rows.insert(id.bytes + blob.bytes) }
            }
            return rows
        }
    }

    static func problems(_ repository: Repository) throws -> [FsckProblem] { try repository.read { try $0.fsck().problems } }

    static func search(_ repository: Repository, _ query: String, limit: Int = 20) throws -> [String] {
        try repository.read { reader in
            try reader.search(try SearchQuery(query), scope: .everything, limit: limit).hits.map(\.summary.inputLine)
        }
    }

    @Test func everyWriteFillsTheTablesLooseAndPacked() throws {
        let repository = try Repository.inMemory()
        try repository.appendChain(2)
        try repository.write(packing: true) { writer in
            var draft = TurnDraft.simple("packed question", "packed answer")
            draft.instructions = "Be brief."
            try writer.insert(draft)
        }
        let rows = try Self.rows(repository)
        #expect(rows.count == 7, "two loose turns with two texts each, a packed one with three")
        #expect(rows == (try Self.expectedRows(repository)))
        #expect(try Self.search(repository, "packed") == ["packed question"])
        #expect(try Self.search(repository, "answer").count == 3)
        #expect(try Self.problems(repository).isEmpty)
    }

    /// A bulk write past its limit of held-back objects inserts their rows before it ends (so that memory
    /// stays bounded), and ends with the same rows, ids and search results as one that held everything back.
    @Test func heldBackRowsAreInsertedInBatchesWithTheSameResult() throws {
        func fill(_ writer: StoreWriter) throws -> [ObjectID] {
            var ids = [ObjectID]()
            for index in 0..<6 {
                // Every other turn shares its answer with the one before: a blob already in an earlier batch.
                ids.append(try writer.insert(.simple("question \(index)", "answer \(index / 2)", parent: ids.last, at: 1_764_000_000 + Int64(index))))
            }
            return ids
        }
        let whole = try Repository.inMemory()
        let expected = try whole.write(packing: true, fill)
        let batched = try Repository.inMemory()
        let (ids, rowsDuringWrite) = try batched.queue.write { db in
            let packer = Packer(heldBackObjects: 4)
            let ids = try fill(StoreWriter(db: db, now: 1_764_000_100, packer: packer))
            let rows = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM object") ?? 0
            try packer.finish(db)
            return (ids, rows)
        }
        #expect(ids == expected)
        #expect(rowsDuringWrite >= 4, "rows were inserted before the write ended")
        #expect(try Self.rows(batched) == (try Self.rows(whole)))
        #expect(try Self.rows(batched) == (try Self.expectedRows(batched)))
        #expect(try Self.search(batched, "answer").count == 6)
        #expect(try Self.problems(batched).isEmpty)
        let summaries = { (repository: Repository) in
            try repository.queue.read { try Row.fetchAll($0, sql: "SELECT id, parent, input_line, output_line FROM turn_index ORDER BY id") }
        }
        #expect(try summaries(batched) == (try summaries(whole)))
    }

    /// Held-back index rows weigh far more than held-back object rows (about 2 KB against 80 bytes), so they are
    /// bounded on their own: turns that share their texts add one object each, and were held back three times as many
    /// turns before (an import of 100,000 turns whose texts repeat peaked at 201 MB against 135 MB).
    @Test func turnsThatShareTheirTextsAreHeldBackInBatchesToo() throws {
        let repository = try Repository.inMemory()
        let held = try repository.queue.write { db in
            let packer = Packer(heldBackObjects: 9)
            let writer = StoreWriter(db: db, now: 1_764_000_100, packer: packer)
            var parent: ObjectID?
            var held = [Int]()
            for index in 0..<12 {
                parent = try writer.insert(.simple("the same question", "the same answer", parent: parent, at: 1_764_000_000 + Int64(index)))
                held.append(index + 1 - (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM turn_index") ?? 0))
            }
            try packer.finish(db)
            return held
        }
        #expect(held.allSatisfy { $0 <= 3 }, "turns held back after each insert: \(held)")
        #expect(try Self.rows(repository) == (try Self.expectedRows(repository)))
        #expect(try Self.problems(repository).isEmpty)
    }

    /// A bulk write binds its rows through SQLite's C interface (issue 11); they are the rows, with the same types,
    /// that writes through GRDB make: empty texts, a NUL inside a text, and a turn written twice in one write.
    @Test func bulkRowsAreTheRowsLooseWritesMake() throws {
        let drafts = [
            TurnDraft.simple("", "an answer with\u{0}a nul", at: 1_764_000_000),
            TurnDraft.simple("a question", "", at: 1_764_000_001),
            TurnDraft.simple("another question", "another answer", at: 1_764_000_002),
            TurnDraft.simple("", "an answer with\u{0}a nul", at: 1_764_000_000),
        ]
        let loose = try Repository.inMemory()
        for draft in drafts { try loose.write { try $0.insert(draft) } }
        let bulk = try Repository.inMemory()
        try bulk.write(packing: true) { writer in for draft in drafts { try writer.insert(draft) } }
        for sql in [
            "SELECT id, kind, size, typeof(id), typeof(kind), typeof(size) FROM object ORDER BY id",
            "SELECT id, blobs, typeof(id), typeof(blobs) FROM turn_index ORDER BY id",
            "SELECT id, replay_tokens, typeof(replay_tokens) FROM turn_index ORDER BY id",
            // A document names its turn's row, numbered in the order rows were written: the turn it names is compared.
            "SELECT docid, t.id, d.created_at, typeof(d.turn), typeof(d.created_at) FROM search_doc d JOIN turn_index t ON t.n = d.turn ORDER BY docid",
            "SELECT id, sz FROM turn_search_docsize ORDER BY id",
        ] {
            let rows = { (repository: Repository) in try repository.queue.read { try Row.fetchAll($0, sql: sql) } }
            #expect(try rows(bulk) == (try rows(loose)), "\(sql)")
        }
        #expect(try Self.search(bulk, "answer") == (try Self.search(loose, "answer")))
        #expect(try Self.search(bulk, "nul").count == 1)
        #expect(try Self.problems(bulk).isEmpty)
    }

    /// fsck compares `turn_index.blobs` and reads `search_doc` through SQLite's C interface: a value that is not whole
    /// ids, or a document naming no row of the index, is a row too many, and a value of another type is damage named
    /// as before.
    @Test func fsckCountsRowsWithoutAnIDAsTooManyAndNamesValuesOfAnotherType() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2)
        try repository.queue.write { db in
            // Two references of the turn become a value that is not whole ids.
            try db.execute(sql: "UPDATE turn_index SET blobs = blobs || x'0102' WHERE id = ?", arguments: [Data(ids[1].bytes)])
            try db.execute(sql: "INSERT INTO search_doc(docid, turn, created_at) VALUES (1, 999, 1764000000)")
        }
        let problems = try Self.problems(repository)
        #expect(problems.map(\.subject) == ["turn_index.blobs", "search_doc", "turn_search"])
        #expect(problems.first?.detail.hasPrefix("2 rows missing and 1 rows too many") == true, "\(problems)")
        #expect(problems.dropFirst().first?.detail.hasPrefix("0 rows missing and 1 rows too many") == true, "\(problems)")
        try repository.queue.write { db in
            try db.execute(sql: "UPDATE turn_index SET blobs = 5 WHERE id = ?", arguments: [Data(ids[0].bytes)])
        }
        #expect {
            try Self.problems(repository)
        } throws: { error in
            "\(error)".contains("a row's blobs holds 5, not a Data")
        }
    }

    @Test func writingAStoredTurnAgainAddsNothing() throws {
        let repository = try Repository.inMemory()
        let draft = TurnDraft.simple("same question", "same answer")
        let first = try repository.write { try $0.insert(draft) }
        let second = try repository.write(packing: true) { try $0.insert(draft) }
        #expect(first == second)
        let documents = try repository.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM search_doc") }
        #expect(documents == 1)
        #expect(try Self.problems(repository).isEmpty)
    }

    @Test func theMigrationFillsAnOlderRepository() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        let (repository, _) = try Repository.create(at: directory)
        try repository.appendChain(3)
        _ = try repository.write(packing: true) { try $0.insert(.simple("an imported question", "an imported answer")) }
        let expected = try Self.expectedRows(repository)
        // Take the repository back to the v1 schema, as an older convo left it.
        try repository.queue.write { db in
            try db.execute(sql: Repository.format12AsBefore + """
                DROP TABLE turn_blobs; DROP TABLE search_doc; DROP TABLE turn_search;
                DROP INDEX turn_index_order; DROP INDEX turn_index_children; DROP INDEX turn_index_leaves;
                ALTER TABLE turn_index DROP COLUMN least_at; ALTER TABLE turn_index DROP COLUMN least_id;
                ALTER TABLE turn_index DROP COLUMN least_depth; ALTER TABLE turn_index DROP COLUMN leaf;
                DELETE FROM grdb_migrations WHERE identifier = 'v10 history order';
                ALTER TABLE turn_index DROP COLUMN generation;
                DELETE FROM grdb_migrations WHERE identifier IN ('v2 turn blobs and search index', 'v3 whole first lines', 'v6 turn generation');
                PRAGMA user_version = 0;
                """)
        }
        try repository.queue.close()

        let reopened = try Repository.open(at: directory)
        #expect(try Self.rows(reopened) == expected)
        #expect(try Self.search(reopened, "imported") == ["an imported question"])
        #expect(try Self.search(reopened, "message").count == 3)
        #expect(try Self.problems(reopened).isEmpty)
    }

    @Test func fsckNamesMissingAndExtraRowsAndTheRebuildRestoresThem() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2)
        let expected = try Self.rows(repository)
        try repository.queue.write { db in
            // One reference dropped from a row, one made up in another.
            try db.execute(sql: "UPDATE turn_index SET blobs = substr(blobs, 33) WHERE id = ?", arguments: [Data(ids[0].bytes)])
            let blobs = try #require(try Data.fetchOne(db, sql: "SELECT blobs FROM turn_index WHERE id = ?", arguments: [Data(ids[1].bytes)]))
            try db.execute(sql: "UPDATE turn_index SET blobs = ? WHERE id = ?", arguments: [blobs + Data(repeating: 0xFF, count: 32), Data(ids[1].bytes)])
        }
        let problems = try Self.problems(repository)
        #expect(problems.map(\.subject) == ["turn_index.blobs"])
        #expect(problems.first?.kind == "stale-index")
        #expect(problems.first?.detail.hasPrefix("1 rows missing and 1 rows too many") == true, "\(problems)")

        #expect(try repository.write { try $0.rebuildIndex() } == 2)
        #expect(try Self.rows(repository) == expected)
        #expect(try Self.problems(repository).isEmpty)
    }

    @Test func fsckNamesAMissingSearchDocumentAndTheRebuildRestoresIt() throws {
        let repository = try Repository.inMemory()
        try repository.appendChain(2)
        try repository.queue.write { db in
            try db.execute(sql: "INSERT INTO turn_search(turn_search) VALUES ('delete-all'); DELETE FROM search_doc")
        }
        #expect(try Self.search(repository, "message").isEmpty)
        #expect(Set(try Self.problems(repository).map(\.subject)) == ["search_doc"])
        try repository.write { _ = try $0.rebuildIndex() }
        #expect(try Self.search(repository, "message") == ["message 1", "message 0"])
        #expect(try Self.problems(repository).isEmpty)

        // A document FTS5 knows that no turn owns.
        try repository.queue.write { db in
            try db.execute(sql: "INSERT INTO turn_search(rowid, input, output) VALUES (42, 'stray', 'stray')")
        }
        #expect(try Self.problems(repository).map(\.subject) == ["turn_search"])
    }

    @Test func pruningRemovesTheRowsOfPrunedTurns() throws {
        let clock = TestClock()
        let repository = try Repository.inMemory(clock: { clock.now })
        try repository.appendChain(2)
        let orphan = try repository.write { try $0.insert(.simple("orphan question", "answer 1")) }
        #expect(try Self.search(repository, "orphan") == ["orphan question"])
        clock.advance(seconds: 86_400)
        let now = Int64(clock.now.timeIntervalSince1970)
        let rules = PruneRules(pruneBefore: now, reflogExpireBefore: 0, reflogUnreachableExpireBefore: 0)
        let plan = try repository.read { try $0.planPrune(rules) }
        #expect(plan.turns == [orphan])
        try repository.write { _ = try $0.prune(plan) }
        #expect(try Self.search(repository, "orphan").isEmpty)
        #expect(try Self.search(repository, "answer").count == 2)
        #expect(try Self.rows(repository) == (try Self.expectedRows(repository)))
        #expect(try Self.problems(repository).isEmpty)
    }

    @Test func gcTrustsTheTablesOnlyWhenTheyCoverEveryTurn() throws {
        let clock = TestClock()
        let repository = try Repository.inMemory(clock: { clock.now })
        let kept = try repository.appendChain(2)
        // The orphan shares "answer 1" with a kept turn: that text must stay however the plan is made.
        try repository.write { _ = try $0.insert(.simple("orphan question", "answer 1")) }
        clock.advance(seconds: 86_400)
        let rules = PruneRules(pruneBefore: Int64(clock.now.timeIntervalSince1970), reflogExpireBefore: 0, reflogUnreachableExpireBefore: 0)
        let fromTables = try repository.read { try $0.planPrune(rules) }
        #expect(fromTables.blobs.count == 1)
        // Without the rows of a kept turn, the tables no longer cover it: the plan comes from the turn objects.
        try repository.queue.write { db in try db.execute(sql: "UPDATE turn_index SET blobs = NULL WHERE id = ?", arguments: [Data(kept[1].bytes)]) }
        let covered = try repository.read { try $0.derivedTablesCoverEveryTurn() }
        #expect(!covered)
        let fromObjects = try repository.read { try $0.planPrune(rules) }
        #expect(fromObjects == fromTables)
    }

    @Test func newRepositoriesCompactIncrementallyAndOlderOnesAreConvertedOnce() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        let (repository, _) = try Repository.create(at: directory)
        func mode() throws -> Int? { try repository.queue.read { try Int.fetchOne($0, sql: "PRAGMA auto_vacuum") } }
        #expect(try mode() == 2)
        try repository.appendChain(3)
        try repository.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA auto_vacuum = NONE; VACUUM") }
        #expect(try mode() == 0, "as a repository made by an older convo")
        try repository.vacuum()
        #expect(try mode() == 2)
        try repository.vacuum()
        let (problems, counts) = try repository.read { (try $0.fsck().problems, try $0.objectCounts()) }
        #expect(problems.isEmpty)
        #expect(counts == [.turn: 3, .blob: 6])
    }
}
