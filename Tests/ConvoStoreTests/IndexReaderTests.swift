import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// `IndexReader` reads what a short `log` needs through a plain SQLite connection (issue 11, start-up). It must
/// read exactly what `StoreReader` reads, and leave everything else (other revisions, damaged rows) to it.
@Suite struct IndexReaderTests {
    /// A repository on disk: six turns on main, `travel` at the third, `side` forking from the second.
    static func history(_ folder: TemporaryFolder) throws -> (URL, [ObjectID]) {
        let directory = folder.url.appendingPathComponent(".convo")
        let (repository, _) = try Repository.create(at: directory)
        let ids = try repository.appendChain(6)
        try repository.write { writer in
            try writer.updateRef("refs/heads/travel", to: ids[2], expecting: nil, message: "branch")
            let fork = try writer.insert(.simple("side question", "side answer", parent: ids[1], at: 1_764_000_100))
            try writer.updateRef("refs/heads/side", to: fork, expecting: nil, message: "branch")
        }
        try repository.queue.close()
        return (directory, ids)
    }

    /// What a short log reads, through either reader.
    struct Read: Equatable {
        var chain: [TurnSummary]
        var short: [String]
        var head: Head
        var branches: [String]
    }

    static func read(_ revision: String, limit: Int, resolve: (String) throws -> ObjectID,
                     ancestry: (ObjectID, Int) throws -> [TurnSummary], abbreviation: (ObjectID) throws -> String,
                     head: () throws -> Head, branches: ([ObjectID]) throws -> [(name: BranchName, tip: ObjectID)]) throws -> Read {
        let chain = try ancestry(try resolve(revision), limit)
        return Read(
            chain: chain, short: try chain.map { try abbreviation($0.id) }, head: try head(),
            branches: try branches(chain.map(\.id)).map { "\($0.name.rawValue) \($0.tip.hex)" })
    }

    static func full(_ repository: Repository, _ revision: String, limit: Int = 20) throws -> Read {
        try repository.read { reader in
            try read(revision, limit: limit, resolve: reader.resolve, ancestry: { try reader.ancestry(of: $0, limit: $1) },
                     abbreviation: { try reader.abbreviation(of: $0) }, head: reader.head, branches: { try reader.branches(pointingAt: $0) })
        }
    }

    static func light(_ repository: Repository, _ revision: String, limit: Int = 20) throws -> Read? {
        try repository.readIndex { reader in
            try read(revision, limit: limit, resolve: reader.resolve, ancestry: { try reader.ancestry(of: $0, limit: $1) },
                     abbreviation: { try reader.abbreviation(of: $0) }, head: reader.head, branches: { try reader.branches(pointingAt: $0) })
        }
    }

    @Test func itReadsWhatTheStoreReaderReads() throws {
        let folder = try TemporaryFolder()
        let (directory, _) = try Self.history(folder)
        let full = try Repository.open(at: directory, mode: .readOnly)
        let light = try Repository.open(at: directory, mode: .readOnly, light: true)
        #expect(light.index != nil)
        #expect(light.openedFormat == full.openedFormat)
        for revision in ["HEAD", "@", "main", "travel", "side", "refs/heads/travel", "HEAD~2", "travel^", "side~1", "HEAD~5", "main^^^"] {
            for limit in [0, 1, 3, 20] {
                let expected = try Self.full(full, revision, limit: limit)
                #expect(try Self.light(light, revision, limit: limit) == expected, "\(revision) -n \(limit)")
            }
        }
        // GRDB's connection is still there for the rest, opened when first needed.
        #expect(try light.read { try $0.objectCounts()[.turn] } == 7)
    }

    @Test func aDetachedHeadIsReadAsTheStoreReaderReadsIt() throws {
        let folder = try TemporaryFolder()
        let (directory, ids) = try Self.history(folder)
        let writable = try Repository.open(at: directory)
        try writable.write { try $0.setHead(detachedAt: ids[3], message: "checkout") }
        let light = try Repository.open(at: directory, mode: .readOnly, light: true)
        let expected = try Self.full(writable, "HEAD")
        #expect(expected.head == .detached(ids[3]))
        #expect(try Self.light(light, "HEAD") == expected)
    }

