import Foundation
import GRDB

/// Which text of a turn matched.
public enum SearchSide: String, Sendable, CaseIterable {
    /// The newest user message.
    case input
    /// The answer.
    case output
}

/// Which turns a search looks at.
public enum SearchScope: Equatable, Sendable {
    /// Every stored turn, including those only the reflog still names.
    case everything
    /// A turn and its ancestors: one conversation line.
    case ancestry(of: ObjectID)
}

/// A short piece of a matching text around the matches.
public struct SearchSnippet: Equatable, Sendable {
    /// A run of text, highlighted when it is a match.
    public struct Fragment: Equatable, Sendable {
        /// The text; whitespace (newlines too) is collapsed to single spaces.
        public var text: String
        /// Whether the text is a match.
        public var highlighted: Bool
    }

    /// The fragments in order.
    public var fragments: [Fragment]

    /// The snippet without highlighting.
    public var text: String { fragments.map(\.text).joined() }
}

/// One matching turn.
public struct SearchHit: Equatable, Sendable {
    /// The turn as the index knows it.
    public var summary: TurnSummary
    /// The texts holding matches (input first).
    public var matched: [SearchSide]
    /// The text the snippet comes from.
    public var side: SearchSide
    /// The best piece of that text.
    public var snippet: SearchSnippet
}

/// The newest matches of a search, and how many there are in all.
public struct SearchResults: Equatable, Sendable {
    /// At most the limit asked for, newest first.
    public var hits: [SearchHit]
    /// Every matching turn in the scope.
    public var total: Int
}

extension StoreReader {
    /// Conversations smaller than this are searched turn by turn; larger ones by filtering all matches.
    static let turnByTurnLimit = 500

    /// The newest `limit` turns in `scope` whose input or answer matches `query`, with snippets.
    ///
    /// The index (`turn_search`) is contentless: it answers which documents match, newest first because
    /// docids grow with time, and the snippets come from the texts of those few turns, indexed again in a
    /// private in-memory FTS5 table with the same tokenizer.
    public func search(_ query: SearchQuery, scope: SearchScope, limit: Int) throws -> SearchResults {
        let expression = query.ftsExpression
        var candidates = [(docid: Int64, turn: ObjectID)]()
        var total = 0
        try translatingQueryErrors(query) {
            switch scope {
            case .everything:
                let docids = try Int64.fetchAll(
                    db.cachedStatement(sql: "SELECT rowid FROM turn_search WHERE turn_search MATCH ? ORDER BY rowid DESC LIMIT ?"),
                    arguments: [expression, limit])
                for docid in docids {
                    if let turn = try Data.fetchOne(db.cachedStatement(sql: "SELECT turn FROM search_doc WHERE docid = ?"), arguments: [docid])
                        .flatMap({ ObjectID(bytes: $0) })
                    {
                        candidates.append((docid, turn))
                    }
                }
                total = docids.count < limit
                    ? candidates.count
                    : try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM turn_search WHERE turn_search MATCH ?", arguments: [expression]) ?? 0
            case .ancestry(let start):
                var documents = [(docid: Int64, turn: ObjectID)]()
                for summary in try ancestry(of: start) {
                    if let docid = try searchDocID(of: summary.id, createdAt: summary.createdAt) { documents.append((docid, summary.id)) }
                }
                documents.sort { $0.docid > $1.docid }
                if documents.count <= Self.turnByTurnLimit {
                    let matches = try db.cachedStatement(sql: "SELECT 1 FROM turn_search WHERE turn_search MATCH ? AND rowid = ?")
                    for document in documents where try Int.fetchOne(matches, arguments: [expression, document.docid]) != nil {
                        total += 1
                        if candidates.count < limit { candidates.append(document) }
                    }
                } else {
                    let wanted = Dictionary(documents.map { ($0.docid, $0.turn) }) { first, _ in first }
                    let cursor = try Int64.fetchCursor(
                        db, sql: "SELECT rowid FROM turn_search WHERE turn_search MATCH ? ORDER BY rowid DESC", arguments: [expression])
                    while let docid = try cursor.next() {
                        guard let turn = wanted[docid] else { continue }
                        total += 1
                        if candidates.count < limit { candidates.append((docid, turn)) }
                    }
                }
            }
        }
        let hits = try snippets(candidates, expression: expression)
        return SearchResults(hits: hits, total: max(total, hits.count))
    }

