import Foundation
import GRDB

/// Collects a bulk write: object bytes go into packs of about `target` uncompressed bytes, and the rows
/// of the object table and the turn index are held back and inserted in key order when the write ends,
/// so that the B-trees fill their pages instead of splitting them at random.
final class Packer {
    static let target = 64 * 1024
    private var pack: Int64?
    private var buffer = [UInt8]()
    private var pendingObjects: [Data: (kind: ObjectKind, size: Int, writtenAt: Int64, pack: Int64, offset: Int)] = [:]
    /// Turn index rows not yet inserted, with their keys.
    var pendingIndex: [(key: Data, arguments: StatementArguments)] = []
    /// The generations of the turns in `pendingIndex`, for their children written in the same bulk write.
    var pendingGenerations: [Data: Int64?] = [:]
    /// `turn_blob` rows not yet inserted.
    var pendingBlobs: [(turn: Data, blob: Data)] = []
    /// Search documents not yet inserted, and the turns they belong to.
    var pendingSearch: [(docid: Int64, turn: Data, createdAt: Int64, input: String, output: String)] = []
    var pendingSearchTurns: Set<Data> = []
    /// The bytes of text held back in `pendingSearch`: past `searchBatchBytes` they are indexed, so that an
    /// import of any size holds a bounded amount of text.
    var pendingSearchBytes = 0
    static let searchBatchBytes = 16 << 20
    /// The next free docid of each time bucket that received documents (keyed by the bucket's first docid).
    var nextDocID: [Int64: Int64] = [:]

    /// The kind of an object appended but not yet inserted.
    func kind(of id: Data) -> ObjectKind? { pendingObjects[id]?.kind }

    /// Appends an object's bytes to the current pack.
    func append(id: Data, kind: ObjectKind, bytes: [UInt8], writtenAt: Int64, db: Database) throws {
        if buffer.count >= Self.target { try writePack(db) }
        let pack = try self.pack ?? {
            try db.execute(sql: "INSERT INTO pack(size, data) VALUES (0, x'')")
            return db.lastInsertedRowID
        }()
        self.pack = pack
        pendingObjects[id] = (kind, bytes.count, writtenAt, pack, buffer.count)
        buffer += bytes
        if pendingObjects.count >= heldBackObjects { try insertHeldBackRows(db) }
    }

    /// Hands the current pack to the compressor and writes the packs it has finished.
    private func writePack(_ db: Database) throws {
        if let pack {
            compressor.compress(pack: pack, content: buffer)
            self.pack = nil
            buffer.removeAll(keepingCapacity: true)
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
        try writePack(db)
        try store(compressor.waitForAll(), db)
        try insertHeldBackRows(db)
        try finishSearch(db)
        nextDocID.removeAll()
    }

    /// Inserts the held-back rows of the object table, the turn index and `turn_blob`, each in key order.
    /// An object's row may precede its pack's data: both are written in this transaction.
    private func insertHeldBackRows(_ db: Database) throws {
        let insertObject = try db.cachedStatement(
            sql: "INSERT INTO object(id, kind, size, written_at, pack, offset) VALUES (?, ?, ?, ?, ?, ?)")
        for (_, id) in pendingObjects.keys.map({ (SortKey($0), $0) }).sorted(by: { $0.0 < $1.0 }) {
            guard let row = pendingObjects[id] else { continue }
            try insertObject.execute(arguments: [id, row.kind.rawValue, row.size, row.writtenAt, row.pack, row.offset])
        }
        pendingObjects.removeAll()
        for (_, index) in pendingIndex.indices.map({ (SortKey(pendingIndex[$0].key), $0) }).sorted(by: { $0.0 < $1.0 }) {
            try StoreWriter.insertIndexRow(db, pendingIndex[index].arguments)
        }
        pendingIndex.removeAll()
        pendingGenerations.removeAll()
        let insertBlob = try db.cachedStatement(sql: "INSERT OR IGNORE INTO turn_blob(turn, blob) VALUES (?, ?)")
        let blobOrder = pendingBlobs.indices.map { (turn: SortKey(pendingBlobs[$0].turn), blob: SortKey(pendingBlobs[$0].blob), index: $0) }
        for (_, _, index) in blobOrder.sorted(by: { $0.turn == $1.turn ? $0.blob < $1.blob : $0.turn < $1.turn }) {
            try insertBlob.execute(arguments: [pendingBlobs[index].turn, pendingBlobs[index].blob])
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
            let compressed = Compressed(id: pack, size: content.count, data: Data(Zlib.compress(content)))
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

/// A key's byte order as integers: its first 32 bytes (an object id's length) as four big-endian words, then
/// its length. Sorting held-back rows by comparing `Data` (closures, reference counting, `memcmp` calls) was a
/// fifth of the import's main thread; keys longer than 32 bytes fall back to comparing the bytes.
struct SortKey: Comparable {
    private var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    private var count: Int
    private var key: Data?

    init(_ data: Data) {
        count = data.count
        key = data.count > 32 ? data : nil
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes.withUnsafeMutableBytes { target in
            data.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source.prefix(32)))
            }
        }
        bytes.withUnsafeBytes { raw in
            words = (
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)),
                UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)))
        }
    }

    static func == (a: SortKey, b: SortKey) -> Bool { a.words == b.words && a.count == b.count && a.key == b.key }

    static func < (a: SortKey, b: SortKey) -> Bool {
        if a.words != b.words { return a.words < b.words }
        if let left = a.key, let right = b.key { return left.sortsBefore(right) }
        return a.count < b.count
    }
}

extension Data {
    /// Byte order of keys (object ids), compared in place: `lexicographicallyPrecedes` walks `Data`'s
    /// iterator byte by byte and was a tenth of an import, spent sorting held-back rows.
    func sortsBefore(_ other: Data) -> Bool {
        withUnsafeBytes { left in
            other.withUnsafeBytes { right in
                let common = Swift.min(left.count, right.count)
                if common > 0, let a = left.baseAddress, let b = right.baseAddress {
                    let order = memcmp(a, b, common)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
    }
}
