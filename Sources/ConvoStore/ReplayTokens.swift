import Foundation
import GRDB
import GRDBSQLite

/// A turn's share of a replay's estimated size, kept in `turn_index.replay_tokens` (format 14, issue 11): `status`
/// predicts a replay by walking back from the tip through a few hundred turns, and reading each turn's object and
/// its texts' sizes was most of its instructions on a long conversation; the walk reads the rows instead.
///
/// The value is the estimate a replay's rule gives a plain turn (no attachments, no output item of type
/// `compaction`): each user message it sends (only the newest when the turn was itself a replay) counts
/// ``tokens(length:)`` of its text's UTF-8 length, and so does its answer (its output items' texts, joined).
/// Any other turn has NULL, and a walk reads it as before. Derived: computed from the turn and its blobs' sizes
/// when its row is written, checked by fsck, refilled by `rebuildIndex`. The rule is frozen with the column:
/// changing ``tokens(length:)`` needs a migration that refills it.
public enum ReplayTokens {
    /// The first format that keeps the column: its migration's place.
    static let format = Schema.migrations.firstIndex { $0.name.hasSuffix("replay token estimates") }.map { $0 + 1 } ?? Schema.formatVersion

    /// The estimated tokens of a text of `length` UTF-8 bytes: about four bytes a token, plus one.
    public static func tokens(length: Int) -> Int { (length + 3) / 4 + 1 }

    /// The column's value for `turn`, given each referenced text's UTF-8 length; nil when the turn is not plain.
    static func estimate(_ turn: Turn, size: (ObjectID) throws -> Int) rethrows -> Int64? {
        guard !turn.request.input.contains(where: { !$0.attachments.isEmpty }),
            !turn.response.output.contains(where: { $0.type == "compaction" })
        else { return nil }
        return Int64(try estimate(TurnReferences(turn), size: size, attachmentSize: { _ in 0 }))
    }

    /// A replay's estimate of an ordinary turn (neither a compaction turn nor one the server compacted) from its
    /// references: each user message it sends (only the newest when the turn was itself a replay) counts
    /// ``tokens(length:)`` of its text's UTF-8 length (`size`) and a quarter of its attachments' bytes
    /// (`attachmentSize`), and its answer (its texts, joined) counts ``tokens(length:)`` of their lengths.
    public static func estimate(
        _ turn: TurnReferences, size: (ObjectID) throws -> Int, attachmentSize: (ObjectID) throws -> Int
    ) rethrows -> Int {
        let users = turn.input.filter { $0.role == "user" }
        var tokens = 0
        for message in turn.replay ? Array(users.suffix(1)) : users {
            tokens += Self.tokens(length: try size(message.content))
            for attachment in message.attachments {
                tokens += try attachment.content.map { try attachmentSize($0) / 4 } ?? 0
            }
        }
        var answer = 0
        for text in turn.texts { answer += try size(text) }
        return tokens + Self.tokens(length: answer)
    }

    /// Sets the column of every row from its turn (migration v14 on a repository whose rows are otherwise current): turns
    /// in storage order, so that each pack is inflated once; the texts' sizes from their object rows. The rows are then
    /// written again in their order with their values: updated in place, each full page of rows split (large: the file
    /// grew by 5.7 MB, 0.022 of the raw text, against 0.8 MB for a fresh import's). Their numbers are kept, which
    /// search documents name. Runs after every migration but v15 (``Schema/rewriteIndexRows(_:replacing:joining:)``).
    static func fill(_ db: Database) throws {
        let reader = StoreReader(db: db)
        let rows = try Row.fetchAll(db, sql: """
            SELECT o.id, t.n FROM object o JOIN turn_index t ON t.id = o.id WHERE o.kind = 'turn' ORDER BY o.pack, o.offset
            """)
        try db.execute(sql: "CREATE TEMP TABLE replay_fill(n INTEGER PRIMARY KEY, tokens INTEGER NOT NULL)")
        let insert = try db.makeStatement(sql: "INSERT INTO replay_fill(n, tokens) VALUES (?, ?)")
        for row in rows {
            let key: Data = try row.required("id", in: "object")
            guard let id = ObjectID(bytes: key) else { continue }
            let n: Int64 = try row.required("n", in: "turn_index")
            if let tokens = try estimate(try reader.referencesOfTurn(id), size: { try reader.textSize($0) }) {
                try insert.execute(arguments: [n, tokens])
            }
        }
        try Schema.rewriteIndexRows(db, replacing: ["replay_tokens": "f.tokens"], joining: "LEFT JOIN replay_fill f ON f.n = r.n")
        try db.execute(sql: "DROP TABLE replay_fill")
    }
}

