import Foundation
import GRDB

extension StoreReader {
    /// Conversations smaller than this are searched turn by turn; larger ones by filtering all matches.
    static let turnByTurnLimit = 500
    /// Candidates checked for phrases at a time, at least (more when more matches are still wanted).
    static let checkBatch = 50

    /// The newest `limit` turns in `scope` whose input or answer matches `query`, with snippets.
    ///
    /// The index (`turn_search`) is contentless and keeps no positions (`detail=none`): it answers which
    /// documents hold every word of the query, newest first because docids grow with time. It cannot tell
    /// whether words stand together as a phrase, nor in which text they are, so the texts of the candidates
    /// are indexed again in a private in-memory FTS5 table with positions and the same tokenizer, which
    /// checks the whole query, says which text matched and makes the snippets. When every term of the query
    /// is a single word the index's answer is already exact and only the shown turns are read; otherwise
    /// candidates are checked newest first until `limit` of them match, and the total is then a lower bound
    /// unless every candidate was checked.
    public func search(_ query: SearchQuery, scope: SearchScope, limit: Int) throws -> SearchResults {
        let scratch = try DatabaseQueue()
        let words = try Self.words(of: query, in: scratch)
        guard let words else { return SearchResults(hits: [], total: 0) }
        let indexExpression = words.expression
        let layout = try SearchDocument.Layout.of(db)
        // Docids in descending order (from the index, or the scope's documents), with what is known of them.
        var docids: () throws -> Int64? = { nil }
        var known = [Int64: (turn: ObjectID, createdAt: Int64)]()
        var count = 0
        try translatingQueryErrors(query) {
            switch scope {
            case .everything:
                let cursor = try Int64.fetchCursor(
                    db, sql: "SELECT rowid FROM turn_search WHERE turn_search MATCH ? ORDER BY rowid DESC", arguments: [indexExpression])
                docids = { try cursor.next() }
                count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM turn_search WHERE turn_search MATCH ?", arguments: [indexExpression]) ?? 0
            case .ancestry(let start):
                var documents = [Int64]()
                for summary in try ancestry(of: start) {
                    if let docid = try searchDocID(of: summary.id, createdAt: summary.createdAt, layout: layout) {
                        documents.append(docid)
                        known[docid] = (summary.id, summary.createdAt)
                    }
                }
                documents.sort(by: >)
                var candidates = [Int64]()
                if documents.count <= Self.turnByTurnLimit {
                    let matches = try db.cachedStatement(sql: "SELECT 1 FROM turn_search WHERE turn_search MATCH ? AND rowid = ?")
                    for docid in documents where try Int.fetchOne(matches, arguments: [indexExpression, docid]) != nil {
                        candidates.append(docid)
                    }
                } else {
                    let cursor = try Int64.fetchCursor(
                        db, sql: "SELECT rowid FROM turn_search WHERE turn_search MATCH ? ORDER BY rowid DESC", arguments: [indexExpression])
                    while let docid = try cursor.next() {
                        if known[docid] != nil { candidates.append(docid) }
                    }
                }
                count = candidates.count
                var iterator = candidates.makeIterator()
                docids = { iterator.next() }
            }
        }
        let reading = try db.cachedStatement(sql: layout.keepsTimes ? "SELECT created_at FROM search_doc WHERE docid = ?" : "SELECT NULL")
        var order = NewestFirst(layout: layout, next: docids) { docid in
            if let time = known[docid]?.createdAt { return time }
            if layout.keepsTimes, let time = try Int64.fetchOne(reading, arguments: [docid]) { return time }
            // The old layout's docid is its time; a document search_doc lacks (a stale index) sorts last in its range.
            return layout == .seconds ? docid >> 24 : layout.createdBefore(docid: docid) - 1
        }
        // Check candidates newest first, in batches, until `limit` match (with a single-word query, the
        // first `limit` candidates all match unless the index is stale).
        var hits = [SearchHit]()
        var checked = 0
        var found = 0
        var round = 0
        var exhausted = false
        try translatingQueryErrors(query) {
            while !exhausted && hits.count < limit {
                // Batches double (50, 100, … 3,200): a rare phrase reads thousands of candidates, and a bigger batch
                // lets `snippets` read them in storage order, inflating each pack once instead of once per turn.
                let size = words.exact ? limit - hits.count : max(2 * (limit - hits.count), Self.checkBatch << min(round, 6))
                round += 1
                var batch = [(Int64, ObjectID)]()
                for _ in 0..<size {
                    guard let docid = try order.pop() else {
                        exhausted = true
                        break
                    }
                    checked += 1
                    if let turn = try known[docid]?.turn ?? searchDocTurn(docid, layout: layout) { batch.append((docid, turn)) }
                }
                let matching = try snippets(batch, expression: query.ftsExpression, in: scratch)
                found += matching.count
                hits += matching.prefix(limit - hits.count)
            }
        }
        if words.exact {
            return SearchResults(hits: hits, total: max(count - (checked - found), hits.count))
        }
        let exact = exhausted || checked == count
        return SearchResults(hits: hits, total: found, totalIsExact: exact, candidates: exact ? found : count - (checked - found))
    }

