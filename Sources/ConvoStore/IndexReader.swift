import Foundation
import GRDBSQLite

/// SQLite copies a bound value bound with it.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// A read-only SQLite connection opened through SQLite's C interface, without GRDB, for the commands that read a
/// few rows of refs and the index (`log -n 20`). GRDB's `DatabaseQueue` costs about 5 M instructions to open and
/// close (issue 11: its `Database` set-up resolves four generic types by scanning every conformance record of
/// the static binary, runs PRAGMAs and a format check, and its deinit calls `NotificationCenter`), against a
/// whole-process target of 10 M for `log -n 20`. Statements are prepared once and kept.
final class ReadConnection: @unchecked Sendable {
    /// The statements ``IndexReader`` runs, each prepared on first use.
    enum Query: Int, CaseIterable {
        case head, target, summary, before, after, begin, commit, rollback, version
        var sql: String {
            switch self {
            case .head: "SELECT target, symbolic FROM ref WHERE name = 'HEAD'"
            case .target: "SELECT target FROM ref WHERE name = ? AND target IS NOT NULL"
            case .summary: "SELECT \(TurnSummary.columns) FROM turn_index WHERE id = ?"
            case .before: "SELECT id FROM object WHERE id < ? ORDER BY id DESC LIMIT 1"
            case .after: "SELECT id FROM object WHERE id > ? ORDER BY id LIMIT 1"
            case .begin: "BEGIN DEFERRED TRANSACTION"
            case .commit: "COMMIT TRANSACTION"
            case .rollback: "ROLLBACK TRANSACTION"
            case .version: "PRAGMA user_version"
            }
        }
    }

    let handle: OpaquePointer
    /// The database file, for messages.
    let file: String
    private var statements = [OpaquePointer?](repeating: nil, count: Query.allCases.count)
    /// One transaction at a time: the connection is not shared between threads otherwise.
    let lock = NSLock()

    /// Opens `openPath` (the file, or its `immutable=1` URI) read-only, with the flags GRDB opens it with, so
    /// that a file SQLite refuses is refused with the same error.
    init(openPath: String, file: String) throws(StoreError) {
        var connection: OpaquePointer?
        let code = sqlite3_open_v2(openPath, &connection, SQLITE_OPEN_READONLY | 0x0200_0000 /* SQLITE_OPEN_EXRESCODE */, nil)
        guard code == SQLITE_OK, let connection else {
            let message = connection.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(code))
            sqlite3_close(connection)
            throw Self.error(code, message, file: file)
        }
        handle = connection
        self.file = file
        // The same waiting as GRDB's connections (BusyWait): a reader in WAL mode is rarely told to wait.
        sqlite3_busy_handler(connection, { _, tries in BusyWait.retry(Int(tries)) ? 1 : 0 }, nil)
    }

    deinit {
        for statement in statements where statement != nil { sqlite3_finalize(statement) }
        sqlite3_close(handle)
    }

    /// The prepared statement of `query`, reset and with its arguments cleared.
    func statement(_ query: Query) throws(StoreError) -> OpaquePointer {
        if let statement = statements[query.rawValue] {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            return statement
        }
        var statement: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, query.sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil)
        guard code == SQLITE_OK, let statement else { throw lastError(code) }
        statements[query.rawValue] = statement
        return statement
    }

    /// Steps `statement`: true for a row, false when done.
    func step(_ statement: OpaquePointer) throws(StoreError) -> Bool {
        switch sqlite3_step(statement) {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case let code: throw lastError(code)
        }
    }

    /// Runs a statement that returns no row.
    func run(_ query: Query) throws(StoreError) {
        let statement = try statement(query)
        defer { sqlite3_reset(statement) }
        _ = try step(statement)
    }

    /// `PRAGMA user_version`.
    func userVersion() throws(StoreError) -> Int {
        let statement = try statement(.version)
        defer { sqlite3_reset(statement) }
        return try step(statement) ? Int(sqlite3_column_int64(statement, 0)) : 0
    }

    private func lastError(_ code: Int32) -> StoreError {
        Self.error(code, String(cString: sqlite3_errmsg(handle)), file: file)
    }

    /// SQLite's error as ``StoreError``, the way `Repository.wrap` maps GRDB's.
    static func error(_ code: Int32, _ message: String, file: String) -> StoreError {
        switch code & 0xFF {
        case SQLITE_NOTADB, SQLITE_CORRUPT: .corruptDatabase(path: file, detail: message)
        case SQLITE_READONLY: .readOnlyRepository(path: URL(fileURLWithPath: file).deletingLastPathComponent().path)
        case SQLITE_CANTOPEN, SQLITE_PERM, SQLITE_AUTH: .permissionDenied(path: file, reason: message)
        case SQLITE_ERROR where message.hasPrefix("no such table") || message.hasPrefix("no such column"):
            .corruptDatabase(path: file, detail: message)
        case SQLITE_BUSY, SQLITE_LOCKED: .busy(message)
        default: .database(message)
        }
    }
}

