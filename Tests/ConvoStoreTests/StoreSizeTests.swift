import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// Issue 11, "Store size": prefixes of long first lines in the index, one `turn_blobs` row a turn, packs of one
/// kind, and the migration that brings a repository of the format before to them.
@Suite struct StoreSizeTests {
    static let lines = [
        "", "short", String(repeating: "x", count: 50), String(repeating: "x", count: 51), String(repeating: "x", count: 52),
        String(repeating: "é", count: 60), String(repeating: "e\u{301}", count: 60), String(repeating: "🇫🇷", count: 60),
        String(repeating: "漢", count: 51) + "字", "abc\0" + String(repeating: "d", count: 80), String(repeating: "👩‍👩‍👧", count: 55),
    ]

    @Test(arguments: lines) func aKeptPrefixShortensAsTheWholeLineDoes(_ line: String) throws {
        let (kept, isPrefix) = Summary.storedLine(line)
        #expect(isPrefix == (line.count > Summary.keptCharacters))
        #expect(isPrefix ? kept.count == Summary.keptCharacters && line.hasPrefix(kept) : kept == line)
        #expect(Summary.shortened(kept) == Summary.shortened(line))
        let bytes = Summary.storedBytes(kept, isPrefix: isPrefix)
        let read = try #require(Summary.storedLine(bytes.databaseValue))
        #expect(read.line == kept && read.isPrefix == isPrefix)
    }

    @Test func theIndexKeepsAPrefixAndWholeLinesAreReadFromTheTexts() throws {
        let repository = try Repository.inMemory()
        let long = String(repeating: "word ", count: 300) + "end"
        let id = try repository.write { try $0.insert(.simple(long + "\nmore", "short answer")) }
        let stored = try repository.queue.read { try Data.fetchOne($0, sql: "SELECT input_line FROM turn_index") }
        #expect(stored == Data(long.prefix(51).utf8) + [0x0A])
        let summary = try #require(try repository.read { try $0.summary(id) })
        #expect(summary.inputLineIsPrefix && !summary.outputLineIsPrefix && !summary.hasWholeLines)
        let whole = try repository.read { try $0.wholeLines(summary) }
        #expect(whole.inputLine == long && whole.outputLine == "short answer" && whole.hasWholeLines)
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }

