import Foundation
import GRDB

/// What convo last observed of a response on its server.
public enum ObservedRemoteState: String, Sendable, CaseIterable {
    /// Still on the server as far as convo knows (recorded when a deletion failed and will be retried).
    case live
    /// The server forgot it (retention passed, or it answered 404 / previous_response_not_found).
    case expired
    /// convo deleted it (`gc --remote`), or the server said it was already gone when asked to.
    case deleted
}

/// A response id at the server it belongs to: the key of an observation.
public struct RemoteKey: Hashable, Sendable {
    /// The server's response id.
    public var responseID: String
    /// The API base URL ('' when the turn has none).
    public var origin: String

    /// Creates a key; a nil origin is stored as ''.
    public init(responseID: String, origin: String?) {
        self.responseID = responseID
        self.origin = origin ?? ""
    }
}

/// One observation of a response on its server (table `remote_state`). Derived data: it never changes an object.
public struct RemoteRecord: Equatable, Sendable {
    /// Which response, where.
    public var key: RemoteKey
    /// What was observed.
    public var state: ObservedRemoteState
    /// Unix seconds of the observation.
    public var at: Int64
    /// Who observed it: `gc`, `server 404`, `check-remote`, `gc --remote`, `say`.
    public var reason: String
    /// The message of the last failed DELETE, if the last attempt failed.
    public var deleteError: String?
    /// Failed DELETE attempts so far.
    public var deleteAttempts: Int

    init(row: Row) throws {
        key = RemoteKey(
            responseID: try row.required("response_id", in: "remote_state"), origin: try row.required("origin", in: "remote_state", as: String.self))
        state = ObservedRemoteState(rawValue: try row.required("state", in: "remote_state")) ?? .live
        at = try row.required("at", in: "remote_state")
        reason = try row.required("reason", in: "remote_state")
        deleteError = try row.stored("delete_error", in: "remote_state")
        deleteAttempts = try row.stored("delete_attempts", in: "remote_state") ?? 0
    }
}

/// A stored, usable response the server may still hold: a candidate for expiry marking and remote deletion.
public struct RemoteCandidate: Equatable, Sendable {
    /// The turn holding it.
    public var turn: ObjectID
    /// Which response, where.
    public var key: RemoteKey
    /// When the turn was created (unix seconds).
    public var createdAt: Int64
}

extension StoreReader {
    /// The observation of one response, if any.
    public func remoteRecord(_ key: RemoteKey) throws -> RemoteRecord? {
        try Row.fetchOne(
            db.cachedStatement(sql: "SELECT * FROM remote_state WHERE response_id = ? AND origin = ?"),
            arguments: [key.responseID, key.origin]
        ).map(RemoteRecord.init)
    }

    /// Every observation, by key.
    public func remoteRecords() throws -> [RemoteKey: RemoteRecord] {
        var records = [RemoteKey: RemoteRecord]()
        for row in try Row.fetchAll(db, sql: "SELECT * FROM remote_state") {
            let record = try RemoteRecord(row: row)
            records[record.key] = record
        }
        return records
    }

    /// Turns whose response was stored, finished usably (`completed`/`incomplete`) and is not yet recorded as
    /// expired or deleted. With `createdBefore`, only those created before that unix time.
    public func remoteCandidates(createdBefore: Int64? = nil) throws -> [RemoteCandidate] {
        var sql = """
            SELECT t.id, t.response_id, t.origin, t.created_at FROM turn_index t
            WHERE t.stored = 1 AND t.response_id IS NOT NULL AND t.response_id <> ''
              AND t.status IN ('completed', 'incomplete')
              AND NOT EXISTS (SELECT 1 FROM remote_state r WHERE r.response_id = t.response_id
                              AND r.origin = IFNULL(t.origin, '') AND r.state IN ('expired', 'deleted'))
            """
        var arguments = StatementArguments()
        if let createdBefore {
            sql += " AND t.created_at < ?"
            arguments += [createdBefore]
        }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).compactMap { row in
            guard let id = ObjectID(bytes: try row.required("id", in: "turn_index", as: Data.self)) else { return nil }
            return RemoteCandidate(
                turn: id,
                key: RemoteKey(responseID: try row.required("response_id", in: "turn_index"), origin: try row.stored("origin", in: "turn_index", as: String.self)),
                createdAt: try row.required("created_at", in: "turn_index"))
        }
    }

    /// Responses whose last DELETE failed, to be retried (their turns may have been pruned since).
    public func pendingDeletions() throws -> [RemoteRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM remote_state WHERE state = 'live' AND delete_attempts > 0 ORDER BY response_id")
            .map(RemoteRecord.init)
    }
}

extension StoreWriter {
    /// Records an observation at this transaction's time; clears any failed-deletion note.
    public func recordRemote(_ key: RemoteKey, state: ObservedRemoteState, reason: String) throws {
        try db.cachedStatement(sql: """
            INSERT OR REPLACE INTO remote_state(response_id, origin, state, at, reason, delete_error, delete_attempts)
            VALUES (?, ?, ?, ?, ?, NULL, 0)
            """).execute(arguments: [key.responseID, key.origin, state.rawValue, now, reason])
    }

    /// Records a failed DELETE: the response stays live, the error and the number of attempts are kept for the retry.
    public func recordDeleteFailure(_ key: RemoteKey, error: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO remote_state(response_id, origin, state, at, reason, delete_error, delete_attempts)
            VALUES (?, ?, 'live', ?, 'gc --remote failed', ?, 1)
            ON CONFLICT(response_id, origin) DO UPDATE SET
                state = 'live', at = excluded.at, reason = excluded.reason, delete_error = excluded.delete_error,
                delete_attempts = remote_state.delete_attempts + 1
            """).execute(arguments: [key.responseID, key.origin, now, error])
    }
}