extension StoreReader {
    /// A reader of index rows with their replay estimates (``ReplayTokens``), or nil when the repository's format does
    /// not keep them.
    public func replayTokenRows() throws -> ReplayTokenRows? {
        guard format >= ReplayTokens.format else { return nil }
        // A statement of its own (not the cached one), so that two readers never step one statement.
        return ReplayTokenRows(try db.makeStatement(sql: ReplayTokenRows.sql))
    }

    /// The parent of turn `id` and its replay estimate, read from its index row; nil as ``ReplayTokenRows/row(_:)`` says.
    /// A walk over many turns asks one ``replayTokenRows()``.
    public func replayTokens(_ id: ObjectID) throws -> (parent: ObjectID?, tokens: Int)? {
        try replayTokenRows()?.row(id)
    }
}

/// Reads the index rows of a chain of turns with their replay estimates, from a turn up through its parents, through one
/// statement prepared once and stepped through SQLite's C interface. The id bound is a buffer of its own, read in
/// place, into which each row's parent is copied for the next step: no `ObjectID` is made for a turn the walk passes.
/// GRDB's `cachedStatement` (hashing the SQL), a copied binding and an id made per row were a quarter of a row's
/// 10,800 instructions (issue 11). A recursive query walking the chain in SQLite cost more (its queue copies each row).
public final class ReplayTokenRows {
    static let sql = "SELECT parent, replay_tokens FROM turn_index WHERE id = ?"
    private let statement: Statement
    private let handle: OpaquePointer
    /// The id of the current turn, bound in place: SQLite reads it until the next binding.
    private let key = UnsafeMutableRawBufferPointer.allocate(byteCount: 32, alignment: 8)
    /// Whether there is a current turn (false past a first turn).
    private var atTurn = false

    init(_ statement: Statement) {
        self.statement = statement
        handle = statement.sqliteStatement
    }

    deinit {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        key.deallocate()
    }

    /// Makes turn `id` the current turn.
    public func start(at id: ObjectID) {
        key.copyBytes(from: id.bytes)
        atTurn = true
    }

    /// The current turn: where ``step()`` stopped, or nil past a first turn.
    public var current: ObjectID? { atTurn ? ObjectID(bytes: UnsafeRawBufferPointer(key)) : nil }

    /// The replay estimate of the current turn, and its parent becomes the current turn; nil, staying at the turn, when
    /// there is none or the turn is not plain, has no row, or its row is not as convo writes it (then read the turn).
    public func step() -> Int? {
        guard atTurn else { return nil }
        sqlite3_reset(handle)
        _ = sqlite3_bind_blob(handle, 1, key.baseAddress, 32, nil)
        guard sqlite3_step(handle) == SQLITE_ROW, sqlite3_column_type(handle, 1) == SQLITE_INTEGER else { return nil }
        let tokens = sqlite3_column_int64(handle, 1)
        guard tokens >= 0, tokens <= Int64(Int32.max) else { return nil }
        switch sqlite3_column_type(handle, 0) {
        case SQLITE_NULL:
            atTurn = false
        case SQLITE_BLOB where sqlite3_column_bytes(handle, 0) == 32:
            guard let parent = sqlite3_column_blob(handle, 0) else { return nil }
            key.baseAddress!.copyMemory(from: parent, byteCount: 32)
        default:
            return nil
        }
        return Int(tokens)
    }

    /// The parent of turn `id` and its replay estimate; nil as ``step()`` says.
    public func row(_ id: ObjectID) -> (parent: ObjectID?, tokens: Int)? {
        start(at: id)
        guard let tokens = step() else { return nil }
        return (current, tokens)
    }
}
