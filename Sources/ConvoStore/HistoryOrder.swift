import Foundation
import GRDB
import GRDBSQLite

/// The order of `log --all` kept in `turn_index` (format 10, issue 11), so that `log --all -n 20` reads 20 rows
/// of an index instead of the whole graph.
///
/// `log --all` lists the reachable turns by Kahn's algorithm, children before parents, the newest (time, id)
/// first among the ready ones (``HistoryGraph``). On a forest that is exactly the order of descending
/// e(x) = the smallest (time, id) in x's subtree (x and its descendants), and on equal e (which only turns on
/// one path share: e names one turn, below all of them) the one nearer that turn first. Proof: the first
/// remaining turn z of that order is ready (its children come before it); a ready turn r with a larger key
/// than z has every child placed, so each child's e is at least e(z), and r's own key is larger, so
/// e(r) ≥ e(z); equality would put r above z on one path, but then r is not ready until z is placed.
///
/// Each row keeps e as `least_at`, `least_id`, its distance to that turn as `least_depth` (0: itself), and
/// `leaf` (no indexed turn names it as parent). They are derived: every write of index rows recomputes them
/// up the chain while they change (``StoreWriter/orderAdded(_:)``; a bulk write computes its rows' with
/// ``ofNewRows(_:_:)``), gc after deleting rows, the migration and
/// `rebuildIndex` by ``fill(_:)``, and fsck compares them with ``expected(_:)``.
///
/// e is over the whole index, so the order holds only when every indexed turn is reachable from the tips
/// `log --all` starts from: when every leaf is a tip. Otherwise (a deleted branch before gc, a turn written
/// without a branch) `log --all` falls back to the graph.
enum HistoryOrder {
    /// The first format that keeps the order.
    static let format = 10

    /// One row's order columns.
    struct Order: Equatable {
        var leastAt: Int64
        var leastID: CompactID
        var depth: Int64
        var leaf: Bool
    }

    /// Every row's order columns as the index's parent links say, computed bottom-up in memory. A row in a
    /// parent cycle (only a damaged index has one) keeps its own key.
    static func expected(_ db: Database) throws -> [CompactID: Order] {
        var rows = [(id: CompactID, parent: CompactID?, createdAt: Int64)]()
        try forEachRow(db, "SELECT id, parent, created_at FROM turn_index") { handle in
            guard let id = CompactID(column: 0, of: handle) else { throw HistoryGraph.damaged("id") }
            rows.append((id, CompactID(column: 1, of: handle), sqlite3_column_int64(handle, 2)))
        }
        var position = [CompactID: Int](minimumCapacity: rows.count)
        for (index, row) in rows.enumerated() { position[row.id] = index }
        var orders = rows.map { Order(leastAt: $0.createdAt, leastID: $0.id, depth: 0, leaf: true) }
        propagate(&orders, parents: rows.map { $0.parent.flatMap { position[$0] } ?? -1 })
        var result = [CompactID: Order](minimumCapacity: rows.count)
        for (index, row) in rows.enumerated() { result[row.id] = orders[index] }
        return result
    }

    /// Carries each row's order to its parent, bottom-up (Kahn's algorithm, children first): `parents[i]` is the
    /// position of row i's parent, -1 for none. A row in a parent cycle keeps what it has.
    private static func propagate(_ orders: inout [Order], parents: [Int]) {
        var pending = [Int](repeating: 0, count: orders.count)
        for parent in parents where parent >= 0 {
            pending[parent] += 1
            orders[parent].leaf = false
        }
        var ready = pending.indices.filter { pending[$0] == 0 }
        while let next = ready.popLast() {
            let parent = parents[next]
            guard parent >= 0 else { continue }
            let child = orders[next]
            if (child.leastAt, child.leastID) < (orders[parent].leastAt, orders[parent].leastID) {
                orders[parent].leastAt = child.leastAt
                orders[parent].leastID = child.leastID
                orders[parent].depth = child.depth + 1
            }
            pending[parent] -= 1
            if pending[parent] == 0 { ready.append(parent) }
        }
    }

    /// A row about to be written by a bulk write, for ``ofNewRows(_:_:)``. `new`: no indexed row names it as parent
    /// (``Packer/appendedTurnHasNoIndexedChildren(_:)``), so its children need not be looked up.
    struct NewRow {
        var id: CompactID
        var parent: CompactID?
        var createdAt: Int64
        var new: Bool
    }

