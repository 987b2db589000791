import Foundation
import GRDB
import GRDBSQLite

/// Collects a bulk write: object bytes go into packs of about `target` uncompressed bytes, and the rows
/// of the object table and the turn index are held back and inserted in key order when the write ends,
/// so that the B-trees fill their pages instead of splitting them at random.
final class Packer {
    /// 256 KiB: zlib's window is 32 KiB and every pack starts with an empty one, so in packs of 64 KiB half the
    /// bytes were compressed with less than a whole window (issue 11, "Store size": 10.34 MB of packs on the deep
    /// corpus, 9.23 MB with 256 KiB packs of one kind each). Reading one object inflates its pack: about 1 ms.
    static let target = 256 * 1024
    /// zlib's default level: 9 saved 1% of the deep corpus's packs (9.29 MB to 9.20 MB) but took 80% more CPU
    /// (import 1.64 s to 2.96 s of user time), and the compressing thread is what an import waits for.
    static let level: Int32 = 6
    /// Which open pack an object goes to. Turns (canonical JSON, much alike) and texts compress better apart than
    /// interleaved, since each fills the window with its own kind. The texts of request messages are packed apart
    /// from the other texts (answers, instructions, raw responses): `log --format=%s` over a long conversation reads
    /// every user message and no answer, and inflated all the texts when they shared packs (issue 11, "no figure got
    /// worse"). Apart they compress as well: 7,669,732 bytes of packs against 7,668,275 on the deep corpus, 76,459,058
    /// against 76,464,334 on large (zlib level 6, 256 KiB packs).
    enum Group: Hashable {
        case turn
        case message
        case text

        init(_ kind: ObjectKind, message: Bool) {
            self = kind == .turn ? .turn : message ? .message : .text
        }
    }

    /// The pack being filled for each group.
    private var open: [Group: (pack: Int64, buffer: [UInt8])] = [:]
    private var pendingObjects: [CompactID: (kind: ObjectKind, size: Int, writtenAt: Int64, pack: Int64, offset: Int)] = [:]
    /// Turn index rows not yet inserted, with their keys; `leafArguments` when the row keeps longer first lines as a
    /// leaf (``Summary/leafLine(_:)``).
    var pendingIndex: [(key: Data, arguments: StatementArguments, leafArguments: StatementArguments?)] = []
    /// The generations of the turns in `pendingIndex`, for their children written in the same bulk write, and where
    /// their rows are in it (a row that gets a child drops its `leafArguments`: only the batch's leaves keep whole lines
    /// in memory).
    var pendingGenerations: [Data: (generation: Int64?, position: Int)] = [:]
    /// The id, parent and time of each row in `pendingIndex`, for their order in `log --all` (HistoryOrder).
    var pendingGraph: [HistoryOrder.NewRow] = []
    /// The texts of search documents not yet given to the full-text index.
    var pendingSearch: [(docid: Int64, input: String, output: String)] = []
    /// `search_doc` rows not yet inserted: they name their turn's index row (`n`), so they go in after the held-back
    /// index rows. And the turns they belong to.
    var pendingDocuments: [(docid: Int64, turn: CompactID, createdAt: Int64)] = []
    var pendingSearchTurns: Set<CompactID> = []
    /// The bytes of text held back in `pendingSearch`: past `searchBatchBytes` they are indexed, so that an
    /// import of any size holds a bounded amount of text.
    var pendingSearchBytes = 0
    static let searchBatchBytes = 16 << 20
    /// The next free docid of each time bucket that received documents (keyed by the bucket's first docid).
    var nextDocID: [Int64: Int64] = [:]

    /// The object the last `put` appended as certainly absent (see ``certainlyAbsent(_:db:)``), nil when the last
    /// `put` found or looked up its object: a turn new to the repository has no search document to look for.
    var appendedUnlookedUp: CompactID?
    /// The object the last `put` appended (looked up or not), nil when it found its object stored.
    var lastAppended: CompactID?

    /// Whether the turn `put` just appended is certainly not named as parent by an indexed row: only when the object
    /// table was empty when this write began (every indexed row is then this write's, written after its parent). In a
    /// repository with history, gc may have deleted a turn whose unreachable child it keeps for the grace period, and
    /// writing that turn again must find the child (``HistoryOrder/ofNewRows(_:_:)``).
    func appendedTurnHasNoIndexedChildren(_ id: ObjectID) -> Bool {
        startedEmpty == true && lastAppended == CompactID(id)
    }

