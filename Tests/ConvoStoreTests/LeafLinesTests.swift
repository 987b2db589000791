import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// Format 15 (issue 11, "no figure got worse"): a leaf's `turn_index` row keeps its first lines whole up to
/// `Summary.leafLineLimit` bytes, a row with children keeps the prefix of a long line; a repository of format 14 (every
/// long line a prefix) is read as it is, and its migration gives its leaves the rows a format-15 write gives them.
@Suite struct LeafLinesTests {
    /// A line of `length` bytes ending with `tag`.
    static func line(_ tag: String, _ length: Int) -> String { String(repeating: "é", count: max(0, length - tag.utf8.count) / 2) + tag }

    /// Two branches: a chain written loose and in a bulk write, and a fork; first lines short, long, and past the limit.
    static func history(in repository: Repository) throws -> [String: ObjectID] {
        let lengths = [20, 200, Summary.leafLineLimit, Summary.leafLineLimit + 40]
        func draft(_ index: Int, parent: ObjectID?) -> TurnDraft {
            .simple(line("q\(index)", lengths[index % 4]) + "\nmore", line("a\(index)", lengths[(index + 1) % 4]), parent: parent, at: 1_764_000_000 + Int64(index))
        }
        var chain = [ObjectID]()
        for index in 0..<3 { chain.append(try repository.write { try $0.insert(draft(index, parent: chain.last)) }) }
        try repository.write(packing: true) { writer in
            for index in 3..<9 { chain.append(try writer.insert(draft(index, parent: chain.last))) }
        }
        var tips = ["main": chain.last!]
        for index in 9..<12 {
            tips["fork\(index)"] = try repository.write { try $0.insert(draft(index, parent: chain[index - 8])) }
        }
        try repository.write { writer in
            for (name, tip) in tips { try writer.updateRef("refs/heads/\(name)", to: tip, expecting: nil, message: "branch") }
        }
        return tips
    }

    /// SQL that marks a repository of the current format as format 14 (its rows are the caller's to make so).
    static let asFormat14 = """
        DELETE FROM grdb_migrations WHERE identifier = 'v15 whole first lines of leaves';
        PRAGMA user_version = 14;
        """

    /// The bytes a format-14 row keeps for `line`.
    static func prefixBytes(_ line: String) -> Data {
        let stored = Summary.storedLine(line)
        return Summary.storedBytes(stored.line, isPrefix: stored.isPrefix)
    }

    static func rows(_ repository: Repository) throws -> [Row] {
        try repository.queue.read { try Row.fetchAll($0, sql: "SELECT * FROM turn_index ORDER BY n") }
    }