    /// The order columns of rows a bulk write is about to insert (its held-back rows), computed bottom-up from those
    /// rows and, for a turn that may have indexed children (written again, or brought back after gc deleted it and
    /// kept a child), the least of those: the columns depend only on a row's descendants. Memory follows the
    /// batch, not the repository (issue 11, "Import": computing the whole index's order for each batch took an
    /// import's peak from 130 to 205 MiB on 100,000 turns). After the insert, ``updateAbove(_:_:)`` brings up to
    /// date the indexed rows whose order the new ones change.
    static func ofNewRows(_ db: Database, _ rows: [NewRow]) throws -> [CompactID: Order] {
        var position = [CompactID: Int](minimumCapacity: rows.count)
        var unique = [NewRow]()
        unique.reserveCapacity(rows.count)
        // A row written twice (the same turn: the same parent and time) is counted once.
        for row in rows where position[row.id] == nil {
            position[row.id] = unique.count
            unique.append(row)
        }
        var orders = unique.map { Order(leastAt: $0.createdAt, leastID: $0.id, depth: 0, leaf: true) }
        if unique.contains(where: { !$0.new }) {
            let statement = try db.cachedStatement(sql: """
                SELECT least_at, least_id, least_depth FROM turn_index WHERE parent = ?
                ORDER BY least_at IS NULL, least_at, least_id LIMIT 1
                """)
            let handle = statement.sqliteStatement
            defer { sqlite3_reset(handle) }
            for (index, row) in unique.enumerated() where !row.new {
                sqlite3_reset(handle)
                row.id.bind(to: handle, at: 1)
                let step = sqlite3_step(handle)
                guard step != SQLITE_DONE else { continue }
                guard step == SQLITE_ROW else {
                    throw StoreError.corruptDatabase(path: "turn_index", detail: "reading the history failed: \(String(cString: sqlite3_errstr(step)))")
                }
                orders[index].leaf = false
                // A child written again in this batch has its order recomputed below; its stored one is no smaller.
                if sqlite3_column_type(handle, 0) == SQLITE_INTEGER, let childID = CompactID(column: 1, of: handle),
                    sqlite3_column_type(handle, 2) == SQLITE_INTEGER
                {
                    let childAt = sqlite3_column_int64(handle, 0)
                    if (childAt, childID) < (orders[index].leastAt, orders[index].leastID) {
                        orders[index].leastAt = childAt
                        orders[index].leastID = childID
                        orders[index].depth = sqlite3_column_int64(handle, 2) + 1
                    }
                }
            }
        }
        propagate(&orders, parents: unique.map { $0.parent.flatMap { position[$0] } ?? -1 })
        var result = [CompactID: Order](minimumCapacity: unique.count)
        for (index, row) in unique.enumerated() { result[row.id] = orders[index] }
        return result
    }

    /// After `rows` were inserted with ``ofNewRows(_:_:)``'s orders: recomputes the indexed turns above them (each
    /// row's parent that is not one of them, then up while the order changes).
    static func updateAbove(_ db: Database, _ rows: [NewRow]) throws {
        let written = Set(rows.map(\.id))
        var seen = Set<CompactID>()
        for row in rows {
            guard let parent = row.parent, !written.contains(parent), seen.insert(parent).inserted else { continue }
            try update(db, from: parent)
        }
    }

    /// The stored order columns of every row; a row whose columns are missing or of the wrong type is absent.
    static func stored(_ db: Database) throws -> [CompactID: Order] {
        var result = [CompactID: Order]()
        try forEachRow(db, "SELECT id, least_at, least_id, least_depth, leaf FROM turn_index") { handle in
            guard let id = CompactID(column: 0, of: handle), let leastID = CompactID(column: 2, of: handle), sqlite3_column_type(handle, 1) == SQLITE_INTEGER,
                sqlite3_column_type(handle, 3) == SQLITE_INTEGER, sqlite3_column_type(handle, 4) == SQLITE_INTEGER
            else { return }
            result[id] = Order(
                leastAt: sqlite3_column_int64(handle, 1), leastID: leastID, depth: sqlite3_column_int64(handle, 3),
                leaf: sqlite3_column_int64(handle, 4) != 0)
        }
        return result
    }

    /// How many rows hold order columns that differ from ``expected(_:)`` (fsck's `stale-index`).
    static func staleRows(_ db: Database) throws -> Int {
        let stored = try stored(db)
        return try expected(db).count { stored[$0.key] != $0.value }
    }

