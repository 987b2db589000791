import Foundation
import GRDB
import Testing

@testable import ConvoKit
@testable import ConvoStore

/// `log --all` reads its order from the columns format 10 keeps in `turn_index` (``HistoryOrder``) when every
/// indexed turn is reachable; it must list exactly what Kahn's algorithm over the graph lists, after every write
/// path (one turn, a bulk write whose rows land in id order, a rebuild), branch deletions and gc.
@Suite struct KeptHistoryOrderTests {
    /// SQL that takes a repository of the current format back to format 12 (v12's schema, with the same rows), shared
    /// with ConvoStoreTests' `Repository.format12AsBefore` as a file: test targets share no code.
    static let format12AsBefore = try! String(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/format12-as-before.sql"), encoding: .utf8)


    private static let base: Int64 = 1_764_000_000

    private static func draft(_ text: String, parent: ObjectID?, at time: Int64) -> TurnDraft {
        TurnDraft(
            parent: parent, model: "grok-4", input: [DraftMessage(role: "user", text: text)],
            output: [DraftOutputItem(type: "message", role: "assistant", text: "answer to " + text)], createdAt: time)
    }

    /// The graph's order from the tips `log --all` starts from.
    private static func reference(_ reader: StoreReader, extra: [ObjectID] = []) throws -> [ObjectID] {
        var tips = try reader.branchTips()
        if let head = try reader.head().tip { tips.append(head) }
        return TopologicalOrder.newestFirst(try HistoryGraph(reader), from: tips + extra)
    }

    private static func tips(_ reader: StoreReader) throws -> [ObjectID] {
        var tips = try reader.branchTips()
        if let head = try reader.head().tip { tips.append(head) }
        return tips
    }

    /// Checks the kept columns against a recomputation, and the kept order (when it holds) against the graph's.
    private static func check(_ repository: Repository, allReachable: Bool, _ comment: Comment) throws {
        try repository.read { (reader: StoreReader) throws -> Void in
            #expect(try HistoryOrder.staleRows(reader.db) == 0, comment)
            let tips = try tips(reader)
            let expected = try reference(reader)
            let kept = try reader.keptOrder(from: tips, limit: .max)
            if allReachable { #expect(kept == expected, comment) } else { #expect(kept == nil, comment) }
            if let kept { #expect(try reader.keptOrder(from: tips, limit: 3) == Array(kept.prefix(3)), comment) }
            #expect(try reader.fsck().problems.isEmpty, comment)
        }
    }

    @Test(arguments: 0..<80)
    func theKeptOrderIsKahnsOrder(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        let clock = TestClockForOrder()
        let repository = try Repository.inMemory(clock: { clock.now })
        // A random forest, parents before children, with few distinct times (ties broken by id, children older
        // than their parents), written in random groups: one turn per transaction, or many in one bulk write.
        let count = Int.random(in: 1...40, using: &random)
        var ids = [ObjectID]()
        var parents = [ObjectID?]()
        var index = 0
        while index < count {
            let group = Int.random(in: 1...6, using: &random)
            let bulk = Bool.random(using: &random)
            try repository.write(packing: bulk) { writer in
                for _ in 0..<group where index < count {
                    let parent: ObjectID? =
                        ids.isEmpty || Int.random(in: 0..<5, using: &random) == 0 ? nil : ids[Int.random(in: 0..<ids.count, using: &random)]
                    let time = Self.base + Int64.random(in: 0...4, using: &random)
                    ids.append(try writer.insert(Self.draft("\(seed)/\(index)", parent: parent, at: time)))
                    parents.append(parent)
                    index += 1
                }
            }
        }
        let leaves = ids.filter { !parents.contains($0) }
        // A branch on every leaf, and some on inner turns: every turn is reachable.
        try repository.write { writer in
            for (number, leaf) in leaves.enumerated() {
                try writer.updateRef("refs/heads/b\(number)", to: leaf, expecting: nil, message: "branch")
            }
            for (number, id) in ids.enumerated() where Int.random(in: 0..<4, using: &random) == 0 {
                try writer.updateRef("refs/heads/inner\(number)", to: id, expecting: nil, message: "branch")
            }
        }
        try Self.check(repository, allReachable: true, "seed \(seed), all reachable")

        // A deleted branch leaves its turns unreachable until gc: the graph orders them.
        let doomed = leaves.indices.filter { _ in Bool.random(using: &random) }
        try repository.write { writer in
            for number in doomed {
                try writer.updateRef("refs/heads/b\(number)", to: nil, expecting: leaves[number], message: "branch: deleted")
                try writer.deleteReflog("refs/heads/b\(number)")
            }
        }
        let unreachable = try repository.read { (reader: StoreReader) throws -> Bool in
            Set(try HistoryGraph(reader).ids).count > Set(try Self.reference(reader).map(CompactID.init)).count
        }
        try Self.check(repository, allReachable: !unreachable, "seed \(seed), after deleting branches")
        // `log --all REV` naming an unreachable turn counts it as a tip.
        try repository.read { (reader: StoreReader) throws -> Void in
            for number in doomed {
                let extra = [leaves[number]]
                let kept = try reader.keptOrder(from: Self.tips(reader) + extra, limit: .max)
                if let kept { #expect(kept == (try Self.reference(reader, extra: extra)), "seed \(seed), a revision as tip") }
            }
        }

        // gc deletes the unreachable turns and mends the order of their kept ancestors.
        clock.advance(seconds: 30 * 86_400)
        let now = Int64(clock.now.timeIntervalSince1970)
        let plan = try repository.read {
            try $0.planPrune(PruneRules(pruneBefore: now - 86_400, reflogExpireBefore: now, reflogUnreachableExpireBefore: now))
        }
        try repository.write { _ = try $0.prune(plan) }
        try Self.check(repository, allReachable: true, "seed \(seed), after gc")

        // A rebuild refills the columns.
        try repository.write { _ = try $0.rebuildIndex() }
        try Self.check(repository, allReachable: true, "seed \(seed), after a rebuild")
    }

    /// A first line of `length` bytes, ending with `tag` (so that lines differ past the index's prefix).
    private static func line(_ tag: String, length: Int) -> String {
        String(repeating: "w", count: max(0, length - tag.utf8.count)) + tag
    }

    /// Each row's order and first lines, as stored.
    private static func orderRows(_ repository: Repository) throws -> [Row] {
        try repository.queue.read {
            try Row.fetchAll($0, sql: "SELECT id, least_at, least_id, least_depth, leaf, input_line, output_line FROM turn_index ORDER BY id")
        }
    }

    /// Every leaf row keeps its first lines whole up to `Summary.leafLineLimit` bytes, every other row keeps the
    /// prefix of a line longer than the index's (so the store grows by the tips' lines only). `lines` are the whole
    /// first lines of each turn.
    private static func checkLeafLines(_ repository: Repository, _ lines: [ObjectID: [String]], _ comment: String) throws {
        for row in try orderRows(repository) {
            let id = ObjectID(bytes: row["id"] as Data)!
            let leaf = (row["leaf"] as Int64?) == 1
            for (number, column) in ["input_line", "output_line"].enumerated() {
                let whole = lines[id]![number]
                let stored = Summary.storedLine(row[column] as DatabaseValue)
                let expected = leaf ? Summary.leafLine(whole) : Summary.storedLine(whole)
                #expect(stored?.line == expected.line && stored?.isPrefix == expected.isPrefix,
                    "\(column) of \(leaf ? "a leaf" : "an inner turn"), \(whole.utf8.count) bytes: \(String(describing: stored?.line.utf8.count)), \(comment)")
            }
        }
    }

    /// Bulk writes whose held-back rows are inserted in small batches, that write turns again (with their indexed
    /// children: an import of a file twice), and whose times go either way: the order each batch computes from its own
    /// rows (``HistoryOrder/ofNewRows(_:_:)``), the indexed ancestors it brings up to date, and the first lines leaves
    /// keep whole, are what loose writes of the same turns give, and what a recomputation over the whole index says.
    @Test(arguments: 0..<40)
    func bulkWritesInSmallBatchesOrderAsLooseWrites(seed: UInt64) throws {
        var random = SplitMix(seed: seed)
        let count = Int.random(in: 1...30, using: &random)
        var drafts = [TurnDraft]()
        var ids = [ObjectID]()
        var lines = [ObjectID: [String]]()
        let probe = try Repository.inMemory()
        for index in 0..<count {
            let parent: ObjectID? = ids.isEmpty || Int.random(in: 0..<5, using: &random) == 0 ? nil : ids[Int.random(in: 0..<ids.count, using: &random)]
            let lengths = [10, 52, 53, 300, Summary.leafLineLimit, Summary.leafLineLimit + 1]
            let input = Self.line("q\(seed)/\(index)", length: lengths[Int.random(in: 0..<lengths.count, using: &random)])
            let output = Self.line("a\(seed)/\(index)", length: lengths[Int.random(in: 0..<lengths.count, using: &random)]) + "\nmore"
            let draft = TurnDraft(
                parent: parent, model: "grok-4", input: [DraftMessage(role: "user", text: input)],
                output: [DraftOutputItem(type: "message", role: "assistant", text: output)],
                createdAt: Self.base + Int64.random(in: -3...3, using: &random))
            drafts.append(draft)
            ids.append(try probe.write { try $0.insert(draft) })
            lines[ids.last!] = [input, Summary.firstLine(output)]
        }
        // The writes: groups of the sequence, each loose or bulk in batches of 1 to 9 objects; some turns twice.
        var writes = [(range: Range<Int>, bulk: Bool, batch: Int)]()
        var start = 0
        while start < count {
            let end = min(count, start + Int.random(in: 1...8, using: &random))
            writes.append((start..<end, Bool.random(using: &random), Int.random(in: 1...9, using: &random)))
            if start > 0, Int.random(in: 0..<3, using: &random) == 0 {
                // Again, from an earlier turn: its children are indexed.
                let again = Int.random(in: 0..<start, using: &random)
                writes.append((again..<end, true, Int.random(in: 1...9, using: &random)))
            }
            start = end
        }
        let loose = try Repository.inMemory()
        let bulk = try Repository.inMemory()
        for write in writes {
            try loose.write { writer in for index in write.range { try writer.insert(drafts[index]) } }
            if write.bulk {
                try bulk.queue.write { db in
                    let packer = Packer(heldBackObjects: write.batch)
                    let writer = StoreWriter(db: db, now: Self.base, packer: packer)
                    for index in write.range { try writer.insert(drafts[index]) }
                    try packer.finish(db)
                }
            } else {
                try bulk.write { writer in for index in write.range { try writer.insert(drafts[index]) } }
            }
        }
        let comment = "seed \(seed)"
        #expect(try Self.orderRows(bulk) == (try Self.orderRows(loose)), "\(comment)")
        let leaves = Set(ids).subtracting(drafts.compactMap(\.parent))
        try bulk.write { writer in
            for (number, leaf) in leaves.enumerated() { try writer.updateRef("refs/heads/b\(number)", to: leaf, expecting: nil, message: "branch") }
        }
        try Self.check(bulk, allReachable: true, "\(comment)")
        try Self.checkLeafLines(bulk, lines, comment)
        try Self.checkLeafLines(loose, lines, comment)
    }

    /// gc deletes an old unreachable turn and keeps its recent child for the grace period; an import that brings
    /// the turn back must find that child: the row is not a leaf, keeps its prefix, and its order counts the child.
    @Test func aTurnBroughtBackAfterGcFindsTheChildGcKept() throws {
        let clock = TestClockForOrder()
        let repository = try Repository.inMemory(clock: { clock.now })
        let long = Self.line("the parent's long first line", length: 200)
        let parentDraft = TurnDraft(
            parent: nil, model: "grok-4", input: [DraftMessage(role: "user", text: long)],
            output: [DraftOutputItem(type: "message", role: "assistant", text: "answer")], createdAt: Self.base + 10)
        let parent = try repository.write(packing: true) { try $0.insert(parentDraft) }
        clock.advance(seconds: 86_400)
        // Older than its parent, so the parent's order comes from it.
        let child = try repository.write { try $0.insert(Self.draft("the child", parent: parent, at: Self.base)) }
        let now = Int64(clock.now.timeIntervalSince1970)
        let plan = try repository.read {
            try $0.planPrune(PruneRules(pruneBefore: now - 3_600, reflogExpireBefore: now, reflogUnreachableExpireBefore: now))
        }
        try repository.write { _ = try $0.prune(plan) }
        try repository.read { (reader: StoreReader) throws -> Void in
            #expect(try reader.summary(parent) == nil, "gc deleted the parent")
            #expect(try reader.summary(child) != nil, "and kept the child for the grace period")
        }
        #expect(try repository.write(packing: true) { try $0.insert(parentDraft) } == parent)
        try repository.read { (reader: StoreReader) throws -> Void in
            #expect(try HistoryOrder.staleRows(reader.db) == 0)
            let summary = try #require(try reader.summary(parent))
            #expect(summary.inputLineIsPrefix, "a turn with a child keeps the prefix")
        }
        let leaf = try repository.queue.read { try Int64.fetchOne($0, sql: "SELECT leaf FROM turn_index WHERE id = ?", arguments: [Data(parent.bytes)]) }
        #expect(leaf == 0)
    }

    @Test func fsckReportsAWrongOrderAndTheRebuildMendsIt() throws {
        let repository = try Repository.inMemory()
        let first = try repository.write { try $0.insert(Self.draft("first", parent: nil, at: Self.base + 5)) }
        let second = try repository.write { try $0.insert(Self.draft("second", parent: first, at: Self.base)) }
        try repository.write { try $0.updateRef("refs/heads/main", to: second, expecting: nil, message: "branch") }
        try repository.queue.write { db in
            try db.execute(sql: "UPDATE turn_index SET least_at = 0 WHERE id = ?", arguments: [Data(first.bytes)])
        }
        #expect(try repository.read { try $0.fsck().problems.map(\.detail) } == ["1 entries have a wrong history order; run 'convo fsck --rebuild-index'"])
        try repository.write { _ = try $0.rebuildIndex() }
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
        // The parent's order came from its older child.
        let order = try repository.queue.read { db in try Row.fetchOne(db, sql: "SELECT least_at, least_depth, leaf FROM turn_index WHERE id = ?", arguments: [Data(first.bytes)]) }
        #expect(order?[0] as Int64? == Self.base)
        #expect(order?[1] as Int64? == 1)
        #expect(order?[2] as Int64? == 0)
        #expect(try repository.read { try $0.keptOrder(from: [second], limit: 10) } == [second, first])
    }

    @Test func theMigrationFillsTheOrderOfAFormat9Repository() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convo-test-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let directory = folder.appendingPathComponent(".convo")
        var ids = [ObjectID]()
        do {
            let (repository, _) = try Repository.create(at: directory)
            try repository.write { writer in
                ids.append(try writer.insert(Self.draft("first", parent: nil, at: Self.base + 9)))
                ids.append(try writer.insert(Self.draft("second", parent: ids[0], at: Self.base + 3)))
                ids.append(try writer.insert(Self.draft("fork", parent: ids[0], at: Self.base + 5)))
                ids.append(try writer.insert(Self.draft("other", parent: nil, at: Self.base + 4)))
                try writer.updateRef("refs/heads/main", to: ids[1], expecting: nil, message: "branch")
                try writer.updateRef("refs/heads/fork", to: ids[2], expecting: nil, message: "branch")
                try writer.updateRef("refs/heads/other", to: ids[3], expecting: nil, message: "branch")
            }
            // Format 9, as convo wrote it before the order columns.
            try repository.queue.write { db in
                try db.execute(sql: Self.format12AsBefore + """
                    DROP INDEX turn_index_order;
                    DROP INDEX turn_index_children;
                    DROP INDEX turn_index_leaves;
                    ALTER TABLE turn_index DROP COLUMN least_at;
                    ALTER TABLE turn_index DROP COLUMN least_id;
                    ALTER TABLE turn_index DROP COLUMN least_depth;
                    ALTER TABLE turn_index DROP COLUMN leaf;
                    DELETE FROM grdb_migrations WHERE identifier = 'v10 history order';
                    -- and with one turn_blob row a reference, before v11's turn_blobs.
                    CREATE TABLE turn_blob (turn BLOB NOT NULL, blob BLOB NOT NULL, PRIMARY KEY (turn, blob)) WITHOUT ROWID;
                    WITH RECURSIVE split(turn, rest, blob) AS (
                        SELECT turn, blobs, NULL FROM turn_blobs
                        UNION ALL SELECT turn, substr(rest, 33), substr(rest, 1, 32) FROM split WHERE length(rest) > 0)
                    INSERT INTO turn_blob SELECT turn, blob FROM split WHERE blob IS NOT NULL;
                    DROP TABLE turn_blobs;
                    PRAGMA user_version = 9;
                    """)
            }
            try repository.queue.close()
        }
        let readOnly = try Repository.open(at: directory, mode: .readOnly)
        try readOnly.read { (reader: StoreReader) throws -> Void in
            #expect(try reader.keptOrder(from: Self.tips(reader), limit: .max) == nil, "format 9 has no kept order")
            #expect(try Self.reference(reader) == [ids[2], ids[3], ids[1], ids[0]])
            #expect(try reader.fsck().problems.isEmpty)
        }
        try readOnly.queue.close()
        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Schema.formatVersion)
        try Self.check(migrated, allReachable: true, "migrated")
        #expect(try migrated.read { try $0.keptOrder(from: Self.tips($0), limit: .max) } == [ids[2], ids[3], ids[1], ids[0]])
    }

    /// `log --all` without a limit streams from the order index: past the first 2,000 lines the short ids come from
    /// one scan; entries, short ids and decorations are those of the listed log.
    @Test func theStreamedLogListsWhatTheGraphOrders() throws {
        let kit = try KitWorkspace()
        let repository = kit.repository
        var random = SplitMix(seed: 11)
        try repository.write(packing: true) { writer in
            for chain in 0..<300 {
                var parent: ObjectID?
                for step in 0..<7 {
                    let time = Self.base + Int64.random(in: 0...50, using: &random)
                    parent = try writer.insert(Self.draft("chain \(chain) step \(step)", parent: parent, at: time))
                }
                try writer.updateRef("refs/heads/c\(chain)", to: parent!, expecting: nil, message: "branch")
            }
        }
        let workspace = kit.workspace()
        let entries = try History.log(workspace, options: LogOptions(all: true, remote: false))
        #expect(entries.count == 2_100)
        try repository.read { (reader: StoreReader) throws -> Void in
            let expected = try Self.reference(reader)
            #expect(entries.map(\.summary.id) == expected)
            let decorations = try Decorations(reader, for: expected)
            for entry in entries {
                #expect(entry.shortID == (try reader.abbreviation(of: entry.summary.id)))
                #expect(entry.refs == decorations[entry.summary.id])
            }
        }
        let limited = try History.log(workspace, options: LogOptions(limit: 30, all: true, remote: false))
        #expect(limited == Array(entries.prefix(30)))
        // A limit past the first 2,000 lines: the rest is read again from the order index after the first ones.
        let past = try History.log(workspace, options: LogOptions(limit: 2_050, all: true, remote: false))
        #expect(past == Array(entries.prefix(2_050)))
    }

    /// A long chain in one bulk write, each turn older than its parent: every row's order comes from the last one.
    @Test func aLongChainInOneBulkWriteIsOrdered() throws {
        let repository = try Repository.inMemory()
        let tip = try repository.write(packing: true) { writer in
            var parent: ObjectID?
            // Older and older along the chain: every turn's order comes from the last one.
            for index in 0..<5_010 {
                parent = try writer.insert(Self.draft("chain \(index)", parent: parent, at: Self.base - Int64(index)))
            }
            return parent!
        }
        try repository.write { try $0.updateRef("refs/heads/main", to: tip, expecting: nil, message: "branch") }
        try repository.read { (reader: StoreReader) throws -> Void in
            #expect(try HistoryOrder.staleRows(reader.db) == 0)
            #expect(try reader.keptOrder(from: [tip], limit: .max) == (try Self.reference(reader)))
        }
    }

    /// A bulk write computes its rows' order from its own rows, inserts them with it, and brings up to date the indexed
    /// ancestors whose order it changes.
    @Test func aLargeBulkWriteOnTopOfIndexedTurnsOrdersBoth() throws {
        let repository = try Repository.inMemory()
        let first = try repository.write(packing: true) { writer in
            var chain = [ObjectID]()
            for index in 0..<100 { chain.append(try writer.insert(Self.draft("first \(index)", parent: chain.last, at: Self.base + Int64(index)))) }
            return chain
        }
        let tips = try repository.write(packing: true) { writer in
            // Continues the first chain with turns older than all of it, and forks it in the middle with newer ones.
            var parent: ObjectID? = first.last
            var fork: ObjectID? = first[50]
            for index in 0..<2_510 {
                parent = try writer.insert(Self.draft("older \(index)", parent: parent, at: Self.base - 1 - Int64(index)))
                fork = try writer.insert(Self.draft("fork \(index)", parent: fork, at: Self.base + 1_000 + Int64(index % 7)))
            }
            return [parent!, fork!]
        }
        try repository.write { writer in
            try writer.updateRef("refs/heads/main", to: tips[0], expecting: nil, message: "branch")
            try writer.updateRef("refs/heads/fork", to: tips[1], expecting: nil, message: "branch")
        }
        try repository.read { (reader: StoreReader) throws -> Void in
            #expect(try HistoryOrder.staleRows(reader.db) == 0)
            #expect(try reader.keptOrder(from: tips, limit: .max) == (try Self.reference(reader)))
            #expect(try reader.fsck().problems.isEmpty)
        }
    }
}

/// A clock tests can move.
private final class TestClockForOrder: @unchecked Sendable {
    private let lock = NSLock()
    private var current = Date(timeIntervalSince1970: 1_764_000_000)

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func advance(seconds: TimeInterval) {
        lock.lock()
        current += seconds
        lock.unlock()
    }
}