/// Refs, index rows and abbreviations read through a ``ReadConnection`` inside one read transaction: what a short
/// `log` needs, and nothing else. It reports no error of its own: a row that is not as convo writes it, a
/// revision other than a ref (with `~N`), or any SQLite error throws ``IndexReader/Unsure``, and the caller reads
/// the same thing again through ``StoreReader`` (in a transaction of its own), whose output and errors are the
/// reference. So a damaged store prints exactly what it printed before.
public struct IndexReader {
    /// Thrown when the full reader must decide.
    public struct Unsure: Error {
        /// Leaves the read to ``StoreReader``.
        public init() {}
    }

    let connection: ReadConnection

    private func statement(_ query: ReadConnection.Query) throws -> OpaquePointer {
        do { return try connection.statement(query) } catch { throw Unsure() }
    }

    private func step(_ statement: OpaquePointer) throws -> Bool {
        do { return try connection.step(statement) } catch { throw Unsure() }
    }

    private func bind(_ statement: OpaquePointer, _ id: ObjectID) {
        id.bytes.withUnsafeBytes { _ = sqlite3_bind_blob(statement, 1, $0.baseAddress, 32, transient) }
    }

    /// A 32-byte blob column as an id; nil for NULL; ``Unsure`` for anything else.
    private func id(_ statement: OpaquePointer, _ column: Int32) throws -> ObjectID? {
        guard let value = RowColumns.id(statement, column) else { throw Unsure() }
        return value
    }

    /// A text column as GRDB reads it (``RowColumns/text(_:_:)``); ``Unsure`` for a number.
    private func text(_ statement: OpaquePointer, _ column: Int32) throws -> String? {
        guard let value = RowColumns.text(statement, column) else { throw Unsure() }
        return value
    }

    /// Where HEAD points (``StoreReader/head()``).
    public func head() throws -> Head {
        let statement = try statement(.head)
        defer { sqlite3_reset(statement) }
        guard try step(statement) else { throw Unsure() }
        if sqlite3_column_type(statement, 1) != SQLITE_NULL {
            guard sqlite3_column_type(statement, 1) == SQLITE_TEXT, let symbolic = try text(statement, 1), symbolic.hasPrefix("refs/heads/"), let branch = try? BranchName(stored: String(symbolic.dropFirst(11))) else {
                throw Unsure()
            }
            return .branch(branch, tip: try target(of: symbolic))
        }
        guard let id = try id(statement, 0) else { throw Unsure() }
        return .detached(id)
    }

    /// The turn a ref points at, or nil when absent (``StoreReader/target(of:)``).
    public func target(of ref: String) throws -> ObjectID? {
        let statement = try statement(.target)
        defer { sqlite3_reset(statement) }
        _ = sqlite3_bind_text(statement, 1, ref, -1, transient)
        guard try step(statement) else { return nil }
        return try id(statement, 0)
    }

    /// The index entry of turn `id` (``StoreReader/summary(_:)``); nil when the index lacks it.
    public func summary(_ id: ObjectID) throws -> TurnSummary? {
        let statement = try statement(.summary)
        defer { sqlite3_reset(statement) }
        bind(statement, id)
        guard try step(statement) else { return nil }
        guard let summary = TurnSummary(columnsOf: statement) else { throw Unsure() }
        return summary
    }

