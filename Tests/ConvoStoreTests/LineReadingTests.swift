import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// Issue 11, `log --format='%h %s'` and `log --json` on a long conversation: index rows read through SQLite's C
/// interface, whole first lines read for only the line a format prints, and first lines cut from a text's bytes.
/// Each must give exactly what the slower way gives.
@Suite struct LineReadingTests {
    static func long(_ index: Int) -> String { "question \(index) " + String(repeating: "that goes on and on \(index % 7) ", count: 6) }

    /// Turns of every shape a first line comes from: long and short lines on either side, an answer of several items
    /// whose line goes on in the second, a compaction item, no answer text, a text shared by two turns and by a turn's
    /// input and answer, non-ASCII and invalid UTF-8 texts; most in a bulk write, a few loose.
    static func repository() throws -> (Repository, [ObjectID]) {
        let repository = try Repository.inMemory()
        func draft(_ index: Int, parent: ObjectID?) -> TurnDraft {
            let input = index % 3 == 1 ? "short \(index)" : " \(long(index))\nsecond"
            var draft = TurnDraft.simple(input, index % 3 == 0 ? "short answer" : "\n" + long(index + 1_000), parent: parent, at: 1_764_000_000 + Int64(index))
            switch index % 8 {
            case 1:
                draft.output = [
                    DraftOutputItem(type: "reasoning"),
                    DraftOutputItem(type: "message", role: "assistant", text: "  \n" + long(index)),
                    DraftOutputItem(type: "message", role: "assistant", text: " and more\nlast"),
                ]
            case 2: draft.output = [DraftOutputItem(type: "compaction"), DraftOutputItem(type: "message", role: "assistant", text: long(index) + " after")]
            case 3: draft.output = [DraftOutputItem(type: "reasoning")]
            case 4: draft.output = [DraftOutputItem(type: "message", role: "assistant", text: input)]  // the input's own text
            case 5: draft.input.append(DraftMessage(role: "user", text: " \(long(index - 1))\nsecond"))  // another turn's text
            case 6: draft.input = [DraftMessage(role: "user", text: "\u{2003}« " + String(repeating: "é漢🇫🇷 ", count: 30) + "»\r\nnext")]
            default: break
            }
            draft.model = index % 5 == 0 ? nil : "model-\(index % 2)"
            return draft
        }
        var ids = try repository.write(packing: true) { writer in
            var ids = [ObjectID]()
            for index in 0..<300 { ids.append(try writer.insert(draft(index, parent: ids.last))) }
            return ids
        }
        for index in 300..<310 { ids.append(try repository.write { try $0.insert(draft(index, parent: ids.last)) }) }
        return (repository, ids)
    }

    /// The index row of `id` as GRDB's row reads it.
    static func rowSummary(_ repository: Repository, _ id: ObjectID) throws -> TurnSummary? {
        try repository.queue.read { db in
            try Row.fetchOne(db, sql: "SELECT \(TurnSummary.columns) FROM turn_index WHERE id = ?", arguments: [Data(id.bytes)]).map { try TurnSummary(row: $0) }
        }
    }

    @Test func summariesReadThroughTheCInterfaceAreGRDBsRows() throws {
        let (repository, ids) = try Self.repository()
        let read = try repository.read { reader in try ids.map { try reader.summary($0) } }
        #expect(try read == ids.map { try Self.rowSummary(repository, $0) })
        #expect(read.contains { $0?.inputLineIsPrefix == true } && read.contains { $0?.model == nil })
        #expect(try repository.read { try $0.ancestry(of: ids.last!) } == read.reversed().compactMap { $0 })
        #expect(try repository.read { try $0.summary(ObjectID(bytes: Data(repeating: 7, count: 32))!) } == nil)
    }

