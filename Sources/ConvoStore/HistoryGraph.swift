import Foundation
import GRDB

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

    /// The id as an ``ObjectID``.
    public var objectID: ObjectID {
        var bytes = [UInt8]()
        bytes.reserveCapacity(32)
        for word in [words.0, words.1, words.2, words.3] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return ObjectID(bytes: bytes)!  // safe: 32 bytes
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
/// both whole first lines included, to print 20 of them). Positions are those of an arbitrary row order.
public struct HistoryGraph: Sendable {
    /// Each turn's id.
    public private(set) var ids: [CompactID] = []
    /// The position of each turn's parent, -1 for a first turn or a parent the index lacks.
    public private(set) var parents: [Int32] = []
    /// Each turn's time (unix seconds).
    public private(set) var createdAt: [Int64] = []
    /// Position by id.
    public private(set) var positions: [CompactID: Int32] = [:]

    /// An empty graph.
    public init() {}

    /// Reads every row of `turn_index`, by column position; a row whose columns lack their types is damage.
    public init(_ reader: StoreReader) throws {
        var parentIDs = [CompactID?]()
        let cursor = try Row.fetchCursor(reader.db, sql: "SELECT id, parent, created_at FROM turn_index")
        while let row = try cursor.next() {
            guard let id = try row.withUnsafeData(atIndex: 0, { $0.flatMap { data in data.withUnsafeBytes { CompactID($0) } } }) else { throw Self.damaged("id") }
            let parent = try row.withUnsafeData(atIndex: 1) { $0.flatMap { data in data.withUnsafeBytes { CompactID($0) } } }
            guard let time = Int64.fromDatabaseValue(row[2] as DatabaseValue) else { throw Self.damaged("created_at") }
            positions[id] = Int32(ids.count)
            ids.append(id)
            parentIDs.append(parent)
            createdAt.append(time)
        }
        parents = parentIDs.map { $0.flatMap { positions[$0] } ?? -1 }
    }

    /// A graph of the given turns (tests).
    public init(_ turns: [(id: ObjectID, parent: ObjectID?, createdAt: Int64)]) {
        for turn in turns {
            positions[CompactID(turn.id)] = Int32(ids.count)
            ids.append(CompactID(turn.id))
            createdAt.append(turn.createdAt)
        }
        parents = turns.map { $0.parent.flatMap { positions[CompactID($0)] } ?? -1 }
    }

    static func damaged(_ column: String) -> StoreError {
        .corruptDatabase(path: "turn_index", detail: "a row's \(column) has the wrong type; run 'convo fsck --rebuild-index'")
    }
}
