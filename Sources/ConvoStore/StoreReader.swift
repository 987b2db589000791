import Foundation
import GRDB
import GRDBSQLite

/// The most recently inflated pack, so that reading many objects of one pack (a conversation imported
/// together, a walk over its turns) inflates it once.
final class PackCache {
    /// Inflated packs, the most recently used last. More than one: a turn's texts can live in an earlier pack
    /// than the turn (a conversation's instructions are stored once, with its first turn), and with one pack
    /// kept, reading turns with their texts inflated two packs again for every turn. Eight (2 MiB at most): a run of
    /// `log`'s whole lines reads turn, message and answer packs (``Packer/Group``), two of each at a boundary; with
    /// four, `log --json` on the deep corpus inflated 28% more than its packs.
    private var packs: [(id: Int64, content: [UInt8])] = []
    static let capacity = 8

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

/// Where an object's canonical bytes are: a range of a pack's content, or a loose object's own zlib data.
struct ObjectPlace {
    /// The object's kind.
    var kind: ObjectKind
    /// Length of its canonical bytes.
    var size: Int
    /// The pack holding it, nil when loose.
    var pack: Int64?
    /// Where its bytes start in the pack's content.
    var offset: Int64 = 0
    /// A loose object's zlib data (or, when `inflated`, its canonical bytes).
    var loose: [UInt8] = []
    /// Whether `loose` holds the canonical bytes already (a damaged row read the slow way).
    var inflated = false

