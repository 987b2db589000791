import Foundation
import GRDB
import GRDBSQLite

/// Where HEAD points.
public enum Head: Equatable, Sendable {
    /// On a branch; `tip` is nil while the branch has no turns.
    case branch(BranchName, tip: ObjectID?)
    /// Detached at a turn.
    case detached(ObjectID)

    /// The turn HEAD names, if any.
    public var tip: ObjectID? {
        switch self {
        case .branch(_, let tip): tip
        case .detached(let id): id
        }
    }

    /// The branch HEAD is on, if any.
    public var branch: BranchName? {
        if case .branch(let name, _) = self { return name }
        return nil
    }
}

/// One move of a ref.
public struct ReflogEntry: Equatable, Sendable {
    /// Position in the whole log.
    public var sequence: Int64
    /// `HEAD` or `refs/heads/<branch>`.
    public var ref: String
    /// The turn before the move, nil when the ref was created.
    public var old: ObjectID?
    /// The turn after the move, nil when the ref was deleted.
    public var new: ObjectID?
    /// Unix seconds.
    public var at: Int64
    /// Why it moved.
    public var message: String
}

extension StoreReader {
    /// Where HEAD points.
    public func head() throws -> Head {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT target, symbolic FROM ref WHERE name = 'HEAD'")) else {
            throw StoreError.corruptDatabase(path: "ref table", detail: "HEAD is missing")
        }
        if let symbolic = try row.stored("symbolic", in: "ref", as: String.self) {
            let branch = try BranchName(stored: String(symbolic.dropFirst("refs/heads/".count)))
            return .branch(branch, tip: try target(of: symbolic))
        }
        guard let data = try row.stored("target", in: "ref", as: Data.self), let id = ObjectID(bytes: data) else {
            throw StoreError.corruptDatabase(path: "ref table", detail: "HEAD has no target")
        }
        return .detached(id)
    }

    /// The turn a ref (`refs/heads/<name>`) points at, or nil when absent.
    public func target(of ref: String) throws -> ObjectID? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT target FROM ref WHERE name = ? AND target IS NOT NULL"), arguments: [ref])
            .flatMap { ObjectID(bytes: $0) }
    }

    /// An existing branch that a branch named `name` cannot stand beside, or nil: one whose name is a folder of
    /// `name` (`a` for `a/b`) or lies under it (`a/b` for `a`). git keeps refs as files and folders, so it refuses
    /// such a pair, and `push` could not carry it. `ignoring` is left out (the branch being renamed to `name`).
    /// Names compare canonically, by ``BranchName/folderConflict(_:in:)`` as `push` does: a legacy `é` stored in
    /// NFD stands in the way of `é/x` typed in NFC. The look-up asks for each folder and prefix in its NFC and NFD
    /// spellings (an index look-up each, no scan of every branch).
    public func branchInTheWay(of name: BranchName, ignoring: BranchName? = nil) throws -> BranchName? {
        let short = name.rawValue
        var folders = [String]()
        var index = short.utf8.startIndex
        while let slash = short.utf8[index...].firstIndex(of: UInt8(ascii: "/")) {
            folders.append(String(short[..<slash]))
            index = short.utf8.index(after: slash)
        }
        let folderRefs = folders.flatMap(BranchName.spellings(of:)).map { "refs/heads/" + $0 }
        let prefixes = BranchName.spellings(of: short).map { "refs/heads/" + $0 }
        // Byte order, as SQLite compares text: every name under `ref/` lies between `ref/` and `ref0`.
        let placeholders = (folderRefs.map { _ in "?" } + ["NULL"]).joined(separator: ", ")
        let ranges = prefixes.map { _ in "(name > ? AND name < ?)" }.joined(separator: " OR ")
        let rows = try String.fetchAll(
            db, sql: "SELECT name FROM ref WHERE target IS NOT NULL AND (name IN (\(placeholders)) OR \(ranges)) ORDER BY name LIMIT 3",
            arguments: StatementArguments(folderRefs + prefixes.flatMap { [$0 + "/", $0 + "0"] }))
        return rows.lazy.compactMap { try? BranchName(stored: String($0.dropFirst("refs/heads/".count))) }.first { existing in
            existing != ignoring
                && (BranchName.folderConflict([short], in: [existing.rawValue]) != nil
                    || BranchName.folderConflict([existing.rawValue], in: [short]) != nil)
        }
    }

    /// Throws ``StoreError/branchNameConflict(_:existing:)`` when ``branchInTheWay(of:ignoring:)`` finds a branch.
    public func refuseBranchInTheWay(of name: BranchName, ignoring: BranchName? = nil) throws {
        if let existing = try branchInTheWay(of: name, ignoring: ignoring) {
            throw StoreError.branchNameConflict(name.rawValue, existing: existing.rawValue)
        }
    }

    /// Whether a new branch chosen automatically (`<stem>-2`, `-3`, …) must try the next name: the name exists, or a
    /// branch under it does (`stem-2/x`). A branch above it (`a` for `a/b-2`) stands in the way of every number:
    /// that throws ``StoreError/branchNameConflict(_:existing:)`` instead of trying names forever.
    public func isTakenForANewBranch(_ name: BranchName) throws -> Bool {
        if try target(of: name.refName) != nil { return true }
        guard let existing = try branchInTheWay(of: name) else { return false }
        if existing.rawValue.utf8.count < name.rawValue.utf8.count {
            throw StoreError.branchNameConflict(name.rawValue, existing: existing.rawValue)
        }
        return true
    }

    /// Every branch and its tip, sorted by name.
    public func branches() throws -> [(name: BranchName, tip: ObjectID)] {
        try Row.fetchAll(db, sql: "SELECT name, target FROM ref WHERE name LIKE 'refs/heads/%' ORDER BY name").compactMap { try Self.branch($0) }
    }

    /// The tips of ``branches()``, in the same order, read through SQLite's C interface: `log --all` needs
    /// only the tips, and decoding GRDB rows cost about 12,900 instructions a branch (129 M of the 368 M
    /// instructions of `log --all -n 20` on 10,000 branches; issue 11).
    public func branchTips() throws -> [ObjectID] {
        let statement = try db.makeStatement(sql: "SELECT name, target FROM ref WHERE name LIKE 'refs/heads/%' ORDER BY name")
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var tips = [ObjectID]()
        while case let step = sqlite3_step(handle), step != SQLITE_DONE {
            guard step == SQLITE_ROW else {
                throw StoreError.corruptDatabase(path: "ref", detail: "reading the branches failed: \(String(cString: sqlite3_errstr(step)))")
            }
            // As branch(_:) reads a row: a name that is UTF-8 text (else damage), a 32-byte target, a valid name.
            let nameType = sqlite3_column_type(handle, 0)
            guard nameType == SQLITE_TEXT || nameType == SQLITE_BLOB,
                let name = sqlite3_column_blob(handle, 0).flatMap({
                    String(validating: UnsafeRawBufferPointer(start: $0, count: Int(sqlite3_column_bytes(handle, 0))), as: UTF8.self)
                }) ?? (sqlite3_column_bytes(handle, 0) == 0 ? "" : nil)
            else {
                throw StoreError.corruptDatabase(path: "ref table", detail: "a branch's name is not text; the store was edited or damaged")
            }
            let targetType = sqlite3_column_type(handle, 1)
            guard targetType == SQLITE_BLOB || targetType == SQLITE_TEXT, sqlite3_column_bytes(handle, 1) == 32,
                let bytes = sqlite3_column_blob(handle, 1),
                let tip = ObjectID(bytes: UnsafeRawBufferPointer(start: bytes, count: 32)),
                (try? BranchName(stored: String(name.dropFirst(11)))) != nil
            else { continue }
            tips.append(tip)
        }
        return tips
    }

    /// A branch and its tip from a `ref` row, nil for a row that is not a valid branch.
    private static func branch(_ row: Row) throws -> (name: BranchName, tip: ObjectID)? {
        let name = try row.required("name", in: "ref", as: String.self)
        guard let target = try row.stored("target", in: "ref", as: Data.self), let tip = ObjectID(bytes: target), let branch = try? BranchName(stored: String(name.dropFirst(11))) else {
            return nil
        }
        return (branch, tip)
    }

    /// The branches whose tips are among `ids`, sorted by name.
    public func branches(pointingAt ids: some Collection<ObjectID>) throws -> [(name: BranchName, tip: ObjectID)] {
        // A long list is cheaper as one scan of the branches than as a huge IN list.
        if ids.count > 500 {
            let wanted = Set(ids)
            return try branches().filter { wanted.contains($0.tip) }
        }
        guard !ids.isEmpty else { return [] }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        let rows = try Row.fetchAll(
            db, sql: "SELECT name, target FROM ref WHERE target IN (\(placeholders)) AND name LIKE 'refs/heads/%' ORDER BY name",
            arguments: StatementArguments(ids.map { Data($0.bytes) }))
        return try rows.compactMap { try Self.branch($0) }
    }

    /// The reflog of `ref`, newest first; every ref's when `ref` is nil.
    public func reflog(_ ref: String?) throws -> [ReflogEntry] {
        let rows = if let ref {
            try Row.fetchAll(db, sql: "SELECT * FROM reflog WHERE ref = ? ORDER BY seq DESC", arguments: [ref])
        } else {
            try Row.fetchAll(db, sql: "SELECT * FROM reflog ORDER BY seq DESC")
        }
        return try rows.map { row in
            ReflogEntry(
                sequence: try row.required("seq", in: "reflog"), ref: try row.required("ref", in: "reflog"),
                old: try row.stored("old", in: "reflog", as: Data.self).flatMap { ObjectID(bytes: $0) },
                new: try row.stored("new", in: "reflog", as: Data.self).flatMap { ObjectID(bytes: $0) },
                at: try row.required("at", in: "reflog"), message: try row.required("message", in: "reflog"))
        }
    }
}