    /// Whether the object table was empty when this write began; nil until first asked.
    private var startedEmpty: Bool?
    /// The ids this write appended, as a Bloom filter of fixed size: 2^23 bits (1 MiB) and four probes, which are
    /// the id's four words (SHA-256 is uniform enough). About 0.1% false positives at 400,000 objects (the large
    /// corpus); more objects only mean more of them are looked up.
    private var appended = [UInt64](repeating: 0, count: 1 << 17)

    private static let probeMask: UInt64 = 1 << 23 - 1

    private func appendedMayHold(_ id: CompactID) -> Bool {
        func set(_ word: UInt64) -> Bool {
            let bit = Int(truncatingIfNeeded: word & Self.probeMask)
            return appended[bit >> 6] & (1 << UInt64(bit & 63)) != 0
        }
        return set(id.words.0) && set(id.words.1) && set(id.words.2) && set(id.words.3)
    }

    private func rememberAppended(_ id: CompactID) {
        for word in [id.words.0, id.words.1, id.words.2, id.words.3] {
            let bit = Int(truncatingIfNeeded: word & Self.probeMask)
            appended[bit >> 6] |= 1 << UInt64(bit & 63)
        }
    }

    /// Whether `id` is certainly not stored, so that `put` may append it without looking it up (issue 11: an
    /// import into an empty repository looked up each of its 400,000 new objects): true only when the object
    /// table was empty when this write began and this write has not appended an object with the same probes.
    func certainlyAbsent(_ id: ObjectID, db: Database) throws -> Bool {
        if startedEmpty == nil { startedEmpty = try Bool.fetchOne(db, sql: "SELECT NOT EXISTS (SELECT 1 FROM object)") ?? false }
        guard startedEmpty == true else { return false }
        return !appendedMayHold(CompactID(id))
    }

    /// The kind of an object appended but not yet inserted.
    func kind(of id: ObjectID) -> ObjectKind? { pendingObjects[CompactID(id)]?.kind }

    /// Appends an object read back from the database (gc's repacking) to the current pack of its group.
    func append(id: Data, kind: ObjectKind, message: Bool, bytes: [UInt8], writtenAt: Int64, db: Database) throws {
        guard let id = ObjectID(bytes: id) else { throw StoreError.corruptObject(detail: "an object id of \(id.count) bytes, not 32") }
        try append(id: id, kind: kind, message: message, bytes: bytes, writtenAt: writtenAt, db: db)
    }

    /// Appends an object's bytes to the current pack of its group; `message`: a text a request message holds.
    func append(id: ObjectID, kind: ObjectKind, message: Bool = false, bytes: [UInt8], writtenAt: Int64, db: Database) throws {
        let group = Group(kind, message: message)
        if let full = open[group], full.buffer.count >= Self.target { try writePack(group, db) }
        var current = try open.removeValue(forKey: group) ?? {
            try db.execute(sql: "INSERT INTO pack(size, data) VALUES (0, x'')")
            return (db.lastInsertedRowID, [])
        }()
        // An object table looked at only after this write appended cannot tell whether it was empty before.
        if startedEmpty == nil { startedEmpty = false }
        let key = CompactID(id)
        rememberAppended(key)
        pendingObjects[key] = (kind, bytes.count, writtenAt, current.pack, current.buffer.count)
        current.buffer += bytes
        open[group] = current
        if pendingObjects.count >= heldBackObjects { try insertHeldBackRows(db) }
    }

    /// Hands the pack being filled for `group` (every open pack when nil) to the compressor and writes the packs
    /// it has finished.
    private func writePack(_ group: Group?, _ db: Database) throws {
        for (openGroup, current) in open.sorted(by: { $0.value.pack < $1.value.pack }) where group == nil || group == openGroup {
            compressor.compress(pack: current.pack, content: current.buffer)
            open[openGroup] = nil
        }
        try store(compressor.finished(), db)
    }

    private func store(_ packs: [PackCompressor.Compressed], _ db: Database) throws {
        for pack in packs {
            try db.cachedStatement(sql: "UPDATE pack SET size = ?, data = ? WHERE id = ?").execute(arguments: [pack.size, pack.data, pack.id])
        }
    }

    private let compressor = PackCompressor()

