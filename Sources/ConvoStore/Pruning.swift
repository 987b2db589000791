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
    ///
    /// Reachability comes from the derived tables: parent links from `turn_index` and the texts each kept
    /// turn references from `turn_blob`, so nothing is inflated. When those tables do not cover every stored
    /// turn (a damaged index; see `convo fsck`), the kept texts are read from the turn objects instead.
    public func planPrune(_ rules: PruneRules) throws -> PrunePlan {
        var plan = PrunePlan()
        let parents = try parentLinks()
        let tips = Set(try Data.fetchAll(db, sql: "SELECT target FROM ref WHERE target IS NOT NULL"))
        let fromTips = Self.walk(parents, from: tips)
        let entries = try reflog(nil)
        for entry in entries {
            let named = [entry.old, entry.new].compactMap { $0 }
            let reachable = named.allSatisfy { fromTips.contains(Data($0.bytes)) }
            let limit = reachable ? rules.reflogExpireBefore : rules.reflogUnreachableExpireBefore
            if entry.at < limit { plan.expiredReflogEntries.append(entry.sequence) }
        }
        let expired = Set(plan.expiredReflogEntries)
        var roots = tips
        for entry in entries where !expired.contains(entry.sequence) {
            for id in [entry.old, entry.new].compactMap({ $0 }) { roots.insert(Data(id.bytes)) }
        }
        var keep = Self.walk(parents, from: roots)
        if try derivedTablesCoverEveryTurn() {
            let cursor = try Row.fetchCursor(db, sql: "SELECT turn, blob FROM turn_blob")
            while let row = try cursor.next() {
                if keep.contains(row[0] as Data) { keep.insert(row[1] as Data) }
            }
        } else {
            keep = Set(try reachableObjects(from: Set(roots.compactMap { ObjectID(bytes: $0) })).map { Data($0.bytes) })
        }
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, kind, written_at, data IS NOT NULL AS loose FROM object")
        while let row = try cursor.next() {
            let key: Data = row[0]
            let loose: Bool = row[3]
            if keep.contains(key) {
                if loose { plan.looseToPack += 1 }
                continue
            }
            guard let id = ObjectID(bytes: key) else { continue }
            let writtenAt: Int64 = row[2]
            guard let before = rules.pruneBefore, writtenAt < before else {
                plan.keptForGrace += 1
                if loose { plan.looseToPack += 1 }
                continue
            }
            if row[1] as String == ObjectKind.turn.rawValue { plan.turns.append(id) } else { plan.blobs.append(id) }
        }
        if !plan.turns.isEmpty, let wrong = try turnWhoseIndexedParentDisagrees(among: keep, parents: parents) {
            throw StoreError.staleIndex(turn: wrong)
        }
        return plan
    }

    /// Every turn's parent, from the index.
    func parentLinks() throws -> [Data: Data] {
        var parents = [Data: Data]()
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, parent FROM turn_index WHERE parent IS NOT NULL")
        while let row = try cursor.next() { parents[row[0] as Data] = row[1] as Data }
        return parents
    }

    /// `roots` and every turn reachable from them through `parents`.
    static func walk(_ parents: [Data: Data], from roots: Set<Data>) -> Set<Data> {
        var seen = Set<Data>()
        seen.reserveCapacity(parents.count + roots.count)
        for root in roots {
            var next: Data? = root
            while let id = next, seen.insert(id).inserted { next = parents[id] }
        }
        return seen
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
        // A turn's search document is forgotten through its texts, so before any blob goes.
        for id in plan.turns { try removeDerived(id) }
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
