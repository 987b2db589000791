import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// A temporary folder removed when the test ends.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("convo-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

@Suite struct FileRepositoryTests {
    /// Concurrent `init`s: one process saw `store.sqlite-wal` and `-shm`, another closed the database and SQLite
    /// removed them, and the first reported the repository read-only (exit 3). A side file gone meanwhile is no
    /// obstacle; a main file or folder that cannot be written still is.
    @Test func aSideFileRemovedSinceItWasSeenDoesNotMakeTheRepositoryReadOnly() throws {
        let folder = try TemporaryFolder()
        let (repository, _) = try Repository.create(at: folder.url.appendingPathComponent(".convo"))
        try repository.queue.close()
        let directory = folder.url.appendingPathComponent(".convo").path
        let file = directory + "/store.sqlite"
        let gone = [file + "-wal", file + "-shm"]
        #expect(!gone.contains { FileManager.default.fileExists(atPath: $0) }, "closing removed them")
        #expect(Repository.canWrite([file, directory], sideFiles: gone))
        #expect(!Repository.canWrite([file + "-missing", directory], sideFiles: []), "a missing main file is not writable")
        #expect(try Repository.open(at: folder.url.appendingPathComponent(".convo"), mode: .readWrite).queue.close() == ())
    }

    @Test func createIsOwnerOnlyAndReopenable() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        let (repository, created) = try Repository.create(at: directory)
        #expect(created)
        try repository.appendChain(2)
        let folderMode = try FileManager.default.attributesOfItem(atPath: directory.path)[.posixPermissions] as? Int
        let fileMode = try FileManager.default.attributesOfItem(atPath: directory.appendingPathComponent("store.sqlite").path)[.posixPermissions] as? Int
        #expect(folderMode == 0o700)
        #expect(fileMode == 0o600)
        let (again, createdAgain) = try Repository.create(at: directory)
        #expect(!createdAgain)
        #expect(try again.read { try $0.objectCounts()[.turn] } == 2)
        let mode = try again.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func discoveryWalksUpAndHonoursConvoDir() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        _ = try Repository.create(at: directory)
        let nested = folder.url.appendingPathComponent("a/b/c")
        try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
        #expect(try Repository.discover(from: nested.path, environment: [:]).standardizedFileURL.path == directory.standardizedFileURL.path)
        let elsewhere = try TemporaryFolder()
        #expect(throws: StoreError.notARepository(searchedFrom: elsewhere.url.path)) {
            try Repository.discover(from: elsewhere.url.path, environment: [:])
        }
        #expect(try Repository.discover(from: elsewhere.url.path, environment: ["CONVO_DIR": directory.path]).path == directory.path)
    }

    @Test func aForeignSQLiteDatabaseIsRefused() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("store.sqlite").path
        let other = try DatabaseQueue(path: path)
        try other.write { try $0.execute(sql: "CREATE TABLE notes(text TEXT); INSERT INTO notes VALUES ('mine')") }
        try other.close()
        #expect(throws: StoreError.foreignDatabase(path: path, applicationID: 0)) { try Repository.open(at: directory) }
        // Nothing was changed in the other program's file.
        let check = try DatabaseQueue(path: path)
        #expect(try check.read { try String.fetchOne($0, sql: "SELECT text FROM notes") } == "mine")
    }

    @Test func aFileThatIsNotADatabaseIsReportedAsCorrupt() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("store.sqlite").path
        try Data("this is not a database, just some text that is long enough".utf8).write(to: URL(fileURLWithPath: path))
        #expect {
            try Repository.open(at: directory)
        } throws: { error in
            if case StoreError.corruptDatabase(let reported, _) = error { return reported == path }
            return false
        }
    }

    @Test func twoConnectionsSeeEachOthersCommits() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        let (first, _) = try Repository.create(at: directory)
        let second = try Repository.open(at: directory)
        let ids = try first.appendChain(1)
        #expect(try second.read { try $0.head().tip } == ids[0])
        let more = try second.appendChain(1, prefix: "second")
        #expect(try first.read { try $0.head().tip } == more[0])
    }
}