    /// Rows held back past this many objects are inserted (in key order) before the write ends, so that an
    /// import's memory stays bounded however many turns it brings (deep's 10,000 turns are 40,000 objects).
    static let defaultHeldBackObjects = 1 << 16
    private let heldBackObjects: Int

    /// Held-back index rows are bounded on their own, at a third of `heldBackObjects`: the number of turns that many
    /// objects hold when each turn brings its two texts. A row weighs about 2 KB in memory (its arguments, lines and
    /// order), an object's about 80 bytes; turns that share their texts (a file imported twice, repeated messages)
    /// bring one object each, and held back three times as many rows before (BENCHMARKS.md).
    private let heldBackRows: Int

    /// A packer that inserts held-back rows every `heldBackObjects` objects (tests use a small number).
    init(heldBackObjects: Int = Packer.defaultHeldBackObjects) {
        self.heldBackObjects = max(1, heldBackObjects)
        self.heldBackRows = max(1, heldBackObjects / 3)
    }

    /// Inserts the held-back rows once the index rows held back reach their bound; called after a turn's index row
    /// and its derived rows are held back.
    func indexRowHeldBack(_ db: Database) throws {
        if pendingIndex.count >= heldBackRows { try insertHeldBackRows(db) }
    }

    /// Writes everything held back.
    func finish(_ db: Database) throws {
        try writePack(nil, db)
        try store(compressor.waitForAll(), db)
        try insertHeldBackRows(db)
        try finishSearch(db)
        nextDocID.removeAll()
    }

    /// Inserts the held-back rows of the object table, the turn index and `search_doc`, each in key order.
    /// An object's row may precede its pack's data: both are written in this transaction. The keys sorted are
    /// ids held inline (``CompactID``): sorting tuples that held `Data` went through the runtime's generic tuple
    /// copies and reference counting, a third of an import's main thread in `perf` (issue 11).
    private func insertHeldBackRows(_ db: Database) throws {
        // Object and search_doc rows are bound through SQLite's C interface: through GRDB each of the 700,000 rows
        // of the large corpus built an argument array of boxed values and a `Data` per id.
        let insertObject = try BulkInsert(db, sql: "INSERT INTO object(id, kind, size, written_at, pack, offset) VALUES (?, ?, ?, ?, ?, ?)")
        for (id, row) in pendingObjects.sorted(by: { $0.key < $1.key }) {
            try insertObject.insert { bind in
                bind.id(id)
                bind.text(row.kind.rawValue)
                bind.integer(Int64(row.size))
                bind.integer(row.writtenAt)
                bind.integer(row.pack)
                bind.integer(Int64(row.offset))
            }
        }
        pendingObjects.removeAll()
        var indexOrder = [(key: CompactID, index: Int)]()
        indexOrder.reserveCapacity(pendingIndex.count)
        for (index, row) in pendingIndex.enumerated() {
            guard let key = CompactID(row.key) else { throw StoreError.corruptObject(detail: "an index key of \(row.key.count) bytes, not 32") }
            indexOrder.append((key, index))
        }
        // Each row is inserted with its order (rows rewritten with 45 more bytes split a fifth of the table's pages),
        // computed from the batch and the indexed children of its turns written again; then the indexed rows above
        // the batch whose order it changes are brought up to date.
        let orders = try HistoryOrder.ofNewRows(db, pendingGraph)
        for (key, index) in indexOrder.sorted(by: { $0.key < $1.key }) {
            let row = pendingIndex[index]
            let order = orders[key]
            try StoreWriter.insertIndexRow(db, order?.leaf == true ? row.leafArguments ?? row.arguments : row.arguments, order: order)
        }
        try HistoryOrder.updateAbove(db, pendingGraph)
        pendingIndex.removeAll()
        pendingGenerations.removeAll()
        pendingGraph.removeAll()
        // Every held-back document's turn is indexed now (a turn's row is held back before its document).
        let insertDocument = try BulkInsert(db, sql: StoreWriter.insertDocumentSQL)
        for document in pendingDocuments.sorted(by: { $0.docid < $1.docid }) {
            try insertDocument.insert { bind in
                bind.integer(document.docid)
                bind.id(document.turn)
                bind.integer(document.createdAt)
            }
        }
        pendingDocuments.removeAll()
        pendingSearchTurns.removeAll()
    }