    @Test func manyWholeLinesAreReadInStorageOrderAndHandedBackInTheirs() throws {
        let repository = try Repository.inMemory()
        func long(_ index: Int) -> String { "question \(index) " + String(repeating: "that goes on and on ", count: 5) }
        var ids = try repository.write(packing: true) { writer in
            try (0..<6).map { try writer.insert(.simple(long($0), $0 % 2 == 0 ? "short" : long($0 + 100), at: 1_764_000_000 + Int64($0))) }
        }
        ids += try (6..<9).map { index in try repository.write { try $0.insert(.simple(index == 7 ? "short" : long(index), "answer", at: 1_764_000_000 + Int64(index))) } }
        let summaries = try repository.read { reader in try ids.reversed().map { try #require(try reader.summary($0)) } }
        let one = try repository.read { reader in try summaries.map { try reader.wholeLines($0) } }
        let many = try repository.read { try $0.wholeLines(summaries) }
        #expect(many == one)
        #expect(many.map(\.id) == ids.reversed())
        #expect(many.allSatisfy { $0.hasWholeLines })
        #expect(many.first?.inputLine == long(8).trimmingCharacters(in: .whitespaces))
    }

    /// Turns in several packs and loose ones, answers of several items (whose texts join before the first line
    /// is taken), texts shared by turns, a text in a pack of its own: read in stored order, each line is the first
    /// line of the texts, as reading each turn alone gives it.
    @Test func wholeLinesOfPackedAndLooseTurnsAreTheFirstLinesOfTheirTexts() throws {
        let repository = try Repository.inMemory()
        func long(_ index: Int) -> String { "question \(index) " + String(repeating: "that goes on and on \(index % 7) ", count: 40) }
        func draft(_ index: Int, parent: ObjectID?) -> TurnDraft {
            var draft = TurnDraft.simple(
                " \(long(index))\nsecond", index % 3 == 0 ? "short \(index)" : "\n" + long(index + 1_000), parent: parent,
                at: 1_764_000_000 + Int64(index))
            if index % 4 == 1 {
                // The first item has no line break: its line goes on in the second item.
                draft.output = [
                    DraftOutputItem(type: "reasoning", role: nil, text: nil),
                    DraftOutputItem(type: "message", role: "assistant", text: "  \n" + long(index)),
                    DraftOutputItem(type: "message", role: "assistant", text: " and more\nlast"),
                ]
            }
            if index % 10 == 5 { draft.input.append(DraftMessage(role: "user", text: long(index - 1))) }  // shared text
            return draft
        }
        var ids = try repository.write(packing: true) { writer in
            var ids = [ObjectID]()
            for index in 0..<1_200 { ids.append(try writer.insert(draft(index, parent: ids.last))) }
            return ids
        }
        for index in 1_200..<1_204 { ids.append(try repository.write { try $0.insert(draft(index, parent: ids.last)) }) }
        let packs = try repository.queue.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT pack) FROM object WHERE kind = 'turn'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT pack) FROM object WHERE kind = 'blob'") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM object WHERE pack IS NULL") ?? 0)
        }
        #expect(packs.0 >= 2 && packs.1 >= 3 && packs.2 > 0, "\(packs)")
        let summaries = try repository.read { reader in try ids.reversed().map { try #require(try reader.summary($0)) } }
        // The tip is a leaf, whose row keeps its lines whole (Summary.leafLine); every other row keeps prefixes.
        #expect(summaries[0].hasWholeLines && summaries.dropFirst().allSatisfy { !$0.hasWholeLines })
        let expected = try repository.read { reader in
            try summaries.map { summary in
                let turn = try reader.turn(summary.id)
                var whole = summary
                whole.inputLine = Summary.firstLine(try reader.text(try #require(turn.request.newestUserMessage).content))
                whole.outputLine = Summary.firstLine(try reader.answer(of: turn))
                whole.inputLineIsPrefix = false
                whole.outputLineIsPrefix = false
                return whole
            }
        }
        #expect(try repository.read { try $0.wholeLines(summaries) } == expected)
        #expect(try repository.read { reader in try summaries.map { try reader.wholeLines($0) } } == expected)
        #expect(expected[expected.count - 2].outputLine == long(1) + " and more")  // ids[1], an answer of three items
        // Out of stored order, with whole summaries among them, each handed back in its place.
        let shuffled = summaries.enumerated().sorted { ($0.offset * 7_919) % summaries.count < ($1.offset * 7_919) % summaries.count }
        let mixed = shuffled.map { $0.offset % 5 == 0 ? expected[$0.offset] : $0.element }
        #expect(try repository.read { try $0.wholeLines(mixed) } == shuffled.map { expected[$0.offset] })
    }

    @Test func aBulkWriteKeepsTurnsAndTextsInPacksOfTheirOwn() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.write(packing: true) { writer in
            var ids = [ObjectID]()
            for index in 0..<50 {
                ids.append(try writer.insert(.simple("question \(index)", "answer \(index)", parent: ids.last, at: 1_764_000_000 + Int64(index))))
            }
            return ids
        }
        let kinds = try repository.queue.read { try Row.fetchAll($0, sql: "SELECT pack, COUNT(DISTINCT kind) AS kinds FROM object GROUP BY pack") }
        #expect(kinds.count == 3, "turns, message texts and answers (PackGroupTests)")
        #expect(kinds.allSatisfy { $0["kinds"] as Int == 1 })
        // Ids are of the canonical bytes, wherever they are stored: every object reads back to its id.
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
        #expect(try repository.read { reader in try ids.map { try reader.turn($0).request.input.count } } == Array(repeating: 1, count: 50))
    }

    /// A repository of the format before (whole first lines, `turn_blob` with a row per reference) is read as it
    /// is, fsck finds it clean, and a writing open migrates it with every id kept.
    @Test func theFormatBeforeIsReadAsItIsAndMigratedKeepingEveryID() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        let long = String(repeating: "a long question ", count: 10)
        var ids = [ObjectID]()
        let before = TurnBlobs.format - 1
        do {
            let (repository, _) = try Repository.create(at: directory)
            ids = try repository.appendChain(2)
            ids.append(try repository.write { writer in
                let id = try writer.insert(.simple(long + "\nmore", long, parent: ids.last, at: 1_764_000_100))
                _ = try writer.advanceHead(to: id, expecting: ids.last, message: "say: long")
                return id
            })
            try repository.queue.write { db in
                try db.execute(sql: Repository.format12AsBefore + Repository.turnBlobAsBefore)
                try db.execute(sql: "UPDATE turn_index SET input_line = ?, output_line = ? WHERE id = ?", arguments: [Data(long.trimmingCharacters(in: .whitespaces).utf8), Data(long.trimmingCharacters(in: .whitespaces).utf8), Data(ids[2].bytes)])
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = ?", arguments: [Schema.migrations[before].name])
                try db.execute(sql: "PRAGMA user_version = \(before)")
            }
            try repository.queue.close()
        }
        let readOnly = try Repository.open(at: directory, mode: .readOnly)
        #expect(readOnly.openedFormat == before)
        let old = try #require(try readOnly.read { try $0.summary(ids[2]) })
        #expect(old.hasWholeLines && old.inputLine == long.trimmingCharacters(in: .whitespaces))
        #expect(try readOnly.read { try $0.fsck().problems }.isEmpty)
        #expect(try readOnly.read { try $0.derivedTablesCoverEveryTurn() })
        try readOnly.queue.close()

        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Schema.formatVersion)
        #expect(try migrated.queue.read { try !$0.tableExists("turn_blobs") && !$0.tableExists("turn_blob") })
        let new = try #require(try migrated.read { try $0.summary(ids[2]) })
        // The tip is a leaf: the refilled row keeps its lines whole (Summary.leafLine), as the old row did.
        #expect(new.hasWholeLines && new == old)
        #expect(try migrated.read { try $0.wholeLines(new) } == old)
        #expect(try migrated.read { try $0.branches().map(\.tip) } == [ids[2]])
        #expect(try migrated.read { try $0.fsck().problems }.isEmpty)
        #expect(try migrated.read { try $0.derivedTablesCoverEveryTurn() })
        #expect(try DerivedTablesTests.rows(migrated) == (try DerivedTablesTests.expectedRows(migrated)))
    }
}