    /// What a revision names, when it is HEAD or a ref, possibly with `~N`/`^` suffixes whose turns are all in the
    /// index (``StoreReader/resolve(_:)``); ``Unsure`` for anything else (ids, response ids, reflog entries, errors).
    public func resolve(_ text: String) throws -> ObjectID {
        guard let revision = try? Revision.parse(text), case .name(let name) = revision.base else { throw Unsure() }
        var id: ObjectID
        if name == "HEAD" {
            guard let tip = try head().tip else { throw Unsure() }
            id = tip
        } else {
            // StoreReader.resolveName's order.
            var refNames = name.hasPrefix("refs/heads/") ? [name, "refs/heads/" + name] : ["refs/heads/" + name]
            refNames += refNames.map { $0.precomposedStringWithCanonicalMapping }
            guard let tip = try refNames.lazy.compactMap({ try self.target(of: $0) }).first else { throw Unsure() }
            id = tip
        }
        for _ in 0..<revision.generations {
            guard let parent = try summary(id)?.parent else { throw Unsure() }
            id = parent
        }
        return id
    }

    /// Turn `start` and its ancestors, newest first, at most `limit` (``StoreReader/ancestry(of:limit:)``).
    public func ancestry(of start: ObjectID, limit: Int) throws -> [TurnSummary] {
        var result = [TurnSummary]()
        var next: ObjectID? = start
        while let id = next, result.count < limit {
            guard let summary = try summary(id) else { throw Unsure() }
            result.append(summary)
            next = summary.parent
        }
        return result
    }

    /// The shortest prefix of `id` (at least `minimum` digits) that no other object shares
    /// (``StoreReader/abbreviation(of:minimum:)``).
    public func abbreviation(of id: ObjectID, minimum: Int = 7) throws -> String {
        var shared = 0
        for query in [ReadConnection.Query.before, .after] {
            let statement = try statement(query)
            defer { sqlite3_reset(statement) }
            bind(statement, id)
            guard try step(statement) else { continue }
            // As StoreReader reads it: a neighbour that is a blob of another length than 32 counts as none.
            guard sqlite3_column_type(statement, 0) == SQLITE_BLOB else { throw Unsure() }
            if sqlite3_column_bytes(statement, 0) == 32, let bytes = sqlite3_column_blob(statement, 0),
                let other = ObjectID(bytes: UnsafeRawBufferPointer(start: bytes, count: 32))
            {
                shared = max(shared, StoreReader.sharedHexDigits(id, other))
            }
        }
        return id.abbreviated(max(minimum, shared + 1))
    }

    /// The branches whose tips are among `ids`, sorted by name (``StoreReader/branches(pointingAt:)``); a short list.
    public func branches(pointingAt ids: [ObjectID]) throws -> [(name: BranchName, tip: ObjectID)] {
        guard !ids.isEmpty else { return [] }
        guard ids.count <= 500 else { throw Unsure() }
        let placeholders = Array(repeating: "?", count: ids.count).joined(separator: ",")
        var prepared: OpaquePointer?
        guard
            sqlite3_prepare_v2(
                connection.handle, "SELECT name, target FROM ref WHERE target IN (\(placeholders)) AND name LIKE 'refs/heads/%' ORDER BY name",
                -1, &prepared, nil) == SQLITE_OK, let statement = prepared
        else {
            sqlite3_finalize(prepared)
            throw Unsure()
        }
        defer { sqlite3_finalize(statement) }
        for (index, id) in ids.enumerated() {
            id.bytes.withUnsafeBytes { _ = sqlite3_bind_blob(statement, Int32(index + 1), $0.baseAddress, 32, transient) }
        }
        var result = [(name: BranchName, tip: ObjectID)]()
        while try step(statement) {
            // As StoreReader.branch(_:): a name that is text, a 32-byte target, a valid branch name; else no branch.
            guard sqlite3_column_type(statement, 0) == SQLITE_TEXT, let name = try text(statement, 0) else { throw Unsure() }
            guard let tip = try id(statement, 1), let branch = try? BranchName(stored: String(name.dropFirst(11))) else { continue }
            result.append((branch, tip))
        }
        return result
    }
}