    /// Packs first, in the order their bytes are stored; loose objects after them.
    var order: (Int64, Int64) { (pack ?? .max, offset) }
}

/// SQLite copies a bound value given this destructor.
private let transientBytes = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

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
        guard let place = try place(of: id) else { return nil }
        return (place.kind, try withBytes(of: place, id: id) { Array($0) })
    }

    /// Binds `id` as the first parameter of `handle` and steps it: whether it found a row.
    private func step(_ handle: OpaquePointer, id: ObjectID) throws -> Bool {
        id.bytes.withUnsafeBytes { _ = sqlite3_bind_blob(handle, 1, $0.baseAddress, 32, transientBytes) }
        switch sqlite3_step(handle) {
        case SQLITE_DONE: return false
        case SQLITE_ROW: return true
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    /// Where object `id` is stored, or nil when absent. Read through SQLite's C interface: GRDB's row (a copy of
    /// every column, a `Data` per blob, each column found by its lowercased name) cost 33,000 instructions per
    /// object, most of `log --json`'s reading of whole lines (issue 11). A row whose columns do not have their
    /// types is read again through GRDB, whose checks name the damage.
    func place(of id: ObjectID) throws -> ObjectPlace? {
        let statement = try db.cachedStatement(sql: "SELECT kind, size, pack, offset, data FROM object WHERE id = ?")
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        guard try step(handle, id: id) else { return nil }
        if sqlite3_column_type(handle, 0) == SQLITE_TEXT, sqlite3_column_type(handle, 1) == SQLITE_INTEGER,
            let kind = Self.kind(sqlite3_column_text(handle, 0), count: sqlite3_column_bytes(handle, 0))
        {
            let size = sqlite3_column_int64(handle, 1)
            let packed = sqlite3_column_type(handle, 2) == SQLITE_INTEGER && sqlite3_column_type(handle, 3) == SQLITE_INTEGER
            if size >= 0, packed, sqlite3_column_type(handle, 4) == SQLITE_NULL {
                return ObjectPlace(kind: kind, size: Int(size), pack: sqlite3_column_int64(handle, 2), offset: sqlite3_column_int64(handle, 3))
            }
            if size >= 0, sqlite3_column_type(handle, 4) == SQLITE_BLOB {
                let count = Int(sqlite3_column_bytes(handle, 4))
                let data = sqlite3_column_blob(handle, 4).map { [UInt8](UnsafeRawBufferPointer(start: $0, count: count)) } ?? []
                return ObjectPlace(kind: kind, size: Int(size), loose: data)
            }
        }
        // The rare path: a damaged row, whose errors GRDB's typed reads name.
        sqlite3_reset(handle)
        guard let row = try Row.fetchOne(db, sql: "SELECT kind, size, data, pack, offset FROM object WHERE id = ?", arguments: [Data(id.bytes)])
        else {
            return nil
        }
        let kind = try Self.objectKind(row, id: id.hex)
        return ObjectPlace(kind: kind, size: 0, loose: try objectBytes(row, id: id.hex, cache: packCache), inflated: true)
    }

    /// The kind named by a `kind` column's text, nil for any other text.
    static func kind(_ text: UnsafePointer<UInt8>?, count: Int32) -> ObjectKind? {
        guard let text else { return nil }
        let bytes = UnsafeBufferPointer(start: text, count: Int(count))
        if bytes.elementsEqual("turn".utf8) { return .turn }
        if bytes.elementsEqual("blob".utf8) { return .blob }
        return nil
    }

    /// Runs `body` on the canonical bytes of the object at `place`, inflating its pack through the pack cache, without
    /// copying them out of the pack.
    func withBytes<Result>(of place: ObjectPlace, id: ObjectID, _ body: (UnsafeBufferPointer<UInt8>) throws -> Result) throws -> Result {
        if place.inflated { return try place.loose.withUnsafeBufferPointer(body) }
        guard let pack = place.pack else {
            return try Zlib.decompress(place.loose, expectedSize: place.size).withUnsafeBufferPointer(body)
        }
        let content = try packContent(pack, for: id.hex, cache: packCache)
        let offset = place.offset
        // Compared without adding: offset + size may overflow on a damaged row.
        guard offset >= 0, offset <= content.count, place.size <= content.count - Int(offset) else {
            throw StoreError.corruptObject(detail: "object \(id.hex) lies outside pack \(pack)")
        }
        return try content.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[Int(offset)..<(Int(offset) + place.size)])) }
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
        let content = try packContent(pack, for: id, cache: cache)
        // Compared without adding: offset + size may overflow on a damaged row.
        guard offset >= 0, offset <= content.count, size <= content.count - offset else {
            throw StoreError.corruptObject(detail: "object \(id) lies outside pack \(pack)")
        }
        return Array(content[offset..<(offset + size)])
    }

    /// The inflated content of `pack` (which holds object `id`, named in errors), kept in `cache`. Inflated from the
    /// blob where SQLite holds it (GRDB's `Data` was a copy of every pack).
    func packContent(_ pack: Int64, for id: String, cache: PackCache) throws -> [UInt8] {
        if let kept = cache.content(of: pack) { return kept }
        let statement = try db.cachedStatement(sql: "SELECT size, data FROM pack WHERE id = ?")
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        sqlite3_bind_int64(handle, 1, pack)
        switch sqlite3_step(handle) {
        case SQLITE_ROW: break
        case SQLITE_DONE: throw StoreError.corruptObject(detail: "object \(id) lives in pack \(pack), which is missing")
        case let code:
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
        let content: [UInt8]
        if sqlite3_column_type(handle, 0) == SQLITE_INTEGER, sqlite3_column_type(handle, 1) == SQLITE_BLOB {
            let data = UnsafeRawBufferPointer(start: sqlite3_column_blob(handle, 1), count: Int(sqlite3_column_bytes(handle, 1)))
            content = try Zlib.decompress(data, expectedSize: Int(sqlite3_column_int64(handle, 0)))
        } else {
            // The rare path: a damaged row, whose errors GRDB's typed reads name.
            sqlite3_reset(handle)
            guard let packed = try Row.fetchOne(db, sql: "SELECT size, data FROM pack WHERE id = ?", arguments: [pack]) else {
                throw StoreError.corruptObject(detail: "object \(id) lives in pack \(pack), which is missing")
            }
            guard let data = try Self.column(packed, "data", Data.self, of: id), let packSize = try Self.column(packed, "size", Int.self, of: id)
            else {
                throw StoreError.corruptObject(detail: "object \(id) lives in pack \(pack), whose row is damaged")
            }
            content = try Zlib.decompress(Array(data), expectedSize: packSize)
        }
        cache.keep(pack, content: content)
        return content
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

    /// The turn `id` as a walk over its references needs it (its parent, roles, flags and texts' ids): read in
    /// place from its pack and not encoded again to compare with its bytes, which was a fifth of the instructions of
    /// decoding it (`status` reads a few hundred turns, issue 11). Bytes not in the canonical form are decoded as
    /// ``turn(_:)`` decodes them.
    public func referencesOfTurn(_ id: ObjectID) throws -> Turn {
        guard let place = try place(of: id) else { throw StoreError.objectNotFound(id) }
        guard place.kind == .turn else { throw StoreError.notATurn(id.hex, kind: place.kind) }
        if let turn = try withBytes(of: place, id: id, { TurnCoding.scan($0) }) { return turn }
        return try turn(id)
    }

    /// What a replay reads of turn `id` when it is a plain turn (``TurnReferences``), found in its pack without
    /// decoding it; nil when it is not plain or not in the canonical form (then read it with ``referencesOfTurn(_:)``).
    public func plainTurn(_ id: ObjectID) throws -> TurnReferences? {
        guard let place = try place(of: id) else { throw StoreError.objectNotFound(id) }
        guard place.kind == .turn else { throw StoreError.notATurn(id.hex, kind: place.kind) }
        return try withBytes(of: place, id: id) { TurnCoding.plainReferences($0) }
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
        let ids = [ObjectID](ids)
        var result = [ObjectID: String](minimumCapacity: ids.count)
        for (id, short) in zip(ids, try abbreviationList(of: ids, minimum: minimum)) { result[id] = short }
        return result
    }

    /// ``abbreviations(of:minimum:)`` in the order of `ids`, nil for an id no object has: a long log takes each
    /// entry's by its position, without hashing every id twice (issue 11).
    public func abbreviationList(of ids: [ObjectID], minimum: Int = 7) throws -> [String?] {
        if ids.count < 2_000 { return try ids.map { try abbreviation(of: $0, minimum: minimum) } }
        // One walk of the sorted ids beside the sorted wanted ones, read through SQLite's C interface: a `Data`, an
        // `ObjectID` and a hash per stored object were most of the scan (issue 11: `log --json` on 10,000 turns
        // scans 300,000 ids). The wanted ones are sorted as positions in `ids` (the generic sort of any collection
        // was not specialized: 170 M instructions for 10,000 ids); repeats lie side by side.
        var order = [Int](ids.indices)
        order.sort { ids[$0].bytes.lexicographicallyPrecedes(ids[$1].bytes) }
        var result = [String?](repeating: nil, count: ids.count)
        var next = 0
        let statement = try db.cachedStatement(sql: "SELECT id FROM object ORDER BY id")
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        var previous = [UInt8](repeating: 0, count: 32), hasPrevious = false
        var pending: Range<Int>?  // positions in `order` of a wanted id still waiting for its successor
        var pendingShared = 0
        func settle(_ waiting: Range<Int>, shared: Int) {
            let short = ids[order[waiting.lowerBound]].abbreviated(max(minimum, shared + 1))
            for position in waiting { result[order[position]] = short }
        }
        while case let step = sqlite3_step(handle), step != SQLITE_DONE {
            guard step == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: step), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            guard sqlite3_column_bytes(handle, 0) == 32, let blob = sqlite3_column_blob(handle, 0) else { continue }
            let id = UnsafeBufferPointer(start: blob.assumingMemoryBound(to: UInt8.self), count: 32)
            let shared = hasPrevious ? previous.withUnsafeBufferPointer { Self.sharedHexDigits($0, id) } : 0
            if let waiting = pending {
                settle(waiting, shared: max(pendingShared, shared))
                pending = nil
            }
            while next < order.count, ids[order[next]].bytes.lexicographicallyPrecedes(id) { next += 1 }
            if next < order.count, ids[order[next]].bytes.elementsEqual(id) {
                let first = next
                repeat { next += 1 } while next < order.count && ids[order[next]] == ids[order[first]]
                pending = first..<next
                pendingShared = shared
            }
            for index in 0..<32 { previous[index] = id[index] }
            hasPrevious = true
        }
        if let waiting = pending { settle(waiting, shared: pendingShared) }
        return result
    }

    static func sharedHexDigits(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        var count = 0
        for (x, y) in zip(a, b) {
            if x == y { count += 2; continue }
            if x >> 4 == y >> 4 { count += 1 }
            break
        }
        return count
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
    /// Read through SQLite's C interface (``TurnSummary/init(columnsOf:)``); a row not as convo writes it is read
    /// again through GRDB's row, whose checks name the damage.
    public func summary(_ id: ObjectID) throws -> TurnSummary? {
        try summary(id, handle: db.cachedStatement(sql: Self.summarySQL).sqliteStatement)
    }

    /// ``summary(_:)`` through `handle`, the statement of ``summarySQL``, which a walk finds once (GRDB's cache
    /// hashes the SQL text on every call).
    private func summary(_ id: ObjectID, handle: OpaquePointer) throws -> TurnSummary? {
        defer { sqlite3_reset(handle) }
        guard try step(handle, id: id) else { return nil }
        if let summary = TurnSummary(columnsOf: handle) { return summary }
        // The rare path: a damaged row, through a statement of its own.
        sqlite3_reset(handle)
        return try Row.fetchOne(db, sql: "SELECT \(TurnSummary.columns) FROM turn_index WHERE id = ? LIMIT 1", arguments: [Data(id.bytes)])
            .map { try TurnSummary(row: $0) }
    }

    /// The statement of ``summary(_:)``.
    static let summarySQL = "SELECT \(TurnSummary.columns) FROM turn_index WHERE id = ?"

    /// Turn `start` and its ancestors, newest first, at most `limit`.
    public func ancestry(of start: ObjectID, limit: Int = .max) throws -> [TurnSummary] {
        var result = [TurnSummary]()
        var next: ObjectID? = start
        let handle = try db.cachedStatement(sql: Self.summarySQL).sqliteStatement
        while let id = next, result.count < limit {
            guard let summary = try summary(id, handle: handle) else {
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

