import Foundation
import GRDB

/// Reachability, as git's: the roots are what every ref, HEAD and reflog entry names; a turn keeps its parent
/// and the texts it references. `gc` keeps what this finds, and every other question of the kind (`log --all`,
/// `branch -d`, `export --all`, `gc --remote`) asks it too, so that they never disagree about what is kept.
///
/// Ids travel as the raw keys of the `object` table, so that a walk over a large store converts nothing.
extension StoreReader {
    /// The ids every ref, HEAD and (with `includingReflog`) reflog entry names: the roots of reachability.
    public func roots(includingReflog: Bool = true) throws -> Set<ObjectID> {
        Set(try rootKeys(includingReflog: includingReflog).compactMap { ObjectID(bytes: $0) })
    }

    /// Every turn reachable from `roots` through parent links, read from the index.
    public func reachableTurns(from roots: Set<ObjectID>) throws -> Set<ObjectID> {
        Set(Self.walk(from: Set(roots.map { Data($0.bytes) }), parents: try parentLinks()).compactMap { ObjectID(bytes: $0) })
    }

    /// Every turn and blob reachable from `roots`, read from the turn objects themselves (not the index).
    public func reachableObjects(from roots: Set<ObjectID>) throws -> Set<ObjectID> {
        Set(try objectsReachable(fromObjects: Set(roots.map { Data($0.bytes) })).compactMap { ObjectID(bytes: $0) })
    }

    /// The keys of what every ref, HEAD and (with `includingReflog`) reflog entry names now. A name of another
    /// type is damage, reported: read as no name, it would let `gc` delete what it named.
    func rootKeys(includingReflog: Bool = true) throws -> Set<Data> {
        var roots = Set<Data>()
        let columns = [("ref", "target")] + (includingReflog ? [("reflog", "old"), ("reflog", "new")] : [])
        for (table, column) in columns {
            let cursor = try Row.fetchCursor(db, sql: "SELECT \(column) FROM \(table) WHERE \(column) IS NOT NULL")
            while let row = try cursor.next() { roots.insert(try row.required(column, in: table)) }
        }
        return roots
    }

    /// The keys of every turn reachable from `roots` and of every text those turns reference: what `gc` keeps.
    ///
    /// Read from the derived tables (parent links from `turn_index`, texts from `turn_index.blobs`), so that nothing is
    /// inflated; when they do not cover every stored turn (a damaged index; see `convo fsck`), from the turn
    /// objects instead.
    func objectsKept(from roots: Set<Data>, parents: [Data: Data]? = nil) throws -> Set<Data> {
        guard try derivedTablesCoverEveryTurn() else { return try objectsReachable(fromObjects: roots) }
        var keep = Self.walk(from: roots, parents: try parents ?? parentLinks())
        try TurnBlobs.forEachRow(db, format: format) { turn, blobs in
            guard keep.contains(turn) else { return }
            guard let blobs else {
                throw StoreError.corruptDatabase(path: TurnBlobs.place(format: format), detail: "a row's blobs are not 32-byte ids; run 'convo fsck --rebuild-index'")
            }
            keep.formUnion(blobs)
        }
        return keep
    }

    /// Every turn's parent, from the index.
    func parentLinks() throws -> [Data: Data] {
        var parents = [Data: Data]()
        // From format 13 the children index holds row numbers, not ids: a scan of the rows reads each once, where the
        // index would look each row up (large corpus: 0.03 s against 0.2–0.3 s in the sqlite3 shell).
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT id, parent FROM turn_index \(format >= TurnBlobs.columnFormat ? "NOT INDEXED " : "")WHERE parent IS NOT NULL")
        while let row = try cursor.next() { parents[try row.required("id", in: "turn_index")] = try row.required("parent", in: "turn_index") }
        return parents
    }

    /// `roots` and every turn reachable from them through `parents`.
    static func walk(from roots: Set<Data>, parents: [Data: Data]) -> Set<Data> {
        var seen = Set<Data>()
        seen.reserveCapacity(parents.count + roots.count)
        for root in roots {
            var next: Data? = root
            while let id = next, seen.insert(id).inserted { next = parents[id] }
        }
        return seen
    }

    /// `roots` and every turn and text reachable from them, read from the turn objects.
    private func objectsReachable(fromObjects roots: Set<Data>) throws -> Set<Data> {
        var seen = Set<Data>()
        var stack = Array(roots)
        while let key = stack.popLast() {
            guard seen.insert(key).inserted, let id = ObjectID(bytes: key), try kind(of: id) == .turn else { continue }
            let turn = try turn(id)
            seen.formUnion(turn.blobReferences.map { Data($0.bytes) })
            if let parent = turn.parent { stack.append(Data(parent.bytes)) }
        }
        return seen
    }
}
