import Foundation
import GRDB

/// The rules `gc` prunes by, as in git: reflog entries expire, and unreachable objects are deleted only
/// once older than a grace period, so that a concurrent writer never loses objects it is about to use.
public struct PruneRules: Sendable, Equatable {
    /// Unreachable objects written before this unix time are deleted; nil keeps them all (`--prune=never`).
    public var pruneBefore: Int64?
    /// Reflog entries older than this unix time are dropped.
    public var reflogExpireBefore: Int64
    /// Reflog entries naming a turn no branch or HEAD reaches are dropped when older than this unix time.
    public var reflogUnreachableExpireBefore: Int64

    /// Creates rules.
    public init(pruneBefore: Int64?, reflogExpireBefore: Int64, reflogUnreachableExpireBefore: Int64) {
        self.pruneBefore = pruneBefore
        self.reflogExpireBefore = reflogExpireBefore
        self.reflogUnreachableExpireBefore = reflogUnreachableExpireBefore
    }
}

/// What a prune removes (or, in a dry run, would remove).
public struct PrunePlan: Sendable, Equatable {
    /// Reflog entries to drop, by sequence number.
    public var expiredReflogEntries: [Int64] = []
    /// Unreachable turns older than the grace period.
    public var turns: [ObjectID] = []
    /// Unreachable blobs older than the grace period.
    public var blobs: [ObjectID] = []
    /// Unreachable objects kept because they are younger than the grace period.
    public var keptForGrace = 0
    /// Loose objects that will be packed.
    public var looseToPack = 0
}

extension StoreReader {
    /// Works out what `gc` removes under `rules`, changing nothing.
    public func planPrune(_ rules: PruneRules) throws -> PrunePlan {
        var plan = PrunePlan()
        let tips = Set(try Data.fetchAll(db, sql: "SELECT target FROM ref WHERE target IS NOT NULL").compactMap { ObjectID(bytes: $0) })
        let fromTips = try reachableTurns(from: tips)
        for entry in try reflog(nil) {
            let named = [entry.old, entry.new].compactMap { $0 }
            let reachable = named.allSatisfy { fromTips.contains($0) }
            let limit = reachable ? rules.reflogExpireBefore : rules.reflogUnreachableExpireBefore
            if entry.at < limit { plan.expiredReflogEntries.append(entry.sequence) }
        }
        let expired = Set(plan.expiredReflogEntries)
        var roots = tips
        for entry in try reflog(nil) where !expired.contains(entry.sequence) {
            roots.formUnion([entry.old, entry.new].compactMap { $0 })
        }
        let keep = try reachableObjects(from: roots)
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, kind, written_at, data IS NOT NULL AS loose FROM object")
        while let row = try cursor.next() {
            guard let id = ObjectID(bytes: row["id"] as Data) else { continue }
            if keep.contains(id) {
                if row["loose"] as Bool { plan.looseToPack += 1 }
                continue
            }
            let writtenAt: Int64 = row["written_at"]
            guard let before = rules.pruneBefore, writtenAt < before else {
                plan.keptForGrace += 1
                if row["loose"] as Bool { plan.looseToPack += 1 }
                continue
            }
            if row["kind"] as String == ObjectKind.turn.rawValue { plan.turns.append(id) } else { plan.blobs.append(id) }
        }
        return plan
    }
}

extension StoreWriter {
    /// Carries out a plan: drops reflog entries, deletes objects and their index rows, and repacks: every
    /// loose object and every pack that lost objects is rewritten into new packs. Returns the number of
    /// objects repacked.
    @discardableResult
    public func prune(_ plan: PrunePlan) throws -> Int {
        for sequence in plan.expiredReflogEntries {
            try db.execute(sql: "DELETE FROM reflog WHERE seq = ?", arguments: [sequence])
        }
        var touchedPacks = Set<Int64>()
        for id in plan.turns + plan.blobs {
            let key = Data(id.bytes)
            if let pack = try Int64.fetchOne(db, sql: "SELECT pack FROM object WHERE id = ?", arguments: [key]) { touchedPacks.insert(pack) }
            try db.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [key])
            try db.execute(sql: "DELETE FROM turn_index WHERE id = ?", arguments: [key])
        }
        return try repack(packs: touchedPacks)
    }

    /// Moves every loose object, and every object of the given packs, into new packs.
    func repack(packs: Set<Int64>) throws -> Int {
        let packer = Packer()
        var moved = [(id: Data, bytes: [UInt8], kind: String, writtenAt: Int64)]()
        for row in try Row.fetchAll(db, sql: "SELECT id, kind, size, data, written_at FROM object WHERE data IS NOT NULL") {
            moved.append((row["id"], try Zlib.decompress(Array(row["data"] as Data), expectedSize: row["size"]), row["kind"], row["written_at"]))
        }
        for pack in packs.sorted() {
            guard let packRow = try Row.fetchOne(db, sql: "SELECT size, data FROM pack WHERE id = ?", arguments: [pack]) else { continue }
            let content = try Zlib.decompress(Array(packRow["data"] as Data), expectedSize: packRow["size"])
            for row in try Row.fetchAll(db, sql: "SELECT id, kind, size, offset, written_at FROM object WHERE pack = ?", arguments: [pack]) {
                let offset: Int = row["offset"], size: Int = row["size"]
                moved.append((row["id"], Array(content[offset..<(offset + size)]), row["kind"], row["written_at"]))
            }
            try db.execute(sql: "DELETE FROM pack WHERE id = ?", arguments: [pack])
        }
        guard !moved.isEmpty else { return 0 }
        for object in moved {
            try db.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [object.id])
            try packer.append(
                id: object.id, kind: ObjectKind(rawValue: object.kind) ?? .blob, bytes: object.bytes, writtenAt: object.writtenAt, db: db)
        }
        try packer.finish(db)
        return moved.count
    }
}