    /// Rows not as convo writes them (another type in a column) are read as GRDB's row reads them, or fail with
    /// the same error.
    @Test(arguments: [
        "created_at = 1764000002.5", "created_at = '1764000002'", "input_line = CAST(input_line AS TEXT)", "output_line = 'plain text'",
        "status = CAST(status AS BLOB)", "model = 42", "origin = x'6F72'", "parent = x'0102'", "stored = 2.5", "replay = -1",
        "input_tokens = 1.5", "output_tokens = 'many'", "input_line = 7", "id = x'01'", "response_id = CAST('a' || char(0) || 'b' AS TEXT)",
    ])
    func aRowNotAsConvoWritesItReadsAsGRDBReadsIt(_ change: String) throws {
        let (repository, ids) = try Self.repository()
        let id = ids[7]
        try repository.queue.write { db in try db.execute(sql: "UPDATE turn_index SET \(change) WHERE id = ?", arguments: [Data(id.bytes)]) }
        let expected = Result { try Self.rowSummary(repository, id) }
        let read = Result { try repository.read { try $0.summary(id) } }
        switch (read, expected) {
        case (.success(let read), .success(let expected)): #expect(read == expected)
        case (.failure(let read), .failure(let expected)): #expect("\(read)" == "\(expected)")
        default: Issue.record("read \(read), GRDB's row \(expected)")
        }
    }