/// Columns of a row read through SQLite's C interface as GRDB's typed reads read them; nil where GRDB's read could
/// differ or fail (the caller then reads the row through GRDB, whose errors name the damage).
enum RowColumns {
    /// A 32-byte blob column as an id; `.some(nil)` for NULL; nil for anything else.
    static func id(_ statement: OpaquePointer, _ column: Int32) -> ObjectID?? {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return .some(nil)
        case SQLITE_BLOB where sqlite3_column_bytes(statement, column) == 32:
            guard let bytes = sqlite3_column_blob(statement, column) else { return nil }
            return ObjectID(bytes: UnsafeRawBufferPointer(start: bytes, count: 32))
        default: return nil
        }
    }

    /// A text column as GRDB reads it (TEXT up to its first NUL, as `String(cString:)`; a BLOB as UTF-8 with
    /// repairs, as ``Summary/text(_:)``); `.some(nil)` for NULL; nil for a number.
    static func text(_ statement: OpaquePointer, _ column: Int32) -> String?? {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return .some(nil)
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(statement, column) else { return nil }
            return String(cString: text)
        case SQLITE_BLOB:
            let count = Int(sqlite3_column_bytes(statement, column))
            guard count > 0 else { return "" }
            guard let bytes = sqlite3_column_blob(statement, column) else { return nil }
            return String(decoding: UnsafeRawBufferPointer(start: bytes, count: count), as: UTF8.self)
        default: return nil
        }
    }

    /// An integer column; `.some(nil)` for NULL; nil for anything else.
    static func integer(_ statement: OpaquePointer, _ column: Int32) -> Int64?? {
        switch sqlite3_column_type(statement, column) {
        case SQLITE_NULL: return .some(nil)
        case SQLITE_INTEGER: return sqlite3_column_int64(statement, column)
        default: return nil
        }
    }
}

extension TurnSummary {
    /// The current row of a statement selecting ``columns``, read through SQLite's C interface: what
    /// ``init(row:)`` reads from the same row, or nil when the row is not as convo writes it (a column of another
    /// type), which GRDB's row then reads or reports. GRDB's row cost 72,000 instructions a turn, most of `log`'s
    /// walk down a long conversation (issue 11).
    init?(columnsOf statement: OpaquePointer) {
        guard case let found?? = RowColumns.id(statement, 0), case let parent? = RowColumns.id(statement, 1),
            case let createdAt?? = RowColumns.integer(statement, 2), case let model? = RowColumns.text(statement, 3),
            case let responseID? = RowColumns.text(statement, 4), case let status?? = RowColumns.text(statement, 5),
            case let origin? = RowColumns.text(statement, 6), case let stored?? = RowColumns.integer(statement, 7),
            case let replay?? = RowColumns.integer(statement, 8), case let inputTokens? = RowColumns.integer(statement, 9),
            case let outputTokens? = RowColumns.integer(statement, 10), case let inputLine?? = RowColumns.text(statement, 11),
            case let outputLine?? = RowColumns.text(statement, 12)
        else { return nil }
        // As Summary.storedLine(_:) reads them: a line ending with the newline mark is the prefix of a longer one.
        func kept(_ line: String) -> (line: String, isPrefix: Bool) {
            line.utf8.last == 0x0A ? (String(decoding: line.utf8.dropLast(), as: UTF8.self), true) : (line, false)
        }
        let (input, output) = (kept(inputLine), kept(outputLine))
        self.init(
            id: found, parent: parent, createdAt: createdAt, model: model, responseID: responseID, status: status, origin: origin,
            stored: stored != 0, replay: replay != 0, inputTokens: inputTokens, outputTokens: outputTokens, inputLine: input.line,
            outputLine: output.line)
        (inputLineIsPrefix, outputLineIsPrefix) = (input.isPrefix, output.isPrefix)
    }
}
