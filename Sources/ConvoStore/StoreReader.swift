import Foundation
import GRDB

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

/// A turn as the derived index knows it: enough for `log` without decompressing anything.
public struct TurnSummary: Equatable, Sendable {
    /// The turn's id.
    public var id: ObjectID
    /// Its parent, nil for a first turn.
    public var parent: ObjectID?
    /// Unix seconds.
    public var createdAt: Int64
    /// The model that answered.
    public var model: String?
    /// The server's response id.
    public var responseID: String?
    /// Response status.
    public var status: String
    /// The API base URL the response id belongs to.
    public var origin: String?
    /// Whether the server was asked to store it.
    public var stored: Bool
    /// Whether it was sent as a replay.
    public var replay: Bool
    /// Input tokens billed.
    public var inputTokens: Int64?
    /// Output tokens billed.
    public var outputTokens: Int64?
    /// First line of the newest user message.
    public var inputLine: String
    /// First line of the answer.
    public var outputLine: String

    /// Creates a summary (the index builds these; tests and layouts may too).
    public init(
        id: ObjectID, parent: ObjectID?, createdAt: Int64, model: String?, responseID: String?, status: String, origin: String?,
        stored: Bool, replay: Bool, inputTokens: Int64?, outputTokens: Int64?, inputLine: String, outputLine: String
    ) {
        self.id = id
        self.parent = parent
        self.createdAt = createdAt
        self.model = model
        self.responseID = responseID
        self.status = status
        self.origin = origin
        self.stored = stored
        self.replay = replay
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.inputLine = inputLine
        self.outputLine = outputLine
    }

    /// The columns ``init(row:)`` reads, in the order it reads them.
    static let columns = "id, parent, created_at, model, response_id, status, origin, stored, replay, input_tokens, output_tokens, input_line, output_line"

    /// A row of `turn_index` selected as ``columns``, read by position: GRDB's lookup by name lowercases the name
    /// for every column of every row (a visible share of `log --all --oneline`, issue 11). A row whose columns
    /// do not have their types is damage, reported, not a crash.
    init(row: Row) throws {
        // Selected as `columns`, so the row has exactly these 13; the guard keeps any other row from crashing.
        guard row.count == 13 else { throw StoreError.corruptDatabase(path: "turn_index", detail: "a row has \(row.count) columns, not 13") }
        func value(_ index: Int) -> DatabaseValue { row[index] as DatabaseValue? ?? .null }
        func damaged(_ column: String) -> StoreError {
            .corruptDatabase(path: "turn_index", detail: "a row's \(column) has the wrong type; run 'convo fsck --rebuild-index'")
        }
        guard let idBytes = Data.fromDatabaseValue(value(0)), let id = ObjectID(bytes: idBytes) else { throw damaged("id") }
        self.id = id
        parent = Data.fromDatabaseValue(value(1)).flatMap { ObjectID(bytes: $0) }
        guard let createdAt = Int64.fromDatabaseValue(value(2)) else { throw damaged("created_at") }
        guard let status = Summary.text(value(5)) else { throw damaged("status") }
        guard let stored = Bool.fromDatabaseValue(value(7)), let replay = Bool.fromDatabaseValue(value(8)) else {
            throw damaged("stored or replay")
        }
        guard let inputLine = Summary.text(value(11)), let outputLine = Summary.text(value(12)) else {
            throw damaged("input_line or output_line")
        }
        self.createdAt = createdAt
        model = Summary.text(value(3))
        responseID = Summary.text(value(4))
        self.status = status
        origin = Summary.text(value(6))
        self.stored = stored
        self.replay = replay
        inputTokens = Int64.fromDatabaseValue(value(9))
        outputTokens = Int64.fromDatabaseValue(value(10))
        self.inputLine = inputLine
        self.outputLine = outputLine
    }

    /// The first line of the newest user message, shortened for a person to read (the index keeps it whole).
    public var shortInputLine: String { Summary.shortened(inputLine) }
    /// The first line of the answer, shortened for a person to read.
    public var shortOutputLine: String { Summary.shortened(outputLine) }

    /// `line` shortened to 50 characters with "…", as text output shows first lines.
    public static func shortened(_ line: String) -> String { Summary.shortened(line) }
}

/// The most recently inflated pack, so that reading many objects of one pack (a conversation imported
/// together, a walk over its turns) inflates it once.
final class PackCache {
    /// Inflated packs, the most recently used last. More than one: a turn's texts can live in an earlier pack
    /// than the turn (a conversation's instructions are stored once, with its first turn), and with one pack
    /// kept, reading turns with their texts inflated two packs again for every turn.
    private var packs: [(id: Int64, content: [UInt8])] = []
    static let capacity = 4

