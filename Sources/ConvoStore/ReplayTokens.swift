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
        let users = turn.request.input.filter { $0.role == "user" }
        var tokens = 0
        for message in turn.replay ? Array(users.suffix(1)) : users {
            tokens += Self.tokens(length: try size(message.content))
        }
        var answer = 0
        for text in turn.response.output.compactMap(\.content) { answer += try size(text) }
        return Int64(tokens + Self.tokens(length: answer))
    }

    /// Sets the column of every row from its turn (migration v14 on a repository whose rows are otherwise current):
    /// turns in storage order, so that each pack is inflated once; the texts' sizes from their object rows.
    static func fill(_ db: Database) throws {
        let reader = StoreReader(db: db)
        let ids = try Data.fetchAll(db, sql: """
            SELECT o.id FROM object o JOIN turn_index t ON t.id = o.id WHERE o.kind = 'turn' ORDER BY o.pack, o.offset
            """).compactMap { ObjectID(bytes: $0) }
        let update = try db.cachedStatement(sql: "UPDATE turn_index SET replay_tokens = ? WHERE id = ?")
        for id in ids {
            let turn = try reader.referencesOfTurn(id)
            let value = try estimate(turn) { try reader.textSize($0) }
            if let value { try update.execute(arguments: [value, Data(id.bytes)]) }
        }
    }
}

extension StoreReader {
    /// The parent of turn `id` and its replay estimate (``ReplayTokens``), read from its index row through SQLite's C
    /// interface; nil when the turn is not plain, has no row, the repository's format does not keep the column, or
    /// the row is not as convo writes it (then read the turn).
    public func replayTokens(_ id: ObjectID) throws -> (parent: ObjectID?, tokens: Int)? {
        guard format >= ReplayTokens.format else { return nil }
        let statement = try db.cachedStatement(sql: "SELECT parent, replay_tokens FROM turn_index WHERE id = ?")
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        id.bytes.withUnsafeBytes { _ = sqlite3_bind_blob(handle, 1, $0.baseAddress, 32, replayTransient) }
        guard sqlite3_step(handle) == SQLITE_ROW, sqlite3_column_type(handle, 1) == SQLITE_INTEGER else { return nil }
        let tokens = sqlite3_column_int64(handle, 1)
        guard tokens >= 0, tokens <= Int64(Int32.max) else { return nil }
        switch sqlite3_column_type(handle, 0) {
        case SQLITE_NULL: return (nil, Int(tokens))
        case SQLITE_BLOB where sqlite3_column_bytes(handle, 0) == 32:
            guard let bytes = sqlite3_column_blob(handle, 0) else { return nil }
            return (ObjectID(bytes: UnsafeRawBufferPointer(start: bytes, count: 32)), Int(tokens))
        default: return nil
        }
    }
}

/// SQLite copies a bound value given this destructor.
private let replayTransient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
