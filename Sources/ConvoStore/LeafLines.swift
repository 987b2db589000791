import Foundation
import GRDB

/// Whole first lines in the rows of leaves (format 15, issue 11, "no figure got worse"): since format 11 a row keeps
/// only the start of a long first line, and `branch --json` read its tips' whole lines from their texts, inflating
/// nearly every pack of a repository of many conversations (1.1 s for 10,000 branches, against 0.27 s when every row
/// kept its lines whole). A leaf's row now keeps them whole (``Summary/leafLine(_:)``), and a row that gets a child
/// keeps the prefix again (``HistoryOrder/update(_:from:)``, ``HistoryOrder/ofNewRows(_:_:)``): the store grows by
/// the tips' lines only. A leaf may still keep a prefix (a turn whose children gc deleted): readers take either.
enum LeafLines {
    /// Gives the leaves of a repository written before format 15 their whole lines, read from their texts.
    static func fill(_ db: Database) throws {
        let reader = StoreReader(db: db)
        let leaves = try Row.fetchAll(db, sql: "SELECT \(TurnSummary.columns) FROM turn_index WHERE leaf = 1").map { try TurnSummary(row: $0) }
            .filter { !$0.hasWholeLines }
        guard !leaves.isEmpty else { return }
        try db.execute(sql: "CREATE TEMP TABLE leaf_lines(id BLOB PRIMARY KEY NOT NULL, input_line BLOB NOT NULL, output_line BLOB NOT NULL)")
        let insert = try db.makeStatement(sql: "INSERT OR REPLACE INTO leaf_lines(id, input_line, output_line) VALUES (?, ?, ?)")
        // A leaf whose text is missing (damage fsck reports) keeps its prefix: the migration must not fail, or every
        // writing command would, the import that could restore the text among them.
        let wholes = (try? reader.wholeLines(leaves)) ?? leaves.map { (try? reader.wholeLines($0)) ?? $0 }
        for (kept, whole) in zip(leaves, wholes) where whole.hasWholeLines {
            let input = kept.inputLineIsPrefix ? Summary.leafLine(whole.inputLine) : (line: kept.inputLine, isPrefix: false)
            let output = kept.outputLineIsPrefix ? Summary.leafLine(whole.outputLine) : (line: kept.outputLine, isPrefix: false)
            try insert.execute(arguments: [
                Data(kept.id.bytes), Summary.storedBytes(input.line, isPrefix: input.isPrefix), Summary.storedBytes(output.line, isPrefix: output.isPrefix),
            ])
        }
        try Schema.rewriteIndexRows(
            db, replacing: ["input_line": "coalesce(l.input_line, r.input_line)", "output_line": "coalesce(l.output_line, r.output_line)"],
            joining: "LEFT JOIN leaf_lines l ON l.id = r.id")
        try db.execute(sql: "DROP TABLE leaf_lines")
    }
}
