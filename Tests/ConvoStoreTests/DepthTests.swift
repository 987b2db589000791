import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// `depth(of:)` counts a turn and its ancestors inside SQLite, as `ancestry(of:).count` did by decoding every
/// summary (status on a 10,000-turn conversation: 850 M instructions; issue 11).
@Suite struct DepthTests {
    @Test func depthCountsTheTurnAndItsAncestors() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(5)
        for (index, id) in ids.enumerated() {
            #expect(try repository.read { try $0.depth(of: id) } == index + 1)
            #expect(try repository.read { try $0.depth(of: id) } == repository.read { try $0.ancestry(of: id).count })
        }
    }

    @Test func aForkCountsOnlyItsOwnLine() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(3)
        let fork = try repository.write { try $0.insert(.simple("fork", "answer", parent: ids[0])) }
        #expect(try repository.read { try $0.depth(of: fork) } == 2)
    }

    /// A chain broken in the index is an error naming the missing turn, as ancestry's is.
    @Test func aBrokenChainIsTheSameErrorAsAncestrys() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(3)
        try repository.queue.write { db in try db.execute(sql: "DELETE FROM turn_index WHERE id = ?", arguments: [Data(ids[1].bytes)]) }
        #expect(throws: StoreError.corruptObject(detail: "turn \(ids[1].hex) is not in the index; run 'convo fsck --rebuild-index'")) {
            try repository.read { try $0.depth(of: ids[2]) }
        }
        #expect(throws: StoreError.self) { try repository.read { try $0.depth(of: ids[1]) } }
    }
}

/// Each index row keeps its turn's generation (format 6), so that `depth(of:)` is one lookup: written with the
/// row on every path (one turn, a bulk write, a rebuild), filled for older repositories by the migration, and
/// checked by fsck.
@Suite struct GenerationTests {
    static func generations(_ repository: Repository) throws -> [Data: Int64?] {
        try repository.queue.read { db in
            var result = [Data: Int64?]()
            for row in try Row.fetchAll(db, sql: "SELECT id, generation FROM turn_index") { result[row[0]] = row[1] as Int64? }
            return result
        }
    }

    /// A chain and a fork written one turn at a time, then a chain in one bulk write on top of them.
    static func history() throws -> (Repository, [ObjectID]) {
        let repository = try Repository.inMemory()
        var ids = try repository.appendChain(3)
        ids.append(try repository.write { try $0.insert(.simple("fork", "answer", parent: ids[0])) })
        try repository.write(packing: true) { writer in
            var parent = ids[2]
            for index in 0..<3 {
                parent = try writer.insert(.simple("bulk \(index)", "answer", parent: parent, at: 1_764_000_100 + Int64(index)))
                ids.append(parent)
            }
        }
        return (repository, ids)
    }

    @Test func everyWritePathKeepsTheGenerationAndDepthReadsIt() throws {
        let (repository, ids) = try Self.history()
        let generations = try Self.generations(repository)
        #expect(ids.map { generations[Data($0.bytes)] } == [1, 2, 3, 2, 4, 5, 6])
        for id in ids {
            #expect(try repository.read { try $0.depth(of: id) } == repository.read { try $0.ancestry(of: id).count })
        }
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }

    @Test func fsckReportsAWrongGenerationAndTheRebuildMendsIt() throws {
        let (repository, ids) = try Self.history()
        try repository.queue.write { db in
            try db.execute(sql: "UPDATE turn_index SET generation = 9 WHERE id = ?", arguments: [Data(ids[4].bytes)])
        }
        let problems = try repository.read { try $0.fsck().problems }
        // The turn and its child, whose generation no longer follows.
        #expect(problems.map(\.detail) == ["2 entries have a wrong generation; run 'convo fsck --rebuild-index'"])
        try repository.write { try $0.rebuildIndex() }
        #expect(try Self.generations(repository)[Data(ids[4].bytes)] == 4)
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }

    @Test func theMigrationFillsTheGenerationsOfAFormat5Repository() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        var ids = [ObjectID]()
        do {
            let (repository, _) = try Repository.create(at: directory)
            ids = try repository.appendChain(4)
            ids.append(try repository.write { try $0.insert(.simple("fork", "answer", parent: ids[1])) })
            // Format 5, as convo wrote it before the generation column.
            try repository.queue.write { db in
                try db.execute(sql: Repository.format12AsBefore + """
                    DROP INDEX turn_index_order; DROP INDEX turn_index_children; DROP INDEX turn_index_leaves;
                    ALTER TABLE turn_index DROP COLUMN least_at; ALTER TABLE turn_index DROP COLUMN least_id;
                    ALTER TABLE turn_index DROP COLUMN least_depth; ALTER TABLE turn_index DROP COLUMN leaf;
                    DELETE FROM grdb_migrations WHERE identifier = 'v10 history order';
                    ALTER TABLE turn_index DROP COLUMN generation;
                    DELETE FROM grdb_migrations WHERE identifier = 'v6 turn generation';
                    PRAGMA user_version = 5;
                    """ + Repository.turnBlobAsBefore)
            }
            try repository.queue.close()
        }
        let readOnly = try Repository.open(at: directory, mode: .readOnly)
        #expect(try readOnly.read { try $0.depth(of: ids[3]) } == 4, "an old format is still counted, by walking")
        #expect(try readOnly.read { try $0.fsck().problems }.isEmpty)
        try readOnly.queue.close()
        let migrated = try Repository.open(at: directory, mode: .readWrite)
        // Migrated to the current format (the search-docid migration after v6 was left applied, so only v6 ran).
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Schema.formatVersion)
        let generations = try Self.generations(migrated)
        #expect(ids.map { generations[Data($0.bytes)] } == [1, 2, 3, 4, 3])
        #expect(try migrated.read { try $0.fsck().problems }.isEmpty)
    }
}
