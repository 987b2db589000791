import Foundation
import GRDB
import GRDBSQLite

/// A turn id held inline (four words instead of an array on the heap), for graphs of every turn: hashing and
/// comparing it touch no allocation. Words are read big-endian, so comparing them compares the id's bytes.
public struct CompactID: Hashable, Comparable, Sendable {
    let words: (UInt64, UInt64, UInt64, UInt64)

    /// The inline form of `id`.
    public init(_ id: ObjectID) { self.init(id.bytes)! }  // safe: an ObjectID holds exactly 32 bytes

    init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        // Whole words from contiguous memory: indexing Data byte by byte cost half of `log --all -n 20`.
        words = bytes.withContiguousStorageIfAvailable({ Self.words($0) }) ?? Array(bytes).withUnsafeBufferPointer({ Self.words($0) })
    }

    private static func words(_ buffer: UnsafeBufferPointer<UInt8>) -> (UInt64, UInt64, UInt64, UInt64) {
        let raw = UnsafeRawBufferPointer(buffer)
        func word(_ index: Int) -> UInt64 { UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self)) }
        return (word(0), word(1), word(2), word(3))
    }

    /// The id in `column` of the current row of a statement stepped through SQLite's C interface: nil unless a blob
    /// of 32 bytes.
    init?(column: Int32, of handle: OpaquePointer) {
        guard sqlite3_column_type(handle, column) == SQLITE_BLOB, sqlite3_column_bytes(handle, column) == 32,
            let bytes = sqlite3_column_blob(handle, column)
        else { return nil }
        self.init(UnsafeBufferPointer(start: bytes.assumingMemoryBound(to: UInt8.self), count: 32))
    }

    /// The id as an ``ObjectID``.
    public var objectID: ObjectID {
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return ObjectID(bytes: bytes)!  // safe: 32 bytes
    }

    /// The id's 32 bytes, as SQLite stores them.
    var data: Data { withBytes { Data($0) } }

    /// `body` given the id's 32 bytes, as SQLite stores them.
    func withBytes<T>(_ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        var bigEndian = (words.0.bigEndian, words.1.bigEndian, words.2.bigEndian, words.3.bigEndian)
        return try withUnsafeBytes(of: &bigEndian, body)
    }

    /// Binds the id's 32 bytes as parameter `index` of `handle` (SQLite copies them).
    func bind(to handle: OpaquePointer, at index: Int32) {
        withBytes { _ = sqlite3_bind_blob(handle, index, $0.baseAddress, 32, unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)) }
    }

    public static func == (lhs: CompactID, rhs: CompactID) -> Bool { lhs.words == rhs.words }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
        hasher.combine(words.2)
        hasher.combine(words.3)
    }

    public static func < (lhs: CompactID, rhs: CompactID) -> Bool { lhs.words < rhs.words }
}

/// The shape of the whole history, read from `turn_index` without the rest of each row: every turn's id,
/// its parent's position and its time, in flat arrays (issue 11: `log --all` read and decoded every index row,
/// both whole first lines included, to print 20 of them). Positions are those of the ids in ascending order,
/// so an id's position is found by binary search: no dictionary of 100,000 ids is hashed and grown.
public struct HistoryGraph: Sendable {
    /// Each turn's id, ascending.
    public private(set) var ids: [CompactID] = []
    /// The position of each turn's parent, -1 for a first turn or a parent the index lacks.
    public private(set) var parents: [Int32] = []
    /// Each turn's time (unix seconds).
    public private(set) var createdAt: [Int64] = []

    /// An empty graph.
    public init() {}

    /// Reads every row of `turn_index` in id order, by column position; a row whose columns lack their types is
    /// damage. Formats 9 to 11 read the rows from the narrow covering index `turn_index_graph`; from format 12 the
    /// table's rows, which keep only prefixes of long first lines, are scanned (the kept order makes this the
    /// fallback of `log --all`).
    public init(_ reader: StoreReader) throws {
        var rows = [(id: CompactID, parent: CompactID?, createdAt: Int64)]()
        // Through SQLite's C interface: GRDB's `Row.withUnsafeData` wraps each blob in a `Data` (about 1,600
        // instructions a column, half of `log --all` on 100,000 turns).
        let statement = try reader.db.makeStatement(sql: "SELECT id, parent, created_at FROM turn_index ORDER BY id")
        let handle = statement.sqliteStatement
        // As GRDB's Int64 reads it (the graph read it so before): an integer, or a double in range rounded toward zero.
        func time(_ column: Int32) throws -> Int64 {
            switch sqlite3_column_type(handle, column) {
            case SQLITE_INTEGER: return sqlite3_column_int64(handle, column)
            case SQLITE_FLOAT:
                let double = sqlite3_column_double(handle, column)
                guard double >= Double(Int64.min), double < Double(Int64.max) else { throw Self.damaged("created_at") }
                return Int64(double)
            default: throw Self.damaged("created_at")
            }
        }
        defer { sqlite3_reset(handle) }
        while case let step = sqlite3_step(handle), step != SQLITE_DONE {
            guard step == SQLITE_ROW else {
                throw StoreError.corruptDatabase(path: "turn_index", detail: "reading the history failed: \(String(cString: sqlite3_errstr(step)))")
            }
            guard let id = CompactID(column: 0, of: handle) else { throw Self.damaged("id") }
            let parent = CompactID(column: 1, of: handle)
            rows.append((id, parent, try time(2)))
        }
        self.init(rows)
    }

    /// A graph of the given turns in any order (tests); an id given twice keeps its first row.
    public init(_ turns: [(id: ObjectID, parent: ObjectID?, createdAt: Int64)]) {
        self.init(turns.map { (CompactID($0.id), $0.parent.map(CompactID.init), $0.createdAt) })
    }

    private init(_ rows: [(id: CompactID, parent: CompactID?, createdAt: Int64)]) {
        var rows = rows
        // Rows read ORDER BY id arrive ascending (SQLite compares blobs as CompactID compares its big-endian
        // words), so the sort is for the tests' shuffled turns.
        if !zip(rows, rows.dropFirst()).allSatisfy({ $0.id < $1.id }) {
            let ordered = rows.enumerated().sorted { ($0.element.id, $0.offset) < ($1.element.id, $1.offset) }
            rows = []
            for row in ordered.map(\.element) where rows.last?.id != row.id { rows.append(row) }
        }
        ids = rows.map(\.id)
        createdAt = rows.map(\.createdAt)
        parents = rows.map { $0.parent.flatMap { position(of: $0) } ?? -1 }
    }

    /// The position of `id`, if the graph holds it.
    public func position(of id: CompactID) -> Int32? {
        var low = 0
        var high = ids.count
        while low < high {
            let middle = (low + high) / 2
            if ids[middle] < id { low = middle + 1 } else { high = middle }
        }
        return low < ids.count && ids[low] == id ? Int32(low) : nil
    }

    static func damaged(_ column: String) -> StoreError {
        .corruptDatabase(path: "turn_index", detail: "a row's \(column) has the wrong type; run 'convo fsck --rebuild-index'")
    }
}