    /// Sets every row's order columns (the migration, `rebuildIndex`); rows already right are not written.
    static func fill(_ db: Database) throws {
        let stored = try stored(db)
        let update = try db.cachedStatement(sql: "UPDATE turn_index SET least_at = ?, least_id = ?, least_depth = ?, leaf = ? WHERE id = ?")
        for (id, order) in try expected(db) where stored[id] != order {
            try update.execute(arguments: [order.leastAt, order.leastID.data, order.depth, order.leaf ? 1 : 0, id.data])
        }
    }

    /// Recomputes the order columns of `id` from its own key and its children's columns, then of its
    /// ancestors while they change. Children whose columns are not set yet (written in the same batch, not
    /// reached yet) are skipped: they propagate when they are reached. A row that stops being a leaf keeps only
    /// the prefix of a long first line from then on (``Summary/leafLine(_:)``).
    static func update(_ db: Database, from id: CompactID) throws {
        let read = try db.cachedStatement(sql: """
            SELECT parent, created_at, least_at, least_id, least_depth, leaf, input_line, output_line FROM turn_index WHERE id = ?
            """)
        let children = try db.cachedStatement(sql: """
            SELECT least_at, least_id, least_depth FROM turn_index WHERE parent = ?
            ORDER BY least_at IS NULL, least_at, least_id LIMIT 1
            """)
        // A line is written only where a row that stops being a leaf cuts it to its prefix (NULL keeps it).
        let write = try db.cachedStatement(sql: """
            UPDATE turn_index SET least_at = ?, least_id = ?, least_depth = ?, leaf = ?,
                input_line = coalesce(?, input_line), output_line = coalesce(?, output_line) WHERE id = ?
            """)
        var next: CompactID? = id
        while let current = next {
            let key = current.data
            guard let row = try Row.fetchOne(read, arguments: [key]) else { return }
            let createdAt: Int64 = try row.required("created_at", in: "turn_index")
            var order = Order(leastAt: createdAt, leastID: current, depth: 0, leaf: true)
            if let child = try Row.fetchOne(children, arguments: [key]) {
                order.leaf = false
                if let childAt = child[0] as Int64?, let childKey = child[1] as Data?, let childID = CompactID(childKey),
                    let childDepth = child[2] as Int64?, (childAt, childID) < (createdAt, current)
                {
                    order.leastAt = childAt
                    order.leastID = childID
                    order.depth = childDepth + 1
                }
            }
            let old: Order? =
                if let at = row[2] as Int64?, let stored = row[3] as Data?, let leastID = CompactID(stored), let depth = row[4] as Int64?,
                    let leaf = row[5] as Int64?
                { Order(leastAt: at, leastID: leastID, depth: depth, leaf: leaf != 0) } else { nil }
            if old == order { return }
            let (input, output) = order.leaf ? (nil, nil) : (prefix(row[6]), prefix(row[7]))
            try write.execute(arguments: [order.leastAt, order.leastID.data, order.depth, order.leaf ? 1 : 0, input, output, key])
            next = (row[0] as Data?).flatMap { CompactID($0) }
        }
    }

    /// The stored prefix of a stored first line that a leaf kept whole and the index keeps only the start of
    /// (``Summary/leafLine(_:)``); nil when the line is to stay as it is.
    private static func prefix(_ value: DatabaseValue) -> Data? {
        guard let (line, isPrefix) = Summary.storedLine(value), !isPrefix else { return nil }
        let stored = Summary.storedLine(line)
        return stored.isPrefix ? Summary.storedBytes(stored.line, isPrefix: true) : nil
    }

    /// Steps `sql` through SQLite's C interface (GRDB's rows wrap each blob in a `Data`), handing each row to `body`.
    private static func forEachRow(_ db: Database, _ sql: String, _ body: (OpaquePointer) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while case let step = sqlite3_step(handle), step != SQLITE_DONE {
            guard step == SQLITE_ROW else {
                throw StoreError.corruptDatabase(path: "turn_index", detail: "reading the history failed: \(String(cString: sqlite3_errstr(step)))")
            }
            try body(handle)
        }
    }
}

extension StoreWriter {
    /// Brings the order of `log --all` up to date after the index row of `id` was written (``HistoryOrder``).
    func orderAdded(_ id: CompactID) throws {
        try HistoryOrder.update(db, from: id)
    }

    /// Brings the order of `log --all` up to date after index rows were deleted: from their parents still indexed.
    func orderRemoved(parents: [CompactID]) throws {
        for parent in parents { try HistoryOrder.update(db, from: parent) }
    }
}

