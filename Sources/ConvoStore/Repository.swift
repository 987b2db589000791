import Foundation
import GRDB

/// A convo repository: one SQLite database holding objects, refs, reflog, config and derived indexes.
public final class Repository: Sendable {
    /// The `.convo` folder (nil for an in-memory repository).
    public let directory: URL?
    let queue: DatabaseQueue
    let clock: @Sendable () -> Date

    /// The name of the database file inside the repository folder.
    public static let databaseFileName = "store.sqlite"
    /// The name of the repository folder in a working folder.
    public static let folderName = ".convo"

    init(directory: URL?, queue: DatabaseQueue, clock: @escaping @Sendable () -> Date) {
        self.directory = directory
        self.queue = queue
        self.clock = clock
    }

    /// The current time in whole seconds, from the injected clock.
    var now: Int64 { Int64(clock().timeIntervalSince1970.rounded(.down)) }

    /// A fresh repository in memory, for tests.
    public static func inMemory(clock: @escaping @Sendable () -> Date = { Date() }) throws -> Repository {
        let queue = try wrap { try DatabaseQueue(configuration: configuration()) }
        let repository = Repository(directory: nil, queue: queue, clock: clock)
        try repository.initializeSchema()
        return repository
    }

    /// Finds the repository folder: `$CONVO_DIR` if set, else `.convo` in `folder` or its nearest parent.
    public static func discover(from folder: String, environment: [String: String]) throws(StoreError) -> URL {
        if let explicit = environment["CONVO_DIR"], !explicit.isEmpty {
            let url = URL(fileURLWithPath: explicit, relativeTo: URL(fileURLWithPath: folder, isDirectory: true))
                .standardizedFileURL
            guard FileManager.default.fileExists(atPath: url.appendingPathComponent(databaseFileName).path) else {
                throw .notARepository(searchedFrom: url.path)
            }
            return url
        }
        var current = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        while true {
            let candidate = current.appendingPathComponent(folderName, isDirectory: true)
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(databaseFileName).path) {
                return candidate
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { throw .notARepository(searchedFrom: folder) }
            current = parent
        }
    }

    /// Creates the repository folder and database (owner-only permissions) unless they exist.
    /// Returns the repository and whether it was newly created.
    public static func create(
        at directory: URL, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> (Repository, created: Bool) {
        let file = directory.appendingPathComponent(databaseFileName)
        let manager = FileManager.default
        if manager.fileExists(atPath: file.path) {
            return (try open(at: directory, clock: clock), false)
        }
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory.path)
            guard manager.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
                throw StoreError.database("cannot create \(file.path)")
            }
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let queue = try wrap { try DatabaseQueue(path: file.path, configuration: configuration()) }
        let repository = Repository(directory: directory, queue: queue, clock: clock)
        try repository.initializeSchema()
        return (repository, true)
    }

    /// Opens an existing repository folder, checking that its database is a convo store.
    public static func open(at directory: URL, clock: @escaping @Sendable () -> Date = { Date() }) throws -> Repository {
        let file = directory.appendingPathComponent(databaseFileName)
        guard let handle = FileHandle(forReadingAtPath: file.path) else { throw StoreError.notARepository(searchedFrom: directory.path) }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard header.isEmpty || header == Data("SQLite format 3\0".utf8) else {
            throw StoreError.corruptDatabase(path: file.path, detail: "no SQLite header")
        }
        let queue = try wrap { try DatabaseQueue(path: file.path, configuration: configuration()) }
        let repository = Repository(directory: directory, queue: queue, clock: clock)
        let applicationID = try wrap(path: file.path) { try queue.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") ?? 0 } }
        guard applicationID == Schema.applicationID else {
            throw StoreError.foreignDatabase(path: file.path, applicationID: applicationID)
        }
        try wrap(path: file.path) { try Schema.migrator.migrate(queue) }
        return repository
    }

    private func initializeSchema() throws {
        try Self.wrap {
            try queue.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA application_id = \(Schema.applicationID)")
            }
            try Schema.migrator.migrate(queue)
            try queue.write { db in
                if try Row.fetchOne(db, sql: "SELECT 1 FROM ref WHERE name = 'HEAD'") == nil {
                    try db.execute(sql: "INSERT INTO ref(name, symbolic) VALUES ('HEAD', 'refs/heads/main')")
                }
            }
        }
    }

    private static func configuration() -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .callback(BusyWait.retry)
        configuration.prepareDatabase { db in
            // Takes effect only in a database without tables (a new repository), before WAL mode writes the
            // header: gc then compacts incrementally (see vacuum()). Elsewhere it changes nothing.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL") }
            if !db.configuration.readonly, try String.fetchOne(db, sql: "PRAGMA journal_mode") != "memory" {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    /// Runs `body` in one read transaction.
    /// Errors thrown by `body` pass through unchanged; SQLite's become ``StoreError``.
    public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
        try Self.wrap { try queue.read { db in try body(StoreReader(db: db)) } }
    }

    /// Runs `body` in one write transaction: everything it writes lands together or not at all.
    /// Errors thrown by `body` roll the transaction back and pass through unchanged; SQLite's become ``StoreError``.
    /// With `packing`, new objects are stored in packs (bulk imports); otherwise each is compressed alone.
    public func write<T>(packing: Bool = false, _ body: (StoreWriter) throws -> T) throws -> T {
        let now = self.now
        return try Self.wrap {
            try queue.write { db in
                let packer = packing ? Packer() : nil
                let result = try body(StoreWriter(db: db, now: now, packer: packer))
                try packer?.finish(db)
                return result
            }
        }
    }

    /// Compacts the database file: returns its free pages to the file system.
    ///
    /// Repositories are created with `auto_vacuum = INCREMENTAL`, so this moves only as many pages as are
    /// free, however large the database. A repository made before that is converted by one full VACUUM,
    /// which rewrites every page. Checkpointing truncates the WAL so the space is returned now.
    public func vacuum() throws {
        try Self.wrap {
            try queue.writeWithoutTransaction { db in
                if try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2 {
                    try db.execute(sql: "PRAGMA incremental_vacuum")
                } else {
                    try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
                    try db.execute(sql: "VACUUM")
                }
                try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
            }
        }
    }

    /// Total bytes of the database file and its WAL, or nil in memory.
    public func fileSize() -> Int64? {
        guard let directory else { return nil }
        return [Self.databaseFileName, Self.databaseFileName + "-wal"].reduce(Int64(0)) { sum, name in
            let path = directory.appendingPathComponent(name).path
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.int64Value ?? 0
            return sum + size
        }
    }

    static func wrap<T>(path: String = "database", _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                throw StoreError.corruptDatabase(path: path, detail: error.message ?? "\(error.resultCode)")
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                throw StoreError.busy(error.message ?? "\(error.resultCode)")
            default:
                throw StoreError.database(error.message ?? "\(error)")
            }
        }
    }
}