    /// The content of `pack` if it is kept.
    func content(of pack: Int64) -> [UInt8]? {
        guard let index = packs.lastIndex(where: { $0.id == pack }) else { return nil }
        if index != packs.count - 1 { packs.append(packs.remove(at: index)) }
        return packs[packs.count - 1].content
    }

    /// Keeps the content of `pack`, forgetting the least recently used pack past `capacity`.
    func keep(_ pack: Int64, content: [UInt8]) {
        if packs.count >= Self.capacity { packs.removeFirst() }
        packs.append((pack, content))
    }
}

/// Read access to the store inside one transaction.
public struct StoreReader {
    let db: Database
    let packCache = PackCache()
    /// The repository's format: a read-only open of an older one lacks the columns later formats add.
    let format: Int

    init(db: Database, format: Int = Schema.formatVersion) {
        self.db = db
        self.format = format
    }

    // MARK: Objects

    /// The kind and canonical bytes of an object, or nil when absent.
    public func object(_ id: ObjectID) throws -> (kind: ObjectKind, bytes: [UInt8])? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT kind, size, data, pack, offset FROM object WHERE id = ?"), arguments: [Data(id.bytes)])
        else {
            return nil
        }
        let kind = try Self.objectKind(row, id: id.hex)
        return (kind, try objectBytes(row, id: id.hex, cache: packCache))
    }

    /// A column of an object or pack row. A hand-edited or damaged row can hold any type in any column
    /// (the tables are not STRICT): a value of the wrong type is a corrupt object, reported, not a crash.
    static func column<Value: DatabaseValueConvertible>(_ row: Row, _ name: String, _: Value.Type, of id: String) throws -> Value? {
        let value = row[name] as DatabaseValue? ?? .null
        if value.isNull { return nil }
        guard let decoded = Value.fromDatabaseValue(value) else {
            throw StoreError.corruptObject(detail: "object \(id) has a \(name) of the wrong type (\(value))")
        }
        return decoded
    }

    /// The kind of an object row (`kind`).
    static func objectKind(_ row: Row, id: String) throws -> ObjectKind {
        let text = try column(row, "kind", String.self, of: id)
        guard let kind = text.flatMap(ObjectKind.init(rawValue:)) else {
            throw StoreError.corruptObject(detail: "object \(id) has unknown kind '\(text ?? "NULL")'")
        }
        return kind
    }

    /// The canonical bytes of an object row (`size`, `data`, `pack`, `offset`), inflating its pack through `cache`.
    func objectBytes(_ row: Row, id: String, cache: PackCache) throws -> [UInt8] {
        guard let size = try Self.column(row, "size", Int.self, of: id), size >= 0 else {
            throw StoreError.corruptObject(detail: "object \(id) has no valid size")
        }
        if let data = try Self.column(row, "data", Data.self, of: id) {
            return try Zlib.decompress(Array(data), expectedSize: size)
        }
        guard let pack = try Self.column(row, "pack", Int64.self, of: id), let offset = try Self.column(row, "offset", Int.self, of: id)
        else {
            throw StoreError.corruptObject(detail: "object \(id) has neither data nor a pack and offset")
        }
        let content: [UInt8]
        if let kept = cache.content(of: pack) {
            content = kept
        } else {
            guard let packed = try Row.fetchOne(db.cachedStatement(sql: "SELECT size, data FROM pack WHERE id = ?"), arguments: [pack]) else {
                throw StoreError.corruptObject(detail: "object \(id) lives in pack \(pack), which is missing")
            }
            guard let data = try Self.column(packed, "data", Data.self, of: id), let packSize = try Self.column(packed, "size", Int.self, of: id)
            else {
                throw StoreError.corruptObject(detail: "object \(id) lives in pack \(pack), whose row is damaged")
            }
            content = try Zlib.decompress(Array(data), expectedSize: packSize)
            cache.keep(pack, content: content)
        }
        // Compared without adding: offset + size may overflow on a damaged row.
        guard offset >= 0, offset <= content.count, size <= content.count - offset else {
            throw StoreError.corruptObject(detail: "object \(id) lies outside pack \(pack)")
        }
        return Array(content[offset..<(offset + size)])
    }

    /// The kind of an object, or nil when absent.
    public func kind(of id: ObjectID) throws -> ObjectKind? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT kind FROM object WHERE id = ?"), arguments: [Data(id.bytes)]).flatMap(ObjectKind.init)
    }

    /// Whether an object is present.
    public func contains(_ id: ObjectID) throws -> Bool { try kind(of: id) != nil }

    /// The turn `id`.
    public func turn(_ id: ObjectID) throws -> Turn {
        guard let (kind, bytes) = try object(id) else { throw StoreError.objectNotFound(id) }
        guard kind == .turn else { throw StoreError.notATurn(id.hex, kind: kind) }
        return try Turn(canonicalBytes: bytes)
    }

    /// The text of blob `id`.
    public func text(_ id: ObjectID) throws -> String {
        guard let (kind, bytes) = try object(id) else { throw StoreError.objectNotFound(id) }
        guard kind == .blob else { throw StoreError.corruptObject(detail: "\(id.hex) is a \(kind.rawValue), expected a blob") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Ids of objects whose hex form starts with `prefix` (at most `limit`).
    public func objectIDs(withHexPrefix prefix: String, limit: Int = 20) throws -> [ObjectID] {
        let lower = prefix.lowercased()
        guard Hex.isHex(lower), lower.count <= 64 else { return [] }
        let padded = lower.count % 2 == 0 ? lower : lower + "0"
        let start = Hex.decode(padded)!
        var rows: [Data]
        if let end = Self.successor(of: lower) {
            rows = try Data.fetchAll(db, sql: "SELECT id FROM object WHERE id >= ? AND id < ? ORDER BY id LIMIT ?",
                                     arguments: [Data(start), Data(end), limit])
        } else {
            rows = try Data.fetchAll(db, sql: "SELECT id FROM object WHERE id >= ? ORDER BY id LIMIT ?", arguments: [Data(start), limit])
        }
        return rows.compactMap { ObjectID(bytes: $0) }
    }

    /// The smallest byte string greater than every id starting with the hex `prefix`, or nil if none exists.
    static func successor(of prefix: String) -> [UInt8]? {
        var digits = Array(prefix.utf8).map { Hex.value(of: $0)! }
        while let last = digits.last, last == 15 { digits.removeLast() }
        guard !digits.isEmpty else { return nil }
        digits[digits.count - 1] += 1
        if digits.count % 2 == 1 { digits.append(0) }
        return stride(from: 0, to: digits.count, by: 2).map { digits[$0] << 4 | digits[$0 + 1] }
    }

    /// The shortest prefix of `id` (at least `minimum` digits) that no other object shares.
    public func abbreviation(of id: ObjectID, minimum: Int = 7) throws -> String {
        let key = Data(id.bytes)
        let before = try Data.fetchOne(db.cachedStatement(sql: "SELECT id FROM object WHERE id < ? ORDER BY id DESC LIMIT 1"), arguments: [key])
        let after = try Data.fetchOne(db.cachedStatement(sql: "SELECT id FROM object WHERE id > ? ORDER BY id LIMIT 1"), arguments: [key])
        let shared = [before, after].compactMap { $0.flatMap { ObjectID(bytes: $0) } }.map { Self.sharedHexDigits(id, $0) }.max() ?? 0
        return id.abbreviated(max(minimum, shared + 1))
    }

    /// Abbreviations for many ids at once: one sorted scan instead of two lookups per id when the list is long.
    public func abbreviations(of ids: some Collection<ObjectID>, minimum: Int = 7) throws -> [ObjectID: String] {
        var result = [ObjectID: String]()
        if ids.count < 2_000 {
            for id in ids { result[id] = try abbreviation(of: id, minimum: minimum) }
            return result
        }
        let wanted = Set(ids)
        let cursor = try Data.fetchCursor(db, sql: "SELECT id FROM object ORDER BY id")
        var previous: ObjectID?
        var pending: ObjectID?  // a wanted id still waiting for its successor
        var pendingShared = 0
        while let data = try cursor.next() {
            guard let id = ObjectID(bytes: data) else { continue }
            let shared = previous.map { Self.sharedHexDigits($0, id) } ?? 0
            if let waiting = pending {
                result[waiting] = waiting.abbreviated(max(minimum, max(pendingShared, shared) + 1))
                pending = nil
            }
            if wanted.contains(id) {
                pending = id
                pendingShared = shared
            }
            previous = id
        }
        if let waiting = pending { result[waiting] = waiting.abbreviated(max(minimum, pendingShared + 1)) }
        return result
    }

    static func sharedHexDigits(_ a: ObjectID, _ b: ObjectID) -> Int {
        var count = 0
        for (x, y) in zip(a.bytes, b.bytes) {
            if x == y { count += 2; continue }
            if x >> 4 == y >> 4 { count += 1 }
            break
        }
        return count
    }

    // MARK: Refs

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

    /// Every branch and its tip, sorted by name.
    public func branches() throws -> [(name: BranchName, tip: ObjectID)] {
        try Row.fetchAll(db, sql: "SELECT name, target FROM ref WHERE name LIKE 'refs/heads/%' ORDER BY name").compactMap { try Self.branch($0) }
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

    // MARK: Config

    /// A configuration value.
    public func config(_ key: String) throws -> String? {
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM config WHERE key = ?"), arguments: [key])
    }

    /// Every configuration entry, sorted by key.
    public func configEntries() throws -> [(key: String, value: String)] {
        try Row.fetchAll(db, sql: "SELECT key, value FROM config ORDER BY key").map {
            (try $0.required("key", in: "config"), try $0.required("value", in: "config"))
        }
    }

    // MARK: Index

    /// The index entry of turn `id`, or nil when the index lacks it.
    public func summary(_ id: ObjectID) throws -> TurnSummary? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT \(TurnSummary.columns) FROM turn_index WHERE id = ?"), arguments: [Data(id.bytes)]).map { try TurnSummary(row: $0) }
    }

    /// Turn `start` and its ancestors, newest first, at most `limit`.
    public func ancestry(of start: ObjectID, limit: Int = .max) throws -> [TurnSummary] {
        var result = [TurnSummary]()
        var next: ObjectID? = start
        while let id = next, result.count < limit {
            guard let summary = try summary(id) else {
                throw StoreError.corruptObject(detail: "turn \(id.hex) is not in the index; run 'convo fsck --rebuild-index'")
            }
            result.append(summary)
            next = summary.parent
        }
        return result
    }

    /// How many turns `start` and its ancestors are: `ancestry(of: start).count`, counted by SQLite without
    /// decoding a summary per turn (issue 11: `status` on a 10,000-turn conversation spent 850 M instructions
    /// in ancestry). A chain the index breaks throws ancestry's error, naming the missing turn.
    public func depth(of start: ObjectID) throws -> Int {
        // The generation, when the parent's row is there: an index broken right below the turn is reported
        // as ancestry reports it; damage further down is fsck's to find (a generation that does not follow).
        if format >= 6,
            let generation = try Int64?.fetchOne(
                db.cachedStatement(sql: """
                    SELECT generation FROM turn_index t
                    WHERE id = ? AND (parent IS NULL OR EXISTS (SELECT 1 FROM turn_index p WHERE p.id = t.parent))
                    """), arguments: [Data(start.bytes)]),
            let generation
        {
            return Int(generation)
        }
        // UNION ALL, not UNION: no temporary index to deduplicate (half the instructions). A chain cannot
        // loop, since a turn's id hashes its parent's id; a hand-edited index that loops hangs ancestry too.
        let row = try Row.fetchOne(
            db,
            sql: """
                WITH RECURSIVE chain(parent) AS (
                    SELECT parent FROM turn_index WHERE id = ?
                    UNION ALL
                    SELECT turn_index.parent FROM chain JOIN turn_index ON turn_index.id = chain.parent)
                SELECT COUNT(*), COUNT(*) - COUNT(parent) FROM chain
                """, arguments: [Data(start.bytes)])
        guard let count = row?[0] as Int?, let firstTurns = row?[1] as Int?, firstTurns == 1 else {
            // Broken or absent: ancestry walks it again and says which turn is missing.
            return try ancestry(of: start).count
        }
        return count
    }

    /// Every indexed turn.
    public func allSummaries() throws -> [TurnSummary] {
        try Row.fetchAll(db, sql: "SELECT \(TurnSummary.columns) FROM turn_index").map { try TurnSummary(row: $0) }
    }

    /// Turns whose server response id is `responseID`.
    public func turns(withResponseID responseID: String) throws -> [ObjectID] {
        try Data.fetchAll(db, sql: "SELECT id FROM turn_index WHERE response_id = ?", arguments: [responseID])
            .compactMap { ObjectID(bytes: $0) }
    }

    /// Number of objects of each kind.
    public func objectCounts() throws -> [ObjectKind: Int] {
        var counts = [ObjectKind: Int]()
        for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM object GROUP BY kind") {
            // safe: COUNT(*) is an integer; a kind of another type is no kind.
            if let kind = (try? row.stored("kind", in: "object", as: String.self)).flatMap({ $0.flatMap(ObjectKind.init) }) {
                counts[kind] = row["n"]
            }
        }
        return counts
    }
}