    @Test func otherRevisionsAreLeftToTheStoreReader() throws {
        let folder = try TemporaryFolder()
        let (directory, ids) = try Self.history(folder)
        let light = try Repository.open(at: directory, mode: .readOnly, light: true)
        // Ids, response ids, reflog entries, walks past the first turn, unknown names, malformed revisions.
        for revision in [ids[2].abbreviated(), ids[2].hex, "HEAD@{1}", "@{0}", "HEAD~6", "travel~3", "nowhere", "HEAD~x", ""] {
            #expect(try Self.light(light, revision) == nil, "\(revision)")
        }
    }

    @Test func aRowNotAsConvoWritesItIsLeftToTheStoreReader() throws {
        let folder = try TemporaryFolder()
        let (directory, ids) = try Self.history(folder)
        let writable = try Repository.open(at: directory)
        try writable.queue.write { db in
            try db.execute(sql: "UPDATE turn_index SET created_at = 1764000002.5 WHERE id = ?", arguments: [Data(ids[2].bytes)])
        }
        let light = try Repository.open(at: directory, mode: .readOnly, light: true)
        #expect(try Self.light(light, "HEAD", limit: 3) != nil, "the damaged row is not among the first three")
        #expect(try Self.light(light, "HEAD", limit: 4) == nil)
        #expect(try Self.light(light, "travel") == nil)
        // The full reader reads it as it always has.
        #expect(try Self.full(light, "HEAD").chain[3].createdAt == 1_764_000_002)
        try writable.queue.write { db in
            try db.execute(sql: "UPDATE ref SET symbolic = 'refs/heads/bad..name' WHERE name = 'HEAD'")
        }
        #expect(try Self.light(light, "travel") == nil, "HEAD names a branch git refuses")
    }

    @Test func aLightOpenRefusesWhatAFullOpenRefuses() throws {
        let folder = try TemporaryFolder()
        let (directory, _) = try Self.history(folder)
        let file = directory.appendingPathComponent("store.sqlite").path
        let raw = try DatabaseQueue(path: file)
        try raw.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = \(Repository.currentFormat + 1)") }
        try raw.close()
        let newer = StoreError.newerFormat(path: file, found: Repository.currentFormat + 1, supported: Repository.currentFormat)
        #expect(throws: newer) { try Repository.open(at: directory, mode: .readOnly) }
        #expect(throws: newer) { try Repository.open(at: directory, mode: .readOnly, light: true) }

        let foreign = folder.url.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: foreign, withIntermediateDirectories: true)
        let other = try DatabaseQueue(path: foreign.appendingPathComponent("store.sqlite").path)
        try other.write { try $0.execute(sql: "CREATE TABLE notes(text TEXT)") }
        try other.close()
        let refusal = StoreError.foreignDatabase(path: foreign.appendingPathComponent("store.sqlite").path, applicationID: 0)
        #expect(throws: refusal) { try Repository.open(at: foreign, mode: .readOnly, light: true) }
        #expect(throws: StoreError.notARepository(searchedFrom: folder.url.path)) {
            try Repository.open(at: folder.url, mode: .readOnly, light: true)
        }
    }

    @Test func onlyALightReadOnlyOpenHasThePlainConnection() throws {
        let folder = try TemporaryFolder()
        let (directory, _) = try Self.history(folder)
        #expect(try Repository.open(at: directory, mode: .readOnly).readIndex { _ in 1 } == nil)
        #expect(try Repository.open(at: directory, mode: .readWrite, light: true).readIndex { _ in 1 } == nil)
        #expect(try Repository.inMemory().readIndex { _ in 1 } == nil)
        #expect(try Repository.open(at: directory, mode: .readOnly, light: true).readIndex { _ in 1 } == 1)
    }
}
