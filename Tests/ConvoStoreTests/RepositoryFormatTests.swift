import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// Repository formats, read-only opens, and fsck's checks of the derived rows against the objects.
@Suite struct RepositoryFormatTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/store-format4/store.sqlite")

    /// A copy of the repository made by convo e50cdbb (format 4), in a temporary `.convo`.
    static func copyOfFormat4(_ folder: TemporaryFolder) throws -> URL {
        let directory = folder.url.appendingPathComponent(".convo")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture, to: directory.appendingPathComponent("store.sqlite"))
        return directory
    }

    static func index(_ repository: Repository) throws -> [String: TurnSummary] {
        try repository.read { reader in Dictionary(uniqueKeysWithValues: try reader.allSummaries().map { ($0.id.hex, $0) }) }
    }

    @Test func aRepositoryOfTheFormerFormatIsReadWithoutChangeAndMigratedKeepingEveryID() throws {
        let folder = try TemporaryFolder()
        let directory = try Self.copyOfFormat4(folder)
        let file = directory.appendingPathComponent("store.sqlite")
        let before = try Data(contentsOf: file)

        let readOnly = try Repository.open(at: directory, mode: .readOnly)
        #expect(readOnly.openedFormat == 4)
        let old = try Self.index(readOnly)
        #expect(old.count == 4)
        #expect(throws: StoreError.readOnlyRepository(path: directory.path)) { try readOnly.write { _ in } }
        try readOnly.queue.close()
        #expect(try Data(contentsOf: file) == before, "reading changed nothing")

        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(migrated.openedFormat == 4)
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Repository.currentFormat)
        let new = try Self.index(migrated)
        #expect(Set(new.keys) == Set(old.keys), "every id kept")
        let branches = try migrated.read { try $0.branches().map { "\($0.name.rawValue) \($0.tip.hex)" } }
        #expect(branches == [
            "main c2cb4d3a757778103c8ad054c0e47c9fa530cc15c7e97f424d5818c7b24759cd",
            "travel b8edf49ef6900ec4d92fb4ac579bf20e3cb71eee1281e11d11b57b6ea1f27eb8",
        ])
        // The index of the former format cut lines at 50 characters and at a NUL; the migration rebuilt it.
        let nul = try #require(new["fa4e0d55d45760f2407d0eb6281aa4f36e41283b9d757feb6db15b9094234de3"])
        #expect(nul.inputLine == "abc\0def")
        #expect(nul.outputLine == "first\0second")
        let long = try #require(new["c2cb4d3a757778103c8ad054c0e47c9fa530cc15c7e97f424d5818c7b24759cd"])
        // A branch tip, so a leaf: its row keeps the line whole (Summary.leafLine).
        #expect(long.inputLine == "A first line that is much longer than fifty characters, so the index used to cut it" && !long.inputLineIsPrefix)
        #expect(long.shortInputLine == "A first line that is much longer than fifty chara…")
        let whole = try migrated.read { try $0.wholeLines(long) }
        #expect(whole.inputLine == "A first line that is much longer than fifty characters, so the index used to cut it")
        #expect(whole.hasWholeLines && whole.shortInputLine == long.shortInputLine)
        #expect(try migrated.read { try $0.fsck().problems }.isEmpty)
    }

    @Test func searchGivesTheSameResultsBeforeAndAfterTheIndexIsRenumbered() throws {
        let folder = try TemporaryFolder()
        let directory = try Self.copyOfFormat4(folder)
        func results(_ repository: Repository) throws -> [[String]] {
            try ["a", "first", #""first line""#, "trip"].map { text in
                try repository.read { try $0.search(try SearchQuery(text), scope: .everything, limit: 20) }.hits.map { "\($0.summary.id.hex) \($0.snippet.text)" }
            }
        }
        let readOnly = try Repository.open(at: directory, mode: .readOnly)
        let before = try results(readOnly)
        try readOnly.queue.close()
        #expect(before.map(\.count) == [2, 2, 1, 1])

        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(try results(migrated) == before)
        #expect(try migrated.read { try $0.fsck().problems }.isEmpty)
        let columns = try migrated.queue.read { try String.fetchAll($0, sql: "SELECT name FROM pragma_table_info('search_doc')") }
        #expect(columns == ["docid", "turn", "created_at"])
    }

    @Test func aNewerFormatIsRefusedNamingBothVersionsAndAnOlderOneIsReadOnlyAfterMigrating() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        let (repository, _) = try Repository.create(at: directory)
        try repository.appendChain(1)
        try repository.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 99") }
        let path = directory.appendingPathComponent("store.sqlite").path
        for mode in [AccessMode.readOnly, .readWrite] {
            #expect(throws: StoreError.newerFormat(path: path, found: 99, supported: Repository.currentFormat)) {
                try Repository.open(at: directory, mode: mode)
            }
        }
        #expect(StoreError.newerFormat(path: path, found: 99, supported: 5).description.contains("format 99, newer than format 5"))

        // Format 3 (before the search index): reading commands ask for an upgrade; a writing open migrates.
        try repository.queue.writeWithoutTransaction { db in
            try db.execute(sql: Repository.format12AsBefore + """
                PRAGMA user_version = 0;
                DROP TABLE turn_blobs; DROP TABLE search_doc; DROP TABLE turn_search;
                DROP INDEX turn_index_order; DROP INDEX turn_index_children; DROP INDEX turn_index_leaves;
                ALTER TABLE turn_index DROP COLUMN least_at; ALTER TABLE turn_index DROP COLUMN least_id;
                ALTER TABLE turn_index DROP COLUMN least_depth; ALTER TABLE turn_index DROP COLUMN leaf;
                DELETE FROM grdb_migrations WHERE identifier = 'v10 history order';
                ALTER TABLE turn_index DROP COLUMN generation;
                DELETE FROM grdb_migrations WHERE identifier IN ('v2 turn blobs and search index', 'v3 whole first lines', 'v6 turn generation');
                """)
        }
        #expect(throws: StoreError.outdatedFormat(path: path, found: 3, current: Repository.currentFormat)) {
            try Repository.open(at: directory, mode: .readOnly)
        }
        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(migrated.openedFormat == 3)
        #expect(try migrated.read { try $0.fsck().problems }.isEmpty)
        #expect(try Repository.open(at: directory, mode: .readOnly).openedFormat == Repository.currentFormat)
    }

    @Test func aNULAndALongLineReachTheIndexWhole() throws {
        let repository = try Repository.inMemory()
        let long = String(repeating: "word ", count: 40).trimmingCharacters(in: .whitespaces)
        let id = try repository.write { try $0.insert(.simple("abc\0def\nsecond line", "  \(long)  \nmore")) }
        // A leaf's row keeps a long first line whole (Summary.leafLine); once the turn has a child, only its start.
        let leaf = try #require(try repository.read { try $0.summary(id) })
        #expect(leaf.inputLine == "abc\0def" && !leaf.inputLineIsPrefix)
        #expect(leaf.outputLine == long && !leaf.outputLineIsPrefix)
        try repository.write { _ = try $0.insert(.simple("next", "answer", parent: id)) }
        let summary = try #require(try repository.read { try $0.summary(id) })
        #expect(summary.inputLine == "abc\0def" && !summary.inputLineIsPrefix)
        #expect(summary.outputLine == String(long.prefix(51)) && summary.outputLineIsPrefix, "the index keeps the start of a long line")
        #expect(summary.shortOutputLine.count == 50)
        let whole = try repository.read { try $0.wholeLines(summary) }
        #expect(whole.inputLine == "abc\0def")
        #expect(whole.outputLine == long)
        #expect(whole.shortOutputLine == summary.shortOutputLine)
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }

    @Test func fsckComparesEveryIndexRowAndHeadWithTheObjectsAndGcRefusesAWrongParent() throws {
        let clock = TestClock()
        let repository = try Repository.inMemory(clock: { clock.now })
        let ids = try repository.appendChain(3)
        // The reflog has expired: only the branch reaches the first two turns, through the parent links.
        try repository.queue.write { db in
            try db.execute(sql: "DELETE FROM reflog")
            try db.execute(sql: "UPDATE turn_index SET parent = NULL WHERE id = ?", arguments: [Data(ids[2].bytes)])
            try db.execute(sql: "UPDATE turn_index SET input_line = 'edited' WHERE id = ?", arguments: [Data(ids[1].bytes)])
        }
        let problems = try repository.read { try $0.fsck().problems }
        #expect(problems.contains { $0.kind == "stale-index" && $0.subject == ids[2].hex && $0.detail.contains("in parent;") }, "\(problems)")
        #expect(problems.contains { $0.kind == "stale-index" && $0.subject == ids[1].hex && $0.detail.contains("input_line") }, "\(problems)")

        clock.advance(seconds: 15 * 86_400)
        let now = Int64(clock.now.timeIntervalSince1970)
        let rules = PruneRules(pruneBefore: now, reflogExpireBefore: now - 90 * 86_400, reflogUnreachableExpireBefore: now - 30 * 86_400)
        #expect(throws: StoreError.staleIndex(turn: ids[2])) { try repository.read { try $0.planPrune(rules) } }
        #expect(try repository.read { try $0.objectCounts()[.turn] } == 3)
        try repository.write { _ = try $0.rebuildIndex() }
        #expect(try repository.read { try $0.planPrune(rules).turns }.isEmpty)

        try repository.queue.write { try $0.execute(sql: "DELETE FROM ref WHERE name = 'HEAD'") }
        let headless = try repository.read { try $0.fsck().problems }
        #expect(headless.map(\.kind) == ["bad-ref"])
        #expect(headless.first?.subject == "HEAD")
    }

    /// Format 9 kept `log --all`'s graph (id, parent, time of every turn) in a narrow index; format 12 drops it
    /// (the rows are narrow since format 11) and finds children by their parent alone. A format 8 repository
    /// migrated by a writing command reads the same graph.
    @Test func theGraphIsTheSameAfterTheMigrationFromFormat8() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        func hasGraphIndex(_ repository: Repository) throws -> Bool {
            try repository.queue.read { try $0.indexes(on: "turn_index").contains { $0.name == "turn_index_graph" } }
        }
        var ids = [ObjectID]()
        do {
            let (repository, _) = try Repository.create(at: directory)
            #expect(try !hasGraphIndex(repository))
            ids = try repository.appendChain(3)
            ids.append(try repository.write { try $0.insert(.simple("fork", "answer", parent: ids[0])) })
            try repository.queue.write { db in
                try db.execute(sql: Repository.format12AsBefore + """
                    DROP INDEX turn_index_order; DROP INDEX turn_index_children; DROP INDEX turn_index_leaves;
                    ALTER TABLE turn_index DROP COLUMN least_at; ALTER TABLE turn_index DROP COLUMN least_id;
                    ALTER TABLE turn_index DROP COLUMN least_depth; ALTER TABLE turn_index DROP COLUMN leaf;
                    DELETE FROM grdb_migrations WHERE identifier = 'v10 history order';
                    DELETE FROM grdb_migrations WHERE identifier = 'v9 turn graph index';
                    PRAGMA user_version = 8;
                    """)
            }
            try repository.queue.close()
        }
        let readOnly = try Repository.open(at: directory, mode: .readOnly)
        #expect(readOnly.openedFormat == 8)
        let graphBefore = try readOnly.read { try HistoryGraph($0) }
        try readOnly.queue.close()
        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(try !hasGraphIndex(migrated))
        let children = try migrated.queue.read { try $0.indexes(on: "turn_index").first { $0.name == "turn_index_children" }?.columns }
        #expect(children == ["parent"])
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Schema.formatVersion)
        let graph = try migrated.read { try HistoryGraph($0) }
        #expect(graph.ids == graphBefore.ids && graph.parents == graphBefore.parents && graph.createdAt == graphBefore.createdAt)
        #expect(graph.ids == ids.map(CompactID.init).sorted())
        let fork = try #require(graph.position(of: CompactID(ids[3])))
        #expect(graph.parents[Int(fork)] == graph.position(of: CompactID(ids[0])))
        #expect(try migrated.read { try $0.fsck().problems }.isEmpty)
    }
}
