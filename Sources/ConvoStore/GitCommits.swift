import Foundation
import GRDB

// The `git_commit` table: which git commit stands for each turn (issue 15's push and pull). ConvoStore knows
// nothing of git itself; it keeps the pairs and adopts turns received from elsewhere after checking them.

extension StoreReader {
    /// The git commit recorded for `turn`, if any.
    public func gitCommit(of turn: ObjectID) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT commit_id FROM git_commit WHERE turn = ?"), arguments: [Data(turn.bytes)])
    }

    /// The turn recorded for git commit `commit`, if any.
    public func turn(ofGitCommit commit: String) throws -> ObjectID? {
        try Data.fetchOne(db.cachedStatement(sql: "SELECT turn FROM git_commit WHERE commit_id = ?"), arguments: [commit])
            .flatMap { ObjectID(bytes: $0) }
    }

    /// Every recorded pair, turn → commit (for a push that exports many turns at once).
    public func gitCommits() throws -> [ObjectID: String] {
        var pairs = [ObjectID: String]()
        for row in try Row.fetchAll(db, sql: "SELECT turn, commit_id FROM git_commit") {
            guard let key = try row.stored("turn", in: "git_commit", as: Data.self), let turn = ObjectID(bytes: key),
                let commit = try row.stored("commit_id", in: "git_commit", as: String.self)
            else { continue }
            pairs[turn] = commit
        }
        return pairs
    }

    /// The ids of every turn, with their parents (to find the turns a push has not exported yet).
    public func turnParents() throws -> [ObjectID: ObjectID?] {
        var parents = [ObjectID: ObjectID?]()
        for row in try Row.fetchAll(db, sql: "SELECT id, parent FROM turn_index") {
            guard let key = try row.stored("id", in: "turn_index", as: Data.self), let id = ObjectID(bytes: key) else { continue }
            parents[id] = try row.stored("parent", in: "turn_index", as: Data.self).flatMap { ObjectID(bytes: $0) }
        }
        return parents
    }
}

extension StoreWriter {
    /// Records that git commit `commit` stands for `turn`; a turn keeps the first commit recorded for it.
    public func recordGitCommit(turn: ObjectID, commit: String) throws {
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO git_commit(turn, commit_id) VALUES (?, ?)")
            .execute(arguments: [Data(turn.bytes), commit])
    }

    /// Adopts a turn received from another repository: `bytes` must be the canonical bytes of turn `expected`
    /// (re-hashed here), and its parent and every blob it references must already be stored (or written by
    /// this transaction). Stores and indexes it; returns false when it was stored already. `received` holds
    /// the bytes of blobs written by this transaction, which a bulk write cannot read back yet.
    public func adoptTurn(_ bytes: [UInt8], expected: ObjectID, received: [ObjectID: [UInt8]] = [:]) throws -> Bool {
        let actual = ObjectID.hashing(kind: .turn, payload: bytes)
        guard actual == expected else { throw StoreError.hashMismatch(id: expected, actual: actual) }
        if try kind(of: expected) == .turn { return false }
        let turn = try Turn(canonicalBytes: bytes)
        if let detail = turn.canonicalDifference(from: bytes) {
            throw StoreError.corruptObject(detail: "turn \(expected.hex) is not in canonical form: \(detail)")
        }
        if let parent = turn.parent, try kind(of: parent) != .turn { throw StoreError.objectNotFound(parent) }
        for blob in turn.blobReferences where try kind(of: blob) != .blob { throw StoreError.objectNotFound(blob) }
        try put(kind: .turn, bytes: bytes)
        func text(_ id: ObjectID) throws -> String {
            if let bytes = received[id] { return String(decoding: bytes, as: UTF8.self) }
            return try read.text(id)
        }
        // What StoreReader.searchTexts reads, from the received bytes where it has them.
        let input = try turn.request.newestUserMessage.map { try text($0.content) } ?? ""
        let output = try turn.response.output.compactMap(\.content).map { try text($0) }.joined()
        let tokens = try ReplayTokens.estimate(turn) { id in try received[id].map(\.count) ?? read.textSize(id) }
        try index(turn, id: expected, inputText: input, outputText: output, replayTokens: tokens)
        return true
    }

    /// Stores a blob received from another repository under the id it was sent as, after re-hashing it.
    public func adoptBlob(_ bytes: [UInt8], expected: ObjectID) throws {
        let actual = ObjectID.hashing(kind: .blob, payload: bytes)
        guard actual == expected else { throw StoreError.hashMismatch(id: expected, actual: actual) }
        try put(kind: .blob, bytes: bytes)
    }
}