    /// The turn of a search document.
    private func searchDocTurn(_ docid: Int64, layout: SearchDocument.Layout) throws -> ObjectID? {
        try Data.fetchOne(db.cachedStatement(sql: layout.turnOfDocument), arguments: [docid])
            .flatMap { ObjectID(bytes: $0) }
    }

    /// The words of a query as the index's tokenizer splits and folds them, as an FTS5 expression of
    /// single words the index can answer (`"my" "name" "colos"*`), and whether that expression matches
    /// exactly the query (every term is one word). Nil when a term holds no word the tokenizer keeps,
    /// so that nothing can match.
    static func words(of query: SearchQuery, in scratch: DatabaseQueue) throws -> (expression: String, exact: Bool)? {
        try scratch.write { db in
            try db.execute(sql: """
                CREATE VIRTUAL TABLE q USING fts5(t, tokenize = 'unicode61 remove_diacritics 2');
                CREATE VIRTUAL TABLE qv USING fts5vocab(q, 'instance');
                """)
            for (index, term) in query.terms.enumerated() {
                try db.execute(sql: "INSERT INTO q(rowid, t) VALUES (?, ?)", arguments: [index + 1, term.text])
            }
            var tokens = [[String]](repeating: [], count: query.terms.count)
            for row in try Row.fetchAll(db, sql: "SELECT doc, term FROM qv ORDER BY doc, offset") {
                let doc: Int = row[0]
                tokens[doc - 1].append(row[1])
            }
            defer { try? db.execute(sql: "DROP TABLE qv; DROP TABLE q") }
            guard tokens.allSatisfy({ !$0.isEmpty }) else { return nil }
            var parts = [String]()
            for (term, words) in zip(query.terms, tokens) {
                for (index, word) in words.enumerated() {
                    parts.append("\"" + word.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                        + (term.prefix && index == words.count - 1 ? "*" : ""))
                }
            }
            return (parts.joined(separator: " "), tokens.allSatisfy { $0.count == 1 })
        }
    }

    /// Runs `body`, turning SQLite's complaints about a MATCH expression into a query error.
    private func translatingQueryErrors(_ query: SearchQuery, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            throw StoreError.invalidSearchQuery(query.text, reason: error.message ?? "SQLite cannot read it")
        }
    }

    /// The candidates whose texts match the whole query, in their order, with snippets. A candidate whose
    /// texts do not match (a phrase whose words are apart, or a stale index) is left out.
    private func snippets(_ candidates: [(docid: Int64, turn: ObjectID)], expression: String, in scratch: DatabaseQueue) throws -> [SearchHit] {
        guard !candidates.isEmpty else { return [] }
        let open: Character = "\u{1}", close: Character = "\u{2}"
        let found: [Int64: (matched: [SearchSide], side: SearchSide, snippet: String)] = try scratch.write { scratch in
            try scratch.execute(sql: "CREATE VIRTUAL TABLE s USING fts5(input, output, tokenize = 'unicode61 remove_diacritics 2')")
            defer { try? scratch.execute(sql: "DROP TABLE s") }
            // Newest-first candidates jump between packs (imports pack by conversation, time interleaves them);
            // reading them in storage order inflates each pack once per batch.
            let location = try db.cachedStatement(sql: "SELECT pack, offset FROM object WHERE id = ?")
            let stored = try candidates.map { candidate -> (candidate: (docid: Int64, turn: ObjectID), pack: Int64, offset: Int64) in
                let row = try Row.fetchOne(location, arguments: [Data(candidate.turn.bytes)])
                // Only an ordering hint: a damaged row's value of another type sorts last instead of ending the process.
                func number(_ column: String) -> Int64? { Int64.fromDatabaseValue(row?[column] as DatabaseValue? ?? .null) }
                return (candidate, number("pack") ?? Int64.max, number("offset") ?? 0)
            }
            for (candidate, _, _) in stored.sorted(by: { ($0.pack, $0.offset) < ($1.pack, $1.offset) }) {
                let texts = try searchTexts(of: try turn(candidate.turn))
                // As blobs, as the index gets them: GRDB binds a String as a C string, which ends at a NUL.
                try scratch.execute(
                    sql: "INSERT INTO s(rowid, input, output) VALUES (?, ?, ?)",
                    arguments: [candidate.docid, Summary.bytes(texts.input), Summary.bytes(texts.output)])
            }
            var found = [Int64: (matched: [SearchSide], side: SearchSide, snippet: String)]()
            // Snippets come back as blobs too: GRDB reads TEXT as a C string.
            let rows = try Row.fetchAll(scratch, sql: """
                SELECT rowid, CAST(snippet(s, -1, ?1, ?2, '…', 16) AS BLOB) AS best,
                    CAST(snippet(s, 0, ?1, ?2, '…', 16) AS BLOB) AS input, CAST(snippet(s, 1, ?1, ?2, '…', 16) AS BLOB) AS output
                FROM s WHERE s MATCH ?3
                """, arguments: [String(open), String(close), expression])
            for row in rows {
                // safe: the scratch table is ours; its columns hold these types.
                let best = Summary.text(row["best"]) ?? "", input = Summary.text(row["input"]) ?? "",
                    output = Summary.text(row["output"]) ?? ""
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