    /// Runs `body`, turning SQLite's complaints about a MATCH expression into a query error.
    private func translatingQueryErrors(_ query: SearchQuery, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            throw StoreError.invalidSearchQuery(query.text, reason: error.message ?? "SQLite cannot read it")
        }
    }

    /// Snippets for the candidates, in their order. A candidate whose texts no longer match (a stale index)
    /// is left out.
    private func snippets(_ candidates: [(docid: Int64, turn: ObjectID)], expression: String) throws -> [SearchHit] {
        guard !candidates.isEmpty else { return [] }
        let open: Character = "\u{1}", close: Character = "\u{2}"
        let scratch = try DatabaseQueue()
        let found: [Int64: (matched: [SearchSide], side: SearchSide, snippet: String)] = try scratch.write { scratch in
            try scratch.execute(sql: "CREATE VIRTUAL TABLE s USING fts5(input, output, tokenize = 'unicode61 remove_diacritics 2')")
            for candidate in candidates {
                let texts = try searchTexts(of: try turn(candidate.turn))
                try scratch.execute(
                    sql: "INSERT INTO s(rowid, input, output) VALUES (?, ?, ?)", arguments: [candidate.docid, texts.input, texts.output])
            }
            var found = [Int64: (matched: [SearchSide], side: SearchSide, snippet: String)]()
            let rows = try Row.fetchAll(scratch, sql: """
                SELECT rowid, snippet(s, -1, ?1, ?2, '…', 16) AS best, snippet(s, 0, ?1, ?2, '…', 16) AS input,
                    snippet(s, 1, ?1, ?2, '…', 16) AS output
                FROM s WHERE s MATCH ?3
                """, arguments: [String(open), String(close), expression])
            for row in rows {
                let best: String = row["best"], input: String = row["input"], output: String = row["output"]
                var matched = [SearchSide]()
                if input.contains(open) { matched.append(.input) }
                if output.contains(open) { matched.append(.output) }
                let side: SearchSide = best == output && matched.contains(.output) ? .output : matched.first ?? .input
                found[row["rowid"]] = (matched, side, side == .input ? input : output)
            }
            return found
        }
        return try candidates.compactMap { candidate -> SearchHit? in
            guard let match = found[candidate.docid], let summary = try summary(candidate.turn) else { return nil }
            return SearchHit(
                summary: summary, matched: match.matched, side: match.side, snippet: Self.snippet(match.snippet, open: open, close: close))
        }
    }

    /// Splits FTS5's marked-up snippet into fragments, collapsing whitespace.
    static func snippet(_ marked: String, open: Character, close: Character) -> SearchSnippet {
        var fragments = [SearchSnippet.Fragment]()
        var current = ""
        var highlighted = false
        var lastWasSpace = false
        func finish() {
            if !current.isEmpty { fragments.append(.init(text: current, highlighted: highlighted)) }
            current = ""
        }
        for character in marked {
            switch character {
            case open:
                finish()
                highlighted = true
            case close:
                finish()
                highlighted = false
            case _ where character.isWhitespace:
                if !lastWasSpace { current.append(" ") }
                lastWasSpace = true
                continue
            default:
                current.append(character)
            }
            lastWasSpace = false
        }
        finish()
        if let first = fragments.first, first.text.hasPrefix(" ") { fragments[0].text.removeFirst() }
        if let last = fragments.indices.last, fragments[last].text.hasSuffix(" ") { fragments[last].text.removeLast() }
        return SearchSnippet(fragments: fragments.filter { !$0.text.isEmpty })
    }
}
