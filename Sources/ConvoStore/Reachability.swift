import Foundation
import GRDB

extension StoreReader {
    /// The ids every ref, HEAD and reflog entry names: the roots of reachability.
    public func roots(includingReflog: Bool = true) throws -> Set<ObjectID> {
        var roots = Set(try Data.fetchAll(db, sql: "SELECT target FROM ref WHERE target IS NOT NULL").compactMap { ObjectID(bytes: $0) })
        if includingReflog {
            for column in ["old", "new"] {
                for data in try Data.fetchAll(db, sql: "SELECT DISTINCT \(column) FROM reflog WHERE \(column) IS NOT NULL") {
                    if let id = ObjectID(bytes: data) { roots.insert(id) }
                }
            }
        }
        return roots
    }

    /// Every turn reachable from `roots` through parent links, read from the index.
    public func reachableTurns(from roots: Set<ObjectID>) throws -> Set<ObjectID> {
        var parents = [ObjectID: ObjectID]()
        for row in try Row.fetchAll(db, sql: "SELECT id, parent FROM turn_index WHERE parent IS NOT NULL") {
            if let id = ObjectID(bytes: try row.required("id", in: "turn_index", as: Data.self)),
                let parent = try row.stored("parent", in: "turn_index", as: Data.self).flatMap({ ObjectID(bytes: $0) }) {
                parents[id] = parent
            }
        }
        var seen = Set<ObjectID>()
        for root in roots {
            var next: ObjectID? = root
            while let id = next, seen.insert(id).inserted {
                next = parents[id]
            }
        }
        return seen
    }

    /// Every turn and blob reachable from `roots`, read from the turn objects themselves.
    public func reachableObjects(from roots: Set<ObjectID>) throws -> Set<ObjectID> {
        var seen = Set<ObjectID>()
        var stack = Array(roots)
        while let id = stack.popLast() {
            guard seen.insert(id).inserted else { continue }
            guard try kind(of: id) == .turn else { continue }
            let turn = try turn(id)
            seen.formUnion(turn.blobReferences)
            if let parent = turn.parent { stack.append(parent) }
        }
        return seen
    }
}
