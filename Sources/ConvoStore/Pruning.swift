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
    /// Reachability is ``objectsKept(from:parents:)``'s: from the derived tables, so nothing is inflated, unless
    /// they do not cover every stored turn.
    public func planPrune(_ rules: PruneRules) throws -> PrunePlan {
        var plan = PrunePlan()
        let parents = try parentLinks()
        let tips = try rootKeys(includingReflog: false)
        let fromTips = Self.walk(from: tips, parents: parents)
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
        let keep = try objectsKept(from: roots, parents: parents)
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, kind, written_at, data IS NOT NULL AS loose FROM object")
        while let row = try cursor.next() {
            let key: Data = try row.required("id", in: "object")
            let loose: Bool = try row.required("loose", in: "object")
            if keep.contains(key) {
                if loose { plan.looseToPack += 1 }
                continue
            }
            guard let id = ObjectID(bytes: key) else { continue }
            let writtenAt: Int64 = try row.required("written_at", in: "object")
            guard let before = rules.pruneBefore, writtenAt < before else {
                plan.keptForGrace += 1
                if loose { plan.looseToPack += 1 }
                continue
            }
            if try Self.objectKind(row, id: id.hex) == .turn { plan.turns.append(id) } else { plan.blobs.append(id) }
        }
        if !plan.turns.isEmpty, let wrong = try turnWhoseIndexedParentDisagrees(among: keep, parents: parents) {
            throw StoreError.staleIndex(turn: wrong)
        }
        return plan
    }

    /// SQLite's `data_version`: it changes when another connection commits.
    func dataVersion() throws -> Int64 { try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0 }
}

/// What a batched prune has learned so far: the objects that were reachable when it last looked, and
/// the database version it looked at. Objects a concurrent writer made reachable (a new ref, a reflog
/// entry, a turn that references a stored text) are found again before each batch deletes anything.
public final class PruneGuard {
    let pruneBefore: Int64
    var keep: Set<Data> = []
    var version: Int64?
    /// Packs that lost objects and still hold their bytes.
    public internal(set) var sparsePacks = Set<Int64>()
    /// How many times another writer's commit made the batches look again.
    public internal(set) var rechecks = 0

    /// A guard for deleting objects written before `pruneBefore`.
    public init(pruneBefore: Int64) { self.pruneBefore = pruneBefore }
}

extension StoreWriter {
    /// Drops reflog entries by sequence number.
    public func expireReflog(_ sequences: some Sequence<Int64>) throws {
        let statement = try db.cachedStatement(sql: "DELETE FROM reflog WHERE seq = ?")
        for sequence in sequences { try statement.execute(arguments: [sequence]) }
    }

    /// Deletes those of `candidates` that are still unreachable and still written before the guard's time,
    /// with their index and derived rows; returns the ones deleted. Their bytes stay in their packs until
    /// ``repackSparse(_:limit:)``. Within this transaction no other writer runs, so what it checks holds
    /// until it commits.
    public func pruneBatch(_ candidates: some Collection<ObjectID>, guard state: PruneGuard) throws -> [ObjectID] {
        let version = try read.dataVersion()
        if state.version != version {
            if state.version != nil { state.rechecks += 1 }
            state.keep = try read.objectsKept(from: try read.rootKeys())
            state.version = version
        }
        var deleted = [ObjectID]()
        var orphaned = [CompactID]()
        let fetch = try db.cachedStatement(sql: "SELECT kind, written_at, pack FROM object WHERE id = ?")
        for id in candidates {
            let key = Data(id.bytes)
            guard !state.keep.contains(key), let row = try Row.fetchOne(fetch, arguments: [key]) else { continue }
            // A writer that stored this object again (dedup) freshened it: it may be about to reference it.
            // A damaged time or kind keeps the object: deleting is what needs certainty.
            guard let writtenAt = try? row.stored("written_at", in: "object", as: Int64.self), writtenAt < state.pruneBefore else { continue }
            if (try? row.stored("kind", in: "object", as: String.self)) == ObjectKind.turn.rawValue {
                // A turn's search document is forgotten through its texts, so before any blob goes.
                try removeDerived(id)
                // Its parent's order (HistoryOrder) may have come from it.
                if let value = try DatabaseValue.fetchOne(db.cachedStatement(sql: "SELECT parent FROM turn_index WHERE id = ?"), arguments: [key]),
                    let parent = Data.fromDatabaseValue(value).flatMap({ CompactID($0) })
                {
                    orphaned.append(parent)
                }
                try db.cachedStatement(sql: "DELETE FROM turn_index WHERE id = ?").execute(arguments: [key])
            }
            if let pack = try? row.stored("pack", in: "object", as: Int64.self) { state.sparsePacks.insert(pack) }
            try db.cachedStatement(sql: "DELETE FROM object WHERE id = ?").execute(arguments: [key])
            deleted.append(id)
        }
        try orderRemoved(parents: orphaned)
        return deleted
    }

