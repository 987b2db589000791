import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// Format 14 (issue 11, "Start-up"): each plain turn's replay estimate is a column of its `turn_index` row, written
/// with the row in single and bulk writes, checked by fsck, refilled by a rebuild and by the migration from format 13.
@Suite struct ReplayTokensTests {
    /// Turns of every kind: plain ones, a replay, several user messages and output items, an attachment, a
    /// compaction item, an empty one; some written loose, the rest in a bulk write.
    func history(in repository: Repository) throws -> [ObjectID] {
        var ids: [ObjectID] = []
        var parent: ObjectID?
        func turn(_ index: Int, input: [DraftMessage]? = nil, output: [DraftOutputItem]? = nil, replay: Bool = false) -> TurnDraft {
            let long = String(repeating: "héllo wörld ✓ 😀 ", count: index % 5 * 30 + 1)
            return TurnDraft(
                parent: parent, model: "m1", input: input ?? [DraftMessage(role: "user", text: "question \(index) \(long)")],
                responseID: "resp_\(index)", output: output ?? [DraftOutputItem(type: "message", role: "assistant", text: "answer \(index) \(long)")],
                stored: true, replay: replay, createdAt: 1_764_000_000 + Int64(index))
        }
        let drafts = { (start: Int) in [
            turn(start),
            turn(start + 1, input: [
                DraftMessage(role: "developer", text: "be brief"), DraftMessage(role: "user", text: "old question"),
                DraftMessage(role: "assistant", text: "old answer"), DraftMessage(role: "user", text: "newest question ✓"),
            ], replay: true),
            turn(start + 2, input: [DraftMessage(role: "user", text: "one"), DraftMessage(role: "system", text: "sys"), DraftMessage(role: "user", text: "two")]),
            turn(start + 3, input: [DraftMessage(role: "user", text: "look", attachments: [
                DraftAttachment(kind: "image", name: "a.png", mediaType: "image/png", bytes: Array(repeating: 7, count: 4_099)),
            ])]),
            turn(start + 4, output: [
                DraftOutputItem(type: "reasoning"), DraftOutputItem(type: "message", role: "assistant", text: "first part ✓ "),
                DraftOutputItem(type: "message", role: "assistant", text: "second part 😀"),
            ]),
            turn(start + 5, output: [DraftOutputItem(type: "compaction"), DraftOutputItem(type: "message", role: "assistant", text: "after")]),
            turn(start + 6, input: [], output: []),
        ] }
        for draft in drafts(0) {
            var draft = draft
            draft.parent = parent
            parent = try repository.write { try $0.insert(draft) }
            ids.append(parent!)
        }
        try repository.write(packing: true) { writer in
            for draft in drafts(10) {
                var draft = draft
                draft.parent = parent
                parent = try writer.insert(draft)
                ids.append(parent!)
            }
        }
        return ids
    }

    /// Each row's value and its SQL type, by turn id.
    static func column(_ repository: Repository) throws -> [Row] {
        try repository.queue.read { try Row.fetchAll($0, sql: "SELECT id, replay_tokens, typeof(replay_tokens) FROM turn_index ORDER BY id") }
    }

    /// What the column must hold: a plain turn's estimate from its texts as a replay reads them, NULL otherwise.
    static func expected(_ reader: StoreReader, _ id: ObjectID) throws -> Int64? {
        let turn = try reader.turn(id)
        if turn.request.input.contains(where: { !$0.attachments.isEmpty }) || turn.response.output.contains(where: { $0.type == "compaction" }) {
            return nil
        }
        let users = turn.request.input.filter { $0.role == "user" }
        let sent = try (turn.replay ? Array(users.suffix(1)) : users).map { try reader.text($0.content) }
        let answer = try turn.response.output.compactMap(\.content).map { try reader.text($0) }.joined()
        return Int64((sent + [answer]).reduce(0) { $0 + ($1.utf8.count + 3) / 4 + 1 })
    }