    /// Asking for one line reads it as asking for both does, and leaves the other as the index keeps it.
    @Test func aLineAskedForAloneIsTheLineOfBoth() throws {
        let (repository, ids) = try Self.repository()
        let summaries = try repository.read { reader in try ids.reversed().map { try #require(try reader.summary($0)) } }
        #expect(summaries.contains { $0.inputLineIsPrefix && !$0.outputLineIsPrefix })
        #expect(summaries.contains { !$0.inputLineIsPrefix && $0.outputLineIsPrefix })
        let both = try repository.read { try $0.wholeLines(summaries) }
        #expect(both.allSatisfy { $0.hasWholeLines })
        var inputs = summaries, outputs = summaries
        for index in summaries.indices {
            (inputs[index].inputLine, inputs[index].inputLineIsPrefix) = (both[index].inputLine, false)
            (outputs[index].outputLine, outputs[index].outputLineIsPrefix) = (both[index].outputLine, false)
        }
        #expect(try repository.read { try $0.wholeLines(summaries, input: true, output: false) } == inputs)
        #expect(try repository.read { try $0.wholeLines(summaries, input: false, output: true) } == outputs)
        #expect(try repository.read { try $0.wholeLines(summaries, input: false, output: false) } == summaries)
        #expect(try repository.read { reader in try summaries.map { try reader.wholeLines($0, output: false) } } == inputs)
        #expect(try repository.read { reader in try summaries.map { try reader.wholeLines($0, input: false) } } == outputs)
        // The texts' own first lines, read the slow way.
        let expected = try repository.read { reader in
            try summaries.map { summary in
                let turn = try reader.turn(summary.id)
                return (Summary.firstLine(try reader.text(try #require(turn.request.newestUserMessage).content)), Summary.firstLine(try reader.answer(of: turn)))
            }
        }
        #expect(both.map(\.inputLine) == expected.map(\.0))
        #expect(both.map(\.outputLine) == expected.map(\.1))
    }

    /// The table of places read in one scan holds exactly the packed objects, each where ``StoreReader/place(of:)``
    /// finds it, and lines read through it are the lines read without it; a row not as convo writes it is left out
    /// (found, or reported, by the lookup as before).
    @Test func aPlaceTableFindsWhatTheLookupFinds() throws {
        let (repository, ids) = try Self.repository()
        let damaged = ids[11]
        try repository.queue.write { db in
            try db.execute(sql: "UPDATE object SET kind = 'tree' WHERE id = ?", arguments: [Data(damaged.bytes)])
            try db.execute(sql: "UPDATE object SET offset = 1.5 WHERE id = ?", arguments: [Data(ids[12].bytes)])
        }
        let objects = try repository.queue.read { db in try Data.fetchAll(db, sql: "SELECT id FROM object").compactMap { ObjectID(bytes: $0) } }
        let loose = try repository.queue.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM object WHERE data IS NOT NULL") ?? 0 }
        #expect(loose > 0)
        try repository.read { reader in
            #expect(try reader.placeTable(forLookups: 999) == nil)
            #expect(objects.count < 1_000)
            let table = try #require(try reader.placeTable(forLookups: 1_000))
            #expect(table.count == objects.count - loose - 2)
            for id in objects {
                guard let found = table.place(of: id) else { continue }
                let place = try #require(try reader.place(of: id))
                #expect(found.kind == place.kind && found.size == place.size && found.pack == place.pack && found.offset == place.offset)
            }
            #expect(table.place(of: damaged) == nil && table.place(of: ids[12]) == nil)
            #expect(table.place(of: ObjectID(bytes: Data(repeating: 0xFF, count: 32))!) == nil)
            let summaries = try ids.reversed().filter { $0 != damaged && $0 != ids[12] }.map { try #require(try reader.summary($0)) }
            #expect(try reader.wholeLines(summaries, places: table) == reader.wholeLines(summaries))
            #expect(try reader.wholeLines(summaries, output: false, places: table) == reader.wholeLines(summaries, output: false))
            let withDamaged = [try #require(try reader.summary(damaged))]
            #expect(withDamaged[0].inputLineIsPrefix)
            let expected = Result { try reader.wholeLines(withDamaged) }
            let read = Result { try reader.wholeLines(withDamaged, places: table) }
            guard case .failure(let expectedError) = expected, case .failure(let error) = read else {
                Issue.record("\(read), \(expected)")
                return
            }
            #expect("\(error)" == "\(expectedError)")
        }
    }

    /// Abbreviations in the order asked for, repeats and ids no object has among them, are the single lookups'.
    @Test func abbreviationsInTheirOrderAreTheSingleLookups() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(2_100)
        let absent = [ObjectID(bytes: Data(repeating: 0, count: 32))!, ObjectID(bytes: Data(repeating: 0xFF, count: 32))!, ObjectID(bytes: Data(ids[5].bytes.dropLast() + [ids[5].bytes.last! ^ 1]))!]
        let asked = ids.reversed() + [ids[3], ids[3], ids[2_099]] + absent + ids.prefix(10)
        try repository.read { reader in
            let list = try reader.abbreviationList(of: asked)
            #expect(list.count == asked.count)
            for (id, short) in zip(asked, list) {
                #expect(short == (absent.contains(id) ? nil : try reader.abbreviation(of: id)))
            }
            let bulk = try reader.abbreviations(of: asked)
            #expect(bulk.count == Set(asked).count - absent.count)
            for (id, short) in zip(asked, list) { #expect(bulk[id] == short) }
            #expect(try reader.abbreviationList(of: Array(asked.prefix(30))) == asked.prefix(30).map { try reader.abbreviation(of: $0) })
        }
    }

    static let texts: [[UInt8]] = {
        var texts: [[UInt8]] = [[], Array("short".utf8), Array("  \t\n\n  first line  \r\nsecond".utf8), Array("\u{00A0}\u{2003}x\u{3000}\u{2028}y".utf8)]
        texts += [Array("é漢🇫🇷 line\nnext".utf8), [0x61, 0xE2, 0x80], [0x61, 0xE2, 0x80, 0x0A, 0x62], [0xFF, 0x20, 0x61, 0x0A], [0x20, 0xC2], [0xC2, 0x85, 0x61]]
        texts += [Array("abc\0def\u{85}ghi".utf8), Array(String(repeating: "1234567", count: 40).utf8) + [0x80], Array("\r\n\r\n\t".utf8)]
        texts += (0..<20).map { Array(String(repeating: "a", count: $0).utf8) + [0xC3, 0xA9] + Array("\n".utf8) }
        return texts
    }()

    @Test(arguments: texts) func aFirstLineCutFromBytesIsTheFirstLineOfTheirString(_ text: [UInt8]) {
        let expected = Summary.firstLine(String(decoding: text, as: UTF8.self))
        #expect(text.withUnsafeBufferPointer { Summary.firstLine($0) } == expected)
        #expect(text.withUnsafeBufferPointer { Summary.isASCII($0) } == text.allSatisfy { $0 < 0x80 })
    }
}