    /// Moves up to `limit` loose objects into new packs; returns how many moved.
    public func packLoose(limit: Int) throws -> Int {
        try move(try objects(where: "data IS NOT NULL LIMIT ?", [limit]))
    }

    /// Rewrites up to `limit` of the guard's packs that lost objects, so that their dead bytes go; returns
    /// how many objects moved.
    public func repackSparse(_ state: PruneGuard, limit: Int) throws -> Int {
        let packs = Set(state.sparsePacks.sorted().prefix(limit))
        state.sparsePacks.subtract(packs)
        guard !packs.isEmpty else { return 0 }
        var moved = [MovingObject]()
        for pack in packs.sorted() {
            moved += try objects(where: "pack = ?", [pack])
            try db.execute(sql: "DELETE FROM pack WHERE id = ?", arguments: [pack])
        }
        return try move(moved)
    }

    /// An object on its way into a new pack.
    private typealias MovingObject = (id: Data, bytes: [UInt8], kind: ObjectKind, writtenAt: Int64)

    /// The objects of the rows `condition` selects, read as every other read of an object is (a damaged row
    /// is a corrupt object, reported), each pack inflated once.
    private func objects(where condition: String, _ arguments: StatementArguments) throws -> [MovingObject] {
        let reader = read
        let rows = try Row.fetchAll(
            db, sql: "SELECT id, kind, size, data, pack, offset, written_at FROM object WHERE \(condition)", arguments: arguments)
        return try rows.map { row in
            let key: Data = try row.required("id", in: "object")
            let id = Hex.encode(key)
            return (key, try reader.objectBytes(row, id: id, cache: reader.packCache), try StoreReader.objectKind(row, id: id),
                    try row.required("written_at", in: "object"))
        }
    }

    private func move(_ objects: [MovingObject]) throws -> Int {
        guard !objects.isEmpty else { return 0 }
        // The texts of the moving turns' request messages go to packs of their own, as a bulk write puts them
        // (Packer.Group); a text whose turn stays where it is goes with the other texts.
        var messages = Set<CompactID>()
        for object in objects where object.kind == .turn {
            let references = object.bytes.withUnsafeBufferPointer { TurnCoding.messageTexts($0) }
            for id in references ?? [] { messages.insert(CompactID(id)) }
        }
        let packer = Packer()
        for object in objects {
            try db.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [object.id])
            let message = object.kind == .blob && CompactID(object.id).map { messages.contains($0) } == true
            try packer.append(id: object.id, kind: object.kind, message: message, bytes: object.bytes, writtenAt: object.writtenAt, db: db)
        }
        try packer.finish(db)
        return objects.count
    }

    /// Carries out a plan in this one transaction: drops reflog entries, deletes the planned objects that are
    /// still unreachable, and repacks every loose object and every pack that lost objects. Returns the number
    /// of objects repacked. `gc` runs the same steps in short transactions instead.
    @discardableResult
    public func prune(_ plan: PrunePlan) throws -> Int {
        try expireReflog(plan.expiredReflogEntries)
        let state = PruneGuard(pruneBefore: .max)
        _ = try pruneBatch(plan.turns + plan.blobs, guard: state)
        return try packLoose(limit: .max) + repackSparse(state, limit: .max)
    }
}

extension Repository {
    /// Compacts the database file like ``vacuum()``, but in steps of at most `pagesPerStep` free pages,
    /// each its own short write transaction; `step` receives how long each took. A repository made
    /// before incremental auto-vacuum is converted by one full VACUUM instead, which rewrites every page.
    public func compact(pagesPerStep: Int, step: (Duration) -> Void) throws {
        let incremental = try Self.wrap { try queue.read { try Int.fetchOne($0, sql: "PRAGMA auto_vacuum") } } == 2
        guard incremental else { return try vacuum() }
        var left = Int.max
        while left > 0 {
            if left < Int.max { usleep(5_000) }  // lets a waiting writer in between steps, as gc's batches do
            let start = ContinuousClock.now
            let now = try Self.wrap {
                try queue.writeWithoutTransaction { db -> Int in
                    try db.execute(sql: "PRAGMA incremental_vacuum(\(max(1, pagesPerStep)))")
                    return try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
                }
            }
            step(start.duration(to: .now))
            guard now < left else { break }
            left = now
        }
        try Self.wrap { try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") } }
    }
}
