import Foundation
import GRDB
import GRDBSQLite

/// Where the packed objects are, read in one scan of the object table in id order: for reading many objects at
/// once (the whole first lines of a long log), a step of that scan costs about 500 instructions where a lookup by
/// id costs 8,000 (issue 11). Holds only rows as convo writes them (a 32-byte id, kind `turn` or `blob`, a size, a
/// pack and an offset, no data): any other object, loose or damaged or absent, is not in it and is looked up
/// by ``StoreReader/place(of:)`` as before, so that what is read and every error stay the same.
public struct PlaceTable: Sendable {
    /// The ids, 32 bytes each, ascending.
    private var ids: [UInt8] = []
    private var entries: [Entry] = []

    private struct Entry: Sendable {
        var pack: Int64
        var offset: Int64
        var size: Int
        var kind: ObjectKind
    }

    /// Objects in the table.
    var count: Int { entries.count }

    /// Where object `id` is, when the table holds it.
    func place(of id: ObjectID) -> ObjectPlace? {
        guard id.bytes.count == 32 else { return nil }
        return ids.withUnsafeBytes { table in
            id.bytes.withUnsafeBytes { key in
                var low = 0, high = entries.count
                while low < high {
                    let middle = (low + high) / 2
                    let order = memcmp(table.baseAddress! + middle * 32, key.baseAddress!, 32)
                    if order == 0 {
                        let entry = entries[middle]
                        return ObjectPlace(kind: entry.kind, size: entry.size, pack: entry.pack, offset: entry.offset)
                    }
                    if order < 0 { low = middle + 1 } else { high = middle }
                }
                return nil
            }
        }
    }

    /// Reads the table through `handle`, a statement selecting `id, kind, size, pack, offset` of packed objects.
    fileprivate init(_ handle: OpaquePointer, db: Database) throws {
        while case let step = sqlite3_step(handle), step != SQLITE_DONE {
            guard step == SQLITE_ROW else {
                throw DatabaseError(resultCode: ResultCode(rawValue: step), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
            }
            // As place(of:) takes a row: anything else is left to it.
            guard sqlite3_column_type(handle, 0) == SQLITE_BLOB, sqlite3_column_bytes(handle, 0) == 32, let id = sqlite3_column_blob(handle, 0),
                sqlite3_column_type(handle, 1) == SQLITE_TEXT, sqlite3_column_type(handle, 2) == SQLITE_INTEGER,
                sqlite3_column_type(handle, 3) == SQLITE_INTEGER, sqlite3_column_type(handle, 4) == SQLITE_INTEGER,
                let kind = StoreReader.kind(sqlite3_column_text(handle, 1), count: sqlite3_column_bytes(handle, 1))
            else { continue }
            let size = sqlite3_column_int64(handle, 2)
            guard size >= 0 else { continue }
            // In id order, so the binary search holds; a row out of that order (it cannot be) is left out.
            let bytes = UnsafeRawBufferPointer(start: id, count: 32)
            if !entries.isEmpty, ids.withUnsafeBytes({ memcmp($0.baseAddress! + ids.count - 32, id, 32) }) >= 0 { continue }
            ids.append(contentsOf: bytes)
            entries.append(Entry(pack: sqlite3_column_int64(handle, 3), offset: sqlite3_column_int64(handle, 4), size: Int(size), kind: kind))
        }
    }
}

extension StoreReader {
    /// A ``PlaceTable`` when one scan of the object table costs less than `lookups` lookups by id (a scan's step is
    /// about a sixteenth of a lookup; the table is counted first), else nil: a short log in a large store looks its
    /// objects up one by one.
    public func placeTable(forLookups lookups: Int) throws -> PlaceTable? {
        guard lookups >= 1_000 else { return nil }
        let objects = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM object") ?? 0
        guard objects <= lookups * 8 else { return nil }
        let statement = try db.makeStatement(sql: "SELECT id, kind, size, pack, offset FROM object WHERE data IS NULL ORDER BY id")
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        return try PlaceTable(handle, db: db)
    }
}
