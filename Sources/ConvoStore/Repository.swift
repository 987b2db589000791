import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How a command opens a repository.
public enum AccessMode: Sendable, Equatable {
    /// Reading commands: no migration, no journal-mode switch, no file created; works on a repository this
    /// user cannot write (a backup, another user's), and refuses a format newer than this convo knows.
    case readOnly
    /// Writing commands: pending migrations run first (and the derived tables they leave empty are
    /// refilled); refused with ``StoreError/readOnlyRepository(path:)`` when the files cannot be written.
    case readWrite
}

/// A convo repository: one SQLite database holding objects, refs, reflog, config and derived indexes.
public final class Repository: Sendable {
    /// The `.convo` folder (nil for an in-memory repository).
    public let directory: URL?
    /// How it was opened.
    public let mode: AccessMode
    /// The repository format found when it was opened (before any migration it ran).
    public let openedFormat: Int
    /// GRDB's connection: opened with the repository, or, after ``open(at:mode:light:clock:)`` with `light`, when
    /// a read first needs it.
    var queue: DatabaseQueue {
        get throws { try lazyQueue.get() }
    }
    private let lazyQueue: LazyQueue
    /// The plain connection ``readIndex(_:)`` reads through, when the repository was opened `light`.
    let index: ReadConnection?
    let clock: @Sendable () -> Date
    /// The database file, for messages.
    let path: String

    /// The name of the database file inside the repository folder.
    public static let databaseFileName = "store.sqlite"
    /// The name of the repository folder in a working folder.
    public static let folderName = ".convo"
    /// The repository format this convo writes (`PRAGMA user_version`); see ``Schema``.
    public static var currentFormat: Int { Schema.formatVersion }

    convenience init(directory: URL?, queue: DatabaseQueue, mode: AccessMode = .readWrite, openedFormat: Int = Schema.formatVersion,
         clock: @escaping @Sendable () -> Date) {
        self.init(directory: directory, queue: LazyQueue(queue), index: nil, mode: mode, openedFormat: openedFormat, clock: clock)
    }

    private init(directory: URL?, queue: LazyQueue, index: ReadConnection?, mode: AccessMode, openedFormat: Int,
                 clock: @escaping @Sendable () -> Date) {
        self.directory = directory
        self.lazyQueue = queue
        self.index = index
        self.mode = mode
        self.openedFormat = openedFormat
        self.clock = clock
        self.path = directory?.appendingPathComponent(Self.databaseFileName).path ?? "(in-memory database)"
    }

    /// The current time in whole seconds, from the injected clock.
    var now: Int64 { Int64(clock().timeIntervalSince1970.rounded(.down)) }

    /// A fresh repository in memory, for tests.
    public static func inMemory(clock: @escaping @Sendable () -> Date = { Date() }) throws -> Repository {
        let queue = try wrap { try DatabaseQueue(configuration: configuration(.readWrite)) }
        try wrap { try initializeNew(queue, now: Int64(clock().timeIntervalSince1970)) }
        return Repository(directory: nil, queue: queue, clock: clock)
    }

    // MARK: Finding

    /// What `stat` says about a path.
    enum Probe: Equatable {
        case missing
        case present
        /// stat failed for another reason than absence (errno), e.g. a folder without search permission.
        case denied(Int32)
    }

    static func probe(_ path: String) -> Probe {
        var info = stat()
        if stat(path, &info) == 0 { return .present }
        let code = errno
        return code == ENOENT || code == ENOTDIR ? .missing : .denied(code)
    }

    static func permissionDenied(_ folder: String, _ code: Int32) -> StoreError {
        .permissionDenied(path: folder, reason: String(cString: strerror(code)))
    }

    /// Finds the repository folder: `$CONVO_DIR` if set, else `.convo` in `folder` or its nearest parent.
    /// A `.convo` that exists but cannot be read is an error naming it, not a reason to look further up.
    public static func discover(from folder: String, environment: [String: String]) throws(StoreError) -> URL {
        if let explicit = environment["CONVO_DIR"], !explicit.isEmpty {
            let url = URL(fileURLWithPath: explicit, relativeTo: URL(fileURLWithPath: folder, isDirectory: true))
                .standardizedFileURL
            switch probe(url.appendingPathComponent(databaseFileName).path) {
            case .present: return url
            case .denied(let code): throw permissionDenied(url.path, code)
            case .missing: throw .notARepository(searchedFrom: url.path)
            }
        }
        var current = URL(fileURLWithPath: folder, isDirectory: true).standardizedFileURL
        while true {
            let candidate = current.appendingPathComponent(folderName, isDirectory: true)
            switch probe(candidate.appendingPathComponent(databaseFileName).path) {
            case .present: return candidate
            case .denied(let code):
                // The folder exists (or cannot be looked into): it is the repository the user means.
                if probe(candidate.path) != .missing { throw permissionDenied(candidate.path, code) }
            case .missing: break
            }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { throw .notARepository(searchedFrom: folder) }
            current = parent
        }
    }