    /// Indexes the search documents held back, in docid order: FTS5 writes out its in-memory segment
    /// whenever a rowid is not larger than the previous one, so ascending docids keep segments large.
    func finishSearch(_ db: Database) throws {
        guard !pendingSearch.isEmpty else { return }
        // Bound through SQLite's C interface, the texts straight from their strings (no `Data` copy of each).
        let insertText = try BulkInsert(db, sql: "INSERT INTO turn_search(rowid, input, output) VALUES (?, ?, ?)")
        for document in pendingSearch.sorted(by: { $0.docid < $1.docid }) {
            try insertText.insert { bind in
                bind.integer(document.docid)
                bind.blob(document.input)
                bind.blob(document.output)
            }
        }
        pendingSearch.removeAll()
        pendingSearchBytes = 0
    }
}

/// One statement run for many rows of a bulk write through SQLite's C interface, each value bound in order with
/// the types GRDB binds it with (ids and texts as blobs: GRDB binds a `String` as a C string, which ends at a NUL).
struct BulkInsert {
    private let statement: Statement
    private let db: Database

    init(_ db: Database, sql: String) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
    }

    /// Binds the values of one row in order.
    struct Binder {
        let handle: OpaquePointer
        var index: Int32 = 0
        private static let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

        mutating func integer(_ value: Int64) {
            index += 1
            sqlite3_bind_int64(handle, index, value)
        }

        mutating func text(_ value: String) {
            index += 1
            var value = value
            value.withUTF8 { _ = sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
        }

        mutating func id(_ id: CompactID) {
            index += 1
            id.bind(to: handle, at: index)
        }

        /// A text's UTF-8 bytes as a blob, as ``Summary/bytes(_:)`` gives them to GRDB (an empty text binds as GRDB
        /// binds an empty `Data`).
        mutating func blob(_ text: String) {
            index += 1
            var text = text
            text.withUTF8 { bind($0) }
        }

        mutating func blob(_ data: Data) {
            index += 1
            data.withUnsafeBytes { bind(UnsafeBufferPointer(start: $0.baseAddress?.assumingMemoryBound(to: UInt8.self), count: $0.count)) }
        }

        private func bind(_ bytes: UnsafeBufferPointer<UInt8>) {
            // GRDB binds an empty `Data` as a blob of no bytes, or as NULL when its buffer has no address.
            if bytes.isEmpty {
                _ = Data().withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, 0, Self.transient) }
            } else {
                _ = sqlite3_bind_blob(handle, index, bytes.baseAddress, Int32(bytes.count), Self.transient)
            }
        }
    }

    /// Binds a row with `bind` and runs the statement once.
    func insert(_ bind: (inout Binder) -> Void) throws {
        let handle = statement.sqliteStatement
        var binder = Binder(handle: handle)
        bind(&binder)
        let step = sqlite3_step(handle)
        guard step == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(db.sqliteConnection))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: step), message: message, sql: statement.sql)
        }
        sqlite3_reset(handle)
    }
}

/// Compresses packs on one worker thread while the writer goes on collecting the next pack: compression
/// was a third of an import's time on the main thread. At most `limit` packs wait, so memory stays bounded
/// when the worker falls behind.
final class PackCompressor: @unchecked Sendable {
    /// A compressed pack, ready for its row.
    struct Compressed: Sendable {
        var id: Int64
        var size: Int
        var data: Data
    }

    static let limit = 8
    private let queue = DispatchQueue(label: "convo.pack-compression")
    private let slots = DispatchSemaphore(value: PackCompressor.limit)
    private let group = DispatchGroup()
    private let lock = NSLock()
    private var done: [Compressed] = []

    /// Starts compressing `content`, after waiting for a free slot.
    func compress(pack: Int64, content: [UInt8]) {
        slots.wait()
        group.enter()
        queue.async { [self] in
            let compressed = Compressed(id: pack, size: content.count, data: Data(Zlib.compress(content, level: Packer.level)))
            lock.withLock { done.append(compressed) }
            slots.signal()
            group.leave()
        }
    }

    /// The packs compressed so far and not yet taken.
    func finished() -> [Compressed] {
        lock.withLock {
            defer { done.removeAll() }
            return done
        }
    }

    /// Every pack handed over, once all are compressed.
    func waitForAll() -> [Compressed] {
        group.wait()
        return finished()
    }
}