extension StoreReader {
    /// Whether `log --all` from `tips` may read its order from the order index (``keptOrder(limit:)``): format 10,
    /// every row has its order, and every indexed turn is reachable from `tips` (every leaf is one of them).
    /// When not, the caller orders the graph instead (``TopologicalOrder``).
    public func keptOrderHolds(from tips: [ObjectID]) throws -> Bool {
        guard format >= HistoryOrder.format else { return false }
        // A row without its order columns (damage; fsck reports it) sorts first in the index.
        if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM turn_index INDEXED BY turn_index_order WHERE least_at IS NULL)") == true {
            return false
        }
        let tipSet = Set(tips.map(CompactID.init))
        let leaves = try db.makeStatement(sql: "SELECT id FROM turn_index INDEXED BY turn_index_leaves WHERE leaf = 1")
        let handle = leaves.sqliteStatement
        defer { sqlite3_reset(handle) }
        while case let step = sqlite3_step(handle), step != SQLITE_DONE {
            guard step == SQLITE_ROW else {
                throw StoreError.corruptDatabase(path: "turn_index", detail: "reading the history failed: \(String(cString: sqlite3_errstr(step)))")
            }
            guard sqlite3_column_bytes(handle, 0) == 32, let bytes = sqlite3_column_blob(handle, 0),
                let leaf = CompactID(UnsafeBufferPointer(start: bytes.assumingMemoryBound(to: UInt8.self), count: 32)),
                tipSet.contains(leaf)
            else { return false }
        }
        return true
    }

    /// The first `limit` turns of the order index, when ``keptOrderHolds(from:)``.
    public func keptOrder(limit: Int) throws -> [ObjectID] {
        var cursor = try KeptOrderCursor(self, limit: limit)
        var listed = [ObjectID]()
        while let id = try cursor.next() { listed.append(id) }
        return listed
    }

    /// ``keptOrderHolds(from:)`` and ``keptOrder(limit:)`` together (tests); nil when the order does not hold.
    public func keptOrder(from tips: [ObjectID], limit: Int) throws -> [ObjectID]? {
        try keptOrderHolds(from: tips) ? keptOrder(limit: limit) : nil
    }
}

/// The turns of the order index one at a time, newest first in `log --all`'s order, so that `log` prints the
/// first before the rest are read; valid inside the read transaction of the ``StoreReader`` it was made from.
/// Each step reads the turn's whole index row: from format 13 the index names the row by its number, so reading
/// the row here costs one lookup where reading the id here and the row by id later cost two (issue 11).
public struct KeptOrderCursor {
    private let statement: Statement
    private var rows: RowCursor
    private let limit: Int

    /// A cursor over at most `limit` turns (``StoreReader/keptOrderHolds(from:)`` must hold).
    public init(_ reader: StoreReader, limit: Int = .max) throws {
        statement = try reader.db.makeStatement(sql: """
            SELECT \(TurnSummary.columns) FROM turn_index INDEXED BY turn_index_order
            ORDER BY least_at DESC, least_id DESC, least_depth ASC LIMIT ? OFFSET ?
            """)
        self.limit = limit
        rows = try Row.fetchCursor(statement, arguments: Self.arguments(limit: limit, skipping: 0))
    }

    private static func arguments(limit: Int, skipping count: Int) -> StatementArguments {
        [limit == .max ? -1 : Int64(max(limit - count, 0)), Int64(count)]
    }

    /// Starts again after the first `count` turns of the order.
    public mutating func rewind(skipping count: Int) throws {
        rows = try Row.fetchCursor(statement, arguments: Self.arguments(limit: limit, skipping: max(count, 0)))
    }

    /// Steps to the next row, nil after the last.
    private mutating func step() throws -> Row? {
        do {
            return try rows.next()
        } catch let error as DatabaseError {
            throw StoreError.corruptDatabase(
                path: "turn_index", detail: "reading the history failed: \(String(cString: sqlite3_errstr(error.extendedResultCode.rawValue)))")
        }
    }

    /// The next turn, nil after the last.
    public mutating func next() throws -> ObjectID? {
        guard try step() != nil else { return nil }
        let handle = statement.sqliteStatement
        guard sqlite3_column_bytes(handle, 0) == 32, let bytes = sqlite3_column_blob(handle, 0),
            let id = ObjectID(bytes: UnsafeRawBufferPointer(start: bytes, count: 32))
        else {
            throw HistoryGraph.damaged("id")
        }
        return id
    }

    /// The next turn's index row, nil after the last.
    public mutating func nextSummary() throws -> TurnSummary? {
        try step().map { try TurnSummary(row: $0) }
    }
}
