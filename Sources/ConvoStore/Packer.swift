import Foundation
import GRDB

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
    /// The pack being filled for each kind: turns (canonical JSON, much alike) and texts compress better apart
    /// than interleaved, since each fills the window with its own kind.
    private var open: [ObjectKind: (pack: Int64, buffer: [UInt8])] = [:]
    private var pendingObjects: [CompactID: (kind: ObjectKind, size: Int, writtenAt: Int64, pack: Int64, offset: Int)] = [:]
    /// Turn index rows not yet inserted, with their keys.
    var pendingIndex: [(key: Data, arguments: StatementArguments)] = []
    /// The generations of the turns in `pendingIndex`, for their children written in the same bulk write.
    var pendingGenerations: [Data: Int64?] = [:]
    /// `turn_blobs` rows not yet inserted.
    var pendingBlobs: [(turn: CompactID, blobs: Data)] = []
    /// Search documents not yet inserted, and the turns they belong to.
    var pendingSearch: [(docid: Int64, turn: Data, createdAt: Int64, input: String, output: String)] = []
    var pendingSearchTurns: Set<Data> = []
    /// The bytes of text held back in `pendingSearch`: past `searchBatchBytes` they are indexed, so that an
    /// import of any size holds a bounded amount of text.
    var pendingSearchBytes = 0
    static let searchBatchBytes = 16 << 20
    /// The next free docid of each time bucket that received documents (keyed by the bucket's first docid).
    var nextDocID: [Int64: Int64] = [:]

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

    /// Appends an object read back from the database (gc's repacking) to the current pack.
    func append(id: Data, kind: ObjectKind, bytes: [UInt8], writtenAt: Int64, db: Database) throws {
        guard let id = ObjectID(bytes: id) else { throw StoreError.corruptObject(detail: "an object id of \(id.count) bytes, not 32") }
        try append(id: id, kind: kind, bytes: bytes, writtenAt: writtenAt, db: db)
    }

    /// Appends an object's bytes to the current pack.
    func append(id: ObjectID, kind: ObjectKind, bytes: [UInt8], writtenAt: Int64, db: Database) throws {
        if let full = open[kind], full.buffer.count >= Self.target { try writePack(kind, db) }
        var current = try open.removeValue(forKey: kind) ?? {
            try db.execute(sql: "INSERT INTO pack(size, data) VALUES (0, x'')")
            return (db.lastInsertedRowID, [])
        }()
        // An object table looked at only after this write appended cannot tell whether it was empty before.
        if startedEmpty == nil { startedEmpty = false }
        let key = CompactID(id)
        rememberAppended(key)
        pendingObjects[key] = (kind, bytes.count, writtenAt, current.pack, current.buffer.count)
        current.buffer += bytes
        open[kind] = current
        if pendingObjects.count >= heldBackObjects { try insertHeldBackRows(db) }
    }

    /// Hands the pack being filled for `kind` (every open pack when nil) to the compressor and writes the packs
    /// it has finished.
    private func writePack(_ kind: ObjectKind?, _ db: Database) throws {
        for (openKind, current) in open.sorted(by: { $0.value.pack < $1.value.pack }) where kind == nil || kind == openKind {
            compressor.compress(pack: current.pack, content: current.buffer)
            open[openKind] = nil
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

    /// A packer that inserts held-back rows every `heldBackObjects` objects (tests use a small number).
    init(heldBackObjects: Int = Packer.defaultHeldBackObjects) {
        self.heldBackObjects = max(1, heldBackObjects)
    }

    /// Writes everything held back.
    func finish(_ db: Database) throws {
        try writePack(nil, db)
        try store(compressor.waitForAll(), db)
        try insertHeldBackRows(db)
        try finishSearch(db)
        nextDocID.removeAll()
    }

    /// Inserts the held-back rows of the object table, the turn index and `turn_blobs`, each in key order.
    /// An object's row may precede its pack's data: both are written in this transaction. The keys sorted are
    /// ids held inline (``CompactID``): sorting tuples that held `Data` went through the runtime's generic tuple
    /// copies and reference counting, a third of an import's main thread in `perf` (issue 11).
    private func insertHeldBackRows(_ db: Database) throws {
        let insertObject = try db.cachedStatement(
            sql: "INSERT INTO object(id, kind, size, written_at, pack, offset) VALUES (?, ?, ?, ?, ?, ?)")
        for (id, row) in pendingObjects.sorted(by: { $0.key < $1.key }) {
            try insertObject.execute(arguments: [id.data, row.kind.rawValue, row.size, row.writtenAt, row.pack, row.offset])
        }
        pendingObjects.removeAll()
        var indexOrder = [(key: CompactID, index: Int)]()
        indexOrder.reserveCapacity(pendingIndex.count)
        for (index, row) in pendingIndex.enumerated() {
            guard let key = CompactID(row.key) else { throw StoreError.corruptObject(detail: "an index key of \(row.key.count) bytes, not 32") }
            indexOrder.append((key, index))
        }
        for (_, index) in indexOrder.sorted(by: { $0.key < $1.key }) {
            try StoreWriter.insertIndexRow(db, pendingIndex[index].arguments)
        }
        pendingIndex.removeAll()
        pendingGenerations.removeAll()
        let insertBlobs = try db.cachedStatement(sql: "INSERT OR IGNORE INTO turn_blobs(turn, blobs) VALUES (?, ?)")
        for row in pendingBlobs.sorted(by: { $0.turn < $1.turn }) {
            try insertBlobs.execute(arguments: [row.turn.data, row.blobs])
        }
        pendingBlobs.removeAll()
    }

    /// Indexes the search documents held back, in docid order: FTS5 writes out its in-memory segment
    /// whenever a rowid is not larger than the previous one, so ascending docids keep segments large.
    func finishSearch(_ db: Database) throws {
        for document in pendingSearch.sorted(by: { $0.docid < $1.docid }) {
            try StoreWriter.insertSearchDocument(
                db, docid: document.docid, turn: document.turn, createdAt: document.createdAt, input: document.input, output: document.output)
        }
        pendingSearch.removeAll()
        pendingSearchTurns.removeAll()
        pendingSearchBytes = 0
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
