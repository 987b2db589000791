import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// Format 13 (issue 11, "Store size"): `turn_index` rows numbered by an internal integer key, the blob references a
/// column of the row, search documents naming the row's number. A repository of format 12 made by convo 4edeed5
/// (`Tests/Fixtures/store-format12`) reads the same before and after its migration.
@Suite struct TurnRowsTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/store-format12/store.sqlite")

    /// What the reading commands see: every index row, a search's hits, the graph of `log --all`, the branches,
    /// the kept order, fsck, and what gc keeps.
    struct Reading: Equatable {
        var summaries: [TurnSummary]
        var hits: [String]
        var phraseHits: [String]
        var graphIDs: [CompactID]
        var graphParents: [Int32]
        var graphTimes: [Int64]
        var branches: [String]
        var keptOrder: [ObjectID]?
        var kept: Set<Data>
        var problems: [FsckProblem]
    }

    static func reading(_ repository: Repository) throws -> Reading {
        try repository.read { reader in
            let hits = { (text: String) in
                try reader.search(try SearchQuery(text), scope: .everything, limit: 20).hits.map { "\($0.summary.id.hex) \($0.snippet.text)" }
            }
            let graph = try HistoryGraph(reader)
            let tips = try reader.branches().map(\.tip)
            return Reading(
                // As shown: a leaf's row may keep a long line whole where an older one kept its start (Summary.leafLine).
                summaries: try reader.wholeLines(try reader.allSummaries().sorted { $0.id.hex < $1.id.hex }),
                hits: try hits("tatri"),
                phraseHits: try hits(#""tatri this""#),
                graphIDs: graph.ids, graphParents: graph.parents, graphTimes: graph.createdAt,
                branches: try reader.branches().map { "\($0.name) \($0.tip.hex)" },
                keptOrder: try reader.keptOrder(from: tips, limit: .max),
                kept: try reader.objectsKept(from: try reader.rootKeys()),
                problems: try reader.fsck().problems)
        }
    }

    @Test func aFormat12RepositoryReadsTheSameBeforeAndAfterItsMigration() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.fixture, to: directory.appendingPathComponent("store.sqlite"))

        let readOnly = try Repository.open(at: directory, mode: .readOnly)
        #expect(readOnly.openedFormat == 12)
        let before = try Self.reading(readOnly)
        #expect(before.summaries.count == 12)
        #expect(!before.hits.isEmpty && !before.phraseHits.isEmpty, "\(before.hits.count) \(before.phraseHits.count)")
        #expect(before.problems.isEmpty, "\(before.problems)")
        #expect(try readOnly.read { try $0.derivedTablesCoverEveryTurn() })
        try readOnly.queue.close()

        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(migrated.openedFormat == 12)
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Schema.formatVersion)
        #expect(try migrated.queue.read { try !$0.tableExists("turn_blobs") })
        #expect(try migrated.queue.read { try String.fetchOne($0, sql: "SELECT type FROM pragma_table_info('search_doc') WHERE name = 'turn'") } == "INTEGER")
        let after = try Self.reading(migrated)
        #expect(after == before)
        #expect(try migrated.read { try $0.derivedTablesCoverEveryTurn() })
        #expect(try DerivedTablesTests.rows(migrated) == (try DerivedTablesTests.expectedRows(migrated)))

        // gc after deleting a branch: its two turns and their texts go, with their rows and documents.
        let conv1 = try #require(ObjectID(hex: "2b72d49f8b9a4fee42767e3212c45e53a2bd220131ee5ca5fdb9f31a99a6808d"))
        try migrated.write { try $0.updateRef("refs/heads/conv-1", to: nil, expecting: conv1, message: "branch: deleted") }
        let rules = PruneRules(pruneBefore: .max, reflogExpireBefore: .max, reflogUnreachableExpireBefore: .max)
        let plan = try migrated.read { try $0.planPrune(rules) }
        #expect(plan.turns.count == 2)
        try migrated.write { _ = try $0.prune(plan) }
        let pruned = try Self.reading(migrated)
        #expect(pruned.summaries == before.summaries.filter { !plan.turns.contains($0.id) })
        #expect(pruned.hits == before.hits.filter { hit in !plan.turns.contains { hit.hasPrefix($0.hex) } })
        #expect(pruned.problems.isEmpty, "\(pruned.problems)")
        #expect(try DerivedTablesTests.rows(migrated) == (try DerivedTablesTests.expectedRows(migrated)))
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM search_doc") } == 10)
    }

    /// A turn written again keeps its row's number, so that its search document still names it.
    @Test func aTurnWrittenAgainKeepsItsRowNumber() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2)
        func numbers() throws -> [Int64] {
            try repository.queue.read { try Int64.fetchAll($0, sql: "SELECT n FROM turn_index ORDER BY id") }
        }
        let before = try numbers()
        try repository.write { try $0.insert(.simple("message 1", "answer 1", parent: ids[0], at: 1_764_000_001)) }
        try repository.write(packing: true) { try $0.insert(.simple("message 0", "answer 0", at: 1_764_000_000)) }
        #expect(try numbers() == before)
        #expect(try repository.read { try $0.search(try SearchQuery("answer"), scope: .everything, limit: 20) }.hits.count == 2)
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }

    /// fsck names a search document whose row number names no row, and the rebuild restores it.
    @Test func fsckNamesADocumentNamingNoRow() throws {
        let repository = try Repository.inMemory()
        try repository.appendChain(2)
        try repository.queue.write { try $0.execute(sql: "UPDATE search_doc SET turn = turn + 100 WHERE docid = (SELECT MIN(docid) FROM search_doc)") }
        let problems = try repository.read { try $0.fsck().problems }
        #expect(problems.map(\.subject) == ["search_doc"])
        #expect(problems.first?.detail.hasPrefix("1 rows missing and 1 rows too many") == true, "\(problems)")
        try repository.write { _ = try $0.rebuildIndex() }
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }
}