    // MARK: Creating

    /// Writes the schema of a new database: application id, incremental auto-vacuum (which must precede the
    /// first table), WAL mode, every migration, and HEAD on `main`.
    static func initializeNew(_ queue: DatabaseQueue, now: Int64) throws {
        try queue.writeWithoutTransaction { db in
            // gc then compacts incrementally (see vacuum()). Before anything is written to the file.
            try db.execute(sql: "PRAGMA auto_vacuum = INCREMENTAL")
            try db.execute(sql: "PRAGMA application_id = \(Schema.applicationID)")
            if try String.fetchOne(db, sql: "PRAGMA journal_mode") != "memory" {
                try db.execute(sql: "PRAGMA journal_mode = WAL")
            }
        }
        try queue.inTransaction(.immediate) { db in
            try Schema.migrate(db, now: now)
            try db.execute(sql: "INSERT OR IGNORE INTO ref(name, symbolic) VALUES ('HEAD', 'refs/heads/main')")
            return .commit
        }
    }

    // MARK: Opening

    /// Whether this user can write every one of `paths` and of the `sideFiles` (`-wal`, `-shm`) seen a moment ago.
    /// A side file that is gone by now is no obstacle: SQLite removes both when the last connection closes,
    /// so another process closing the database between the look and this check (concurrent `init`s) is normal.
    static func canWrite(_ paths: [String], sideFiles: [String]) -> Bool {
        paths.allSatisfy { access($0, W_OK) == 0 } && sideFiles.allSatisfy { access($0, W_OK) == 0 || errno == ENOENT }
    }