    @Test func everyRowHoldsItsTurnsEstimateLooseAndPacked() throws {
        let repository = try Repository.inMemory()
        let ids = try history(in: repository)
        try repository.read { (reader: StoreReader) throws in
            var plain = 0
            for id in ids {
                let expected = try Self.expected(reader, id)
                let stored = try Int64?.fetchOne(reader.db, sql: "SELECT replay_tokens FROM turn_index WHERE id = ?", arguments: [Data(id.bytes)])
                #expect(stored.flatMap { $0 } == expected, "turn \(ids.firstIndex(of: id)!)")
                let row = try reader.replayTokens(id)
                let parent = try reader.turn(id).parent
                #expect(row?.tokens == expected.map(Int.init) && (expected == nil || row?.parent == parent))
                if expected != nil { plain += 1 }
            }
            #expect(plain == 10)
            // Stepping from the tip gives the plain turns' estimates up to the first that is not plain, and stops there.
            let walk = try #require(try reader.replayTokenRows())
            walk.start(at: ids[13])
            var stepped: [Int] = []
            while let tokens = walk.step() { stepped.append(tokens) }
            #expect(stepped == [try Self.expected(reader, ids[13]).map(Int.init)].compactMap { $0 } && walk.current == ids[12])
            walk.start(at: ids[2])
            stepped = []
            while let tokens = walk.step() { stepped.append(tokens) }
            #expect(stepped == (try [ids[2], ids[1], ids[0]].map { try #require(try Self.expected(reader, $0)).self }.map(Int.init)))
            #expect(walk.current == nil && walk.step() == nil, "past the first turn")
            // One reader asked from the tip turn after turn (past turns that are not plain), then out of order.
            let rows = try #require(try reader.replayTokenRows())
            for id in ids.reversed() + [ids[2], ids[9], ids[8], ids[0], ids[13]] {
                let expected = try Self.expected(reader, id).map(Int.init)
                #expect(rows.row(id)?.tokens == expected, "turn \(ids.firstIndex(of: id)!)")
            }
        }
        // "question 0 héllo wörld ✓ 😀 " is 34 bytes of UTF-8, its answer 32: 9 + 1 and 8 + 1 tokens.
        #expect(try repository.read { try $0.replayTokens(ids[0])?.tokens } == 19)
        // The replay sends only its newest user message (19 bytes: 5 + 1 tokens); its answer is 722 bytes (181 + 1).
        #expect(try repository.read { try $0.replayTokens(ids[1])?.tokens } == 188)
        #expect(try DerivedTablesTests.problems(repository).isEmpty)
    }

    @Test func aRebuildWritesTheSameValues() throws {
        let repository = try Repository.inMemory()
        _ = try history(in: repository)
        let written = try Self.column(repository)
        try repository.write { _ = try $0.rebuildIndex() }
        #expect(try Self.column(repository) == written)
    }

    @Test func fsckNamesAWrongEstimateAndTheRebuildRestoresIt() throws {
        let repository = try Repository.inMemory()
        let ids = try history(in: repository)
        let written = try Self.column(repository)
        for (index, value) in [(0, "replay_tokens + 1"), (3, "5"), (11, "NULL")] {
            try repository.queue.write {
                try $0.execute(sql: "UPDATE turn_index SET replay_tokens = \(value) WHERE id = ?", arguments: [Data(ids[index].bytes)])
            }
            let problems = try DerivedTablesTests.problems(repository)
            #expect(problems.map(\.subject) == [ids[index].hex] && problems.first?.detail.contains("in replay_tokens;") == true, "\(problems)")
            try repository.write { _ = try $0.rebuildIndex() }
            #expect(try Self.column(repository) == written)
        }
    }

    /// A repository of format 13 (the column dropped, as convo before it wrote them) is read as it is, the estimates
    /// read from the turns, and its migration fills the column with what a write of format 14 puts there.
    @Test func aFormat13RepositoryIsMigratedToTheSameValues() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        let (made, _) = try Repository.create(at: directory)
        let ids = try history(in: made)
        let written = try Self.column(made)
        #expect(ReplayTokens.format == 14 && Schema.formatVersion >= 14)
        try made.queue.write { db in
            try db.execute(sql: """
                ALTER TABLE turn_index DROP COLUMN replay_tokens;
                DELETE FROM grdb_migrations WHERE identifier = 'v14 replay token estimates';
                PRAGMA user_version = 13;
                """)
        }
        try made.queue.close()

        let readOnly = try Repository.open(at: directory, mode: .readOnly)
        #expect(readOnly.openedFormat == 13)
        try readOnly.read { (reader: StoreReader) throws in
            for id in ids { #expect(try reader.replayTokens(id) == nil) }
            #expect(try reader.fsck().problems.isEmpty)
        }
        try readOnly.queue.close()

        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(migrated.openedFormat == 13)
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Schema.formatVersion)
        #expect(try Self.column(migrated) == written)
        #expect(try DerivedTablesTests.problems(migrated).isEmpty)
        try migrated.read { (reader: StoreReader) throws in
            for id in ids { #expect(try reader.replayTokens(id)?.tokens == (try Self.expected(reader, id)).map(Int.init)) }
        }
    }
}