    @Test func leavesKeepTheirLinesWholeAndTheMigrationFromFormat14GivesThemTheirs() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        let (made, _) = try Repository.create(at: directory)
        let tips = try Self.history(in: made)
        let written = try Self.rows(made)
        let leaves = written.filter { ($0["leaf"] as Int64?) == 1 }
        #expect(leaves.count == tips.count)
        // What branch --json shows: every tip's whole lines, from its row where it is a leaf whose lines fit.
        let shown = try made.read { reader in try reader.wholeLines(try tips.values.sorted { $0.hex < $1.hex }.map { try #require(try reader.summary($0)) }) }
        let kept = try made.read { reader in try tips.values.sorted { $0.hex < $1.hex }.map { try #require(try reader.summary($0)) } }
        for (row, whole) in zip(kept, shown) {
            #expect(row.inputLineIsPrefix == (whole.inputLine.utf8.count > Summary.leafLineLimit), "\(whole.inputLine.utf8.count) bytes")
            #expect(row.outputLineIsPrefix == (whole.outputLine.utf8.count > Summary.leafLineLimit), "\(whole.outputLine.utf8.count) bytes")
        }
        #expect(try made.read { try $0.fsck().problems }.isEmpty)

        // Format 14: every long line a prefix.
        try made.queue.write { db in
            for row in leaves {
                func prefix(_ column: String) -> Data {
                    let (line, isPrefix) = Summary.storedLine(row[column] as DatabaseValue)!
                    let stored = isPrefix ? (line: line, isPrefix: true) : Summary.storedLine(line)
                    return Summary.storedBytes(stored.line, isPrefix: stored.isPrefix)
                }
                try db.execute(
                    sql: "UPDATE turn_index SET input_line = ?, output_line = ? WHERE n = ?", arguments: [prefix("input_line"), prefix("output_line"), row["n"] as Int64])
            }
            try db.execute(sql: Self.asFormat14)
        }
        try made.queue.close()

        let readOnly = try Repository.open(at: directory, mode: .readOnly)
        #expect(readOnly.openedFormat == 14)
        try readOnly.read { (reader: StoreReader) throws in
            let summaries = try tips.values.sorted { $0.hex < $1.hex }.map { try #require(try reader.summary($0)) }
            #expect(summaries.contains { !$0.hasWholeLines })
            #expect(try reader.wholeLines(summaries) == shown)
            #expect(try reader.fsck().problems.isEmpty)
        }
        try readOnly.queue.close()

        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(migrated.openedFormat == 14)
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Schema.formatVersion)
        #expect(try Self.rows(migrated) == written, "the rows a format-15 write gives, with their numbers")
        #expect(try migrated.read { try $0.fsck().problems }.isEmpty)
    }

    /// A format-14 repository that lost a leaf's text (damage fsck reports) still migrates: that leaf keeps its
    /// prefix, the others get their lines, and writes go on (an import can bring the text back).
    @Test func theMigrationLeavesALeafWhoseTextIsMissingAsItIs() throws {
        let folder = try TemporaryFolder()
        let directory = folder.url.appendingPathComponent(".convo")
        let (made, _) = try Repository.create(at: directory)
        let tips = try Self.history(in: made)
        let damaged = tips["fork9"]!, whole = tips["fork10"]!
        let lost = try made.read { try $0.turn(damaged).request.input[0].content }
        try made.queue.write { db in
            try db.execute(sql: "UPDATE turn_index SET input_line = ? WHERE id = ?", arguments: [
                Self.prefixBytes(Self.line("q9", 200)), Data(damaged.bytes),
            ])
            try db.execute(sql: "UPDATE turn_index SET input_line = ? WHERE id = ?", arguments: [
                Self.prefixBytes(Self.line("q10", Summary.leafLineLimit)), Data(whole.bytes),
            ])
            try db.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [Data(lost.bytes)])
            try db.execute(sql: Self.asFormat14)
        }
        try made.queue.close()
        let migrated = try Repository.open(at: directory, mode: .readWrite)
        #expect(try migrated.queue.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == Schema.formatVersion)
        try migrated.read { (reader: StoreReader) throws in
            #expect(try reader.summary(damaged)?.inputLineIsPrefix == true)
            #expect(try reader.summary(whole)?.inputLineIsPrefix == false)
        }
        try migrated.write { _ = try $0.insert(.simple("after", "the migration", parent: whole)) }
    }

    /// gc deleting a branch leaves its fork point a leaf again, keeping its prefix: still read whole, and fsck is clean.
    @Test func aTurnThatIsALeafAgainKeepsItsPrefix() throws {
        let repository = try Repository.inMemory()
        let first = try repository.write { try $0.insert(.simple(Self.line("first", 300), "short")) }
        let second = try repository.write { try $0.insert(.simple("next", "answer", parent: first)) }
        #expect(try repository.read { try $0.summary(first) }?.inputLineIsPrefix == true)
        try repository.queue.write { db in
            try db.execute(sql: "DELETE FROM turn_index WHERE id = ?", arguments: [Data(second.bytes)])
            try HistoryOrder.update(db, from: CompactID(first))
        }
        let summary = try #require(try repository.read { try $0.summary(first) })
        #expect(summary.inputLineIsPrefix)
        #expect(try repository.read { try $0.wholeLines(summary) }.inputLine == Self.line("first", 300))
    }
}
