import Foundation
import GRDB

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension Repository {
    /// Creates the repository folder and database (owner-only permissions) unless the database exists.
    /// Returns the repository and whether it was newly created.
    ///
    /// An existing database is never truncated or replaced: the new one is built beside it under a unique
    /// name and linked into place, and `link` fails when the name exists, so concurrent inits leave exactly
    /// one complete repository (the others open it). A folder that cannot be read is an error.
    public static func create(
        at directory: URL, clock: @escaping @Sendable () -> Date = { Date() }
    ) throws -> (Repository, created: Bool) {
        let file = directory.appendingPathComponent(databaseFileName)
        switch probe(file.path) {
        case .present: return (try open(at: directory, mode: .readWrite, clock: clock), false)
        case .denied(let code): throw permissionDenied(directory.path, code)
        case .missing: break
        }
        try makeFolder(directory)
        let temporary = directory.appendingPathComponent(".\(databaseFileName).init-\(getpid())-\(UUID().uuidString)").path
        defer {
            for suffix in ["", "-wal", "-shm", "-journal"] { unlink(temporary + suffix) }
        }
        let descriptor = openFile(temporary, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw cannotCreate(directory.path, errno) }
        closeFile(descriptor)
        try wrap(path: temporary) {
            let queue = try DatabaseQueue(path: temporary, configuration: configuration(.readWrite))
            try initializeNew(queue, now: Int64(clock().timeIntervalSince1970))
            // Everything into the main file, so that the linked file is the whole repository.
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
            try queue.close()
        }
        if link(temporary, file.path) != 0 {
            let code = errno
            // Another init won the race: its repository is complete, use it.
            if code == EEXIST { return (try open(at: directory, mode: .readWrite, clock: clock), false) }
            throw cannotCreate(file.path, code)
        }
        return (try open(at: directory, mode: .readWrite, clock: clock), true)
    }

    private static func cannotCreate(_ path: String, _ code: Int32) -> StoreError {
        code == EACCES || code == EPERM || code == EROFS
            ? .permissionDenied(path: path, reason: String(cString: strerror(code)))
            : .database("cannot create \(path): \(String(cString: strerror(code)))")
    }

    /// Creates `directory` owner-only if it is missing; an existing folder keeps its mode.
    private static func makeFolder(_ directory: URL) throws {
        let parent = directory.deletingLastPathComponent()
        if probe(parent.path) == .missing {
            do {
                try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
            } catch {
                throw StoreError.database("cannot create \(parent.path): \(error.localizedDescription)")
            }
        }
        if mkdir(directory.path, 0o700) == 0 {
            chmod(directory.path, 0o700)
        } else if errno != EEXIST {
            throw cannotCreate(directory.path, errno)
        }
    }
}