    /// Opens an existing repository folder, checking that its database is a convo store of a format this
    /// convo understands. `.readOnly` writes nothing and creates no file; `.readWrite` runs pending migrations.
    /// `light` (read-only only) opens a plain SQLite connection for ``readIndex(_:)`` and leaves GRDB's until a
    /// ``read(_:)`` needs it: a short `log` then never builds GRDB's connection (issue 11, start-up).
    public static func open(
        at directory: URL, mode: AccessMode = .readWrite, light: Bool = false, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> Repository {
        let file = directory.appendingPathComponent(databaseFileName).path
        try checkHeader(file, folder: directory.path)
        let sideFiles = [file + "-wal", file + "-shm"].filter { probe($0) == .present }
        let writable = canWrite([file, directory.path], sideFiles: sideFiles)
        if mode == .readWrite, !writable { throw StoreError.readOnlyRepository(path: directory.path) }
        let openPath: String
        if writable {
            openPath = file
        } else if fileSize(file + "-wal") > 0 {
            // Committed turns may sit in the log: read through it (SQLite needs its -shm to exist then).
            openPath = file
        } else {
            // Nothing in a log and nowhere to write one: read the file as it is, without locks or side files.
            openPath = "file:" + (file.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file) + "?immutable=1"
        }
        let makeQueue = { try wrap(path: file) { try DatabaseQueue(path: openPath, configuration: configuration(mode)) } }
        let queue: LazyQueue
        let index: ReadConnection?
        let found: Int
        // Anything unusual (SQLite refusing the file, a format from before user_version was kept) takes GRDB's
        // path, which reports it as convo always has.
        if light, mode == .readOnly, let connection = try? ReadConnection(openPath: openPath, file: file),
            let version = try? connection.userVersion(), version > 0
        {
            queue = LazyQueue(makeQueue)
            index = connection
            found = version
        } else {
            let opened = try makeQueue()
            queue = LazyQueue(opened)
            index = nil
            found = try wrap(path: file) { try opened.read { db in try Schema.version(of: db) } }
        }
        if found > Schema.formatVersion {
            throw StoreError.newerFormat(path: file, found: found, supported: Schema.formatVersion)
        }
        let repository = Repository(directory: directory, queue: queue, index: index, mode: mode, openedFormat: found, clock: clock)
        switch mode {
        case .readOnly:
            if found < Schema.oldestReadableFormat {
                throw StoreError.outdatedFormat(path: file, found: found, current: Schema.formatVersion)
            }
        case .readWrite:
            if found < Schema.formatVersion { try repository.migrate() }
        }
        return repository
    }

    /// Reads the file's SQLite header without SQLite, so that another program's database is refused before
    /// anything (a journal-mode switch, a migration) could change it.
    private static func checkHeader(_ file: String, folder: String) throws {
        let descriptor = openFile(file, O_RDONLY | O_CLOEXEC, 0)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT { throw StoreError.notARepository(searchedFrom: folder) }
            throw permissionDenied(code == EACCES ? file : folder, code)
        }
        var header = [UInt8](repeating: 0, count: 100)
        let count = readFile(descriptor, &header, 100)
        closeFile(descriptor)
        if count == 0 { throw StoreError.emptyStore(path: file) }
        guard count == 100, header.prefix(16).elementsEqual("SQLite format 3\0".utf8) else {
            throw StoreError.corruptDatabase(path: file, detail: "no SQLite header")
        }
        let applicationID = Int32(bitPattern: header[68..<72].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
        guard applicationID == Schema.applicationID else {
            // A new repository's header is written before its log is checkpointed only by an older convo that
            // was killed at once; ask SQLite (read-only) before calling such a file foreign.
            if fileSize(file + "-wal") > 0,
                let queue = try? DatabaseQueue(path: file, configuration: configuration(.readOnly)),
                (try? queue.read { db in try Int32.fetchOne(db, sql: "PRAGMA application_id") }) == Schema.applicationID
            {
                return
            }
            throw StoreError.foreignDatabase(path: file, applicationID: applicationID)
        }
    }

    private static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    /// Runs the pending migrations and refills the derived tables they leave empty, in one transaction, so
    /// that a repository is either at its old format or wholly at the new one.
    private func migrate() throws {
        let now = self.now
        var migrated = false
        try Self.wrap(path: path) {
            try queue.inTransaction(.immediate) { db in
                let found = try Schema.version(of: db)
                if found > Schema.formatVersion {
                    throw StoreError.newerFormat(path: path, found: found, supported: Schema.formatVersion)
                }
                migrated = found < Schema.formatVersion
                try Schema.migrate(db, now: now)
                return .commit
            }
        }
        // A migration that refilled the derived tables freed their old pages, as a bulk write does (deep corpus,
        // format 12 to 13: 297 free pages, 1.2 MB, and the refilled search index in small segments).
        if migrated { try? tidyAfterBulkWrite() }
    }

    static func configuration(_ mode: AccessMode) -> Configuration {
        var configuration = Configuration()
        configuration.readonly = mode == .readOnly
        configuration.busyMode = .callback(BusyWait.retry)
        configuration.prepareDatabase { db in
            // Per connection, writes nothing to the file.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        return configuration
    }

    /// Runs `body` in one read transaction.
    /// Errors thrown by `body` pass through unchanged; SQLite's become ``StoreError``.
    public func read<T>(_ body: (StoreReader) throws -> T) throws -> T {
        try Self.wrap(path: path) { try queue.read { db in try body(StoreReader(db: db, format: mode == .readWrite ? Schema.formatVersion : openedFormat)) } }
    }

    /// Runs `body` in one read transaction of the plain connection of a repository opened `light`. Returns nil when
    /// there is none, or when `body` threw ``IndexReader/Unsure`` (a row or revision only ``StoreReader`` reads as
    /// convo always has): the caller then reads through ``read(_:)``. Other errors thrown by `body` pass through.
    public func readIndex<T>(_ body: (IndexReader) throws -> T) throws -> T? {
        guard let index else { return nil }
        index.lock.lock()
        defer { index.lock.unlock() }
        do {
            try index.run(.begin)
        } catch {
            return nil
        }
        do {
            let result = try body(IndexReader(connection: index))
            try? index.run(.commit)
            return result
        } catch is IndexReader.Unsure {
            try? index.run(.rollback)
            return nil
        } catch {
            try? index.run(.rollback)
            throw error
        }
    }

    /// Runs `body` in one write transaction: everything it writes lands together or not at all.
    /// Errors thrown by `body` roll the transaction back and pass through unchanged; SQLite's become ``StoreError``.
    /// With `packing`, new objects are stored in packs (bulk imports); otherwise each is compressed alone.
    public func write<T>(packing: Bool = false, _ body: (StoreWriter) throws -> T) throws -> T {
        guard mode == .readWrite else { throw StoreError.readOnlyRepository(path: directory?.path ?? path) }
        let now = self.now
        let result = try Self.wrap(path: path) {
            try queue.write { db in
                let packer = packing ? Packer() : nil
                let result = try body(StoreWriter(db: db, now: now, packer: packer))
                try packer?.finish(db)
                return result
            }
        }
        // The write has committed: tidying up after it is an optimisation, and its failure (another writer holding
        // the database past the busy timeout) must not make a completed import look failed.
        if packing { try? tidyAfterBulkWrite() }
        return result
    }

    /// After a bulk write (issue 11, "Store size"; deep corpus: 0.28 MB and 0.3 MB of 20.5 MB): merges the search
    /// index's segments, at most `mergePages` leaf pages of work (about 2 MB of index, 0.03 s of CPU), so that an
    /// import's many small segments become few; then gives the free pages (the merged segments' among them) back to
    /// the file system, in a transaction of its own: inside the write's, `incremental_vacuum` left them. Moves only
    /// the free pages (`auto_vacuum = INCREMENTAL`); a repository made before that keeps them.
    private func tidyAfterBulkWrite() throws {
        try Self.wrap(path: path) {
            try queue.write { db in
                try db.execute(sql: "INSERT INTO turn_search(turn_search, rank) VALUES ('merge', \(Self.mergePages))")
            }
            try queue.writeWithoutTransaction { db in
                guard try Int.fetchOne(db, sql: "PRAGMA auto_vacuum") == 2, try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0 > 0 else { return }
                try db.execute(sql: "PRAGMA incremental_vacuum")
            }
        }
    }

    /// Leaf pages of merging the search index may do after one bulk write.
    static let mergePages = 500

    /// Compacts the database file: returns its free pages to the file system.
    ///
    /// Repositories are created with `auto_vacuum = INCREMENTAL`, so this moves only as many pages as are
    /// free, however large the database. A repository made before that is converted by one full VACUUM,
    /// which rewrites every page. Checkpointing truncates the WAL so the space is returned now.
    public func vacuum() throws {
        guard mode == .readWrite else { throw StoreError.readOnlyRepository(path: directory?.path ?? path) }
        try Self.wrap(path: path) {
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
            sum + Self.fileSize(directory.appendingPathComponent(name).path)
        }
    }

    static func wrap<T>(path: String = "(in-memory database)", _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as DatabaseError {
            let message = error.message ?? "\(error.resultCode)"
            switch error.resultCode {
            case .SQLITE_NOTADB, .SQLITE_CORRUPT:
                throw StoreError.corruptDatabase(path: path, detail: message)
            case .SQLITE_READONLY:
                throw StoreError.readOnlyRepository(path: URL(fileURLWithPath: path).deletingLastPathComponent().path)
            case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
                throw StoreError.permissionDenied(path: path, reason: message)
            case .SQLITE_ERROR where message.hasPrefix("no such table") || message.hasPrefix("no such column"):
                // A table or column this convo's schema has is gone: the file was damaged or edited by hand.
                throw StoreError.corruptDatabase(path: path, detail: message)
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                throw StoreError.busy(error.message ?? "\(error.resultCode)")
            default:
                throw StoreError.database(message)
            }
        }
    }
}

/// GRDB's connection, opened on first use when the repository was opened `light`.
final class LazyQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var queue: DatabaseQueue?
    private let make: () throws -> DatabaseQueue

    init(_ queue: DatabaseQueue) {
        self.queue = queue
        make = { queue }
    }

    init(_ make: @escaping () throws -> DatabaseQueue) { self.make = make }

    func get() throws -> DatabaseQueue {
        lock.lock()
        defer { lock.unlock() }
        if let queue { return queue }
        let opened = try make()
        queue = opened
        return opened
    }
}

func openFile(_ path: String, _ flags: Int32, _ mode: mode_t) -> Int32 { open(path, flags, mode) }
private func readFile(_ descriptor: Int32, _ buffer: inout [UInt8], _ count: Int) -> Int {
    buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, count) }
}
func closeFile(_ descriptor: Int32) { close(descriptor) }
