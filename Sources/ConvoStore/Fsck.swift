import Foundation
import GRDB
import GRDBSQLite

/// One problem `fsck` found.
public struct FsckProblem: Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem: `hash-mismatch`, `unreadable`, `missing`, `wrong-kind`, `bad-ref`, `stale-index`
    /// (a derived table — `turn_index` and its blob references, `search_doc`, `turn_search` — disagrees with the objects).
    public var kind: String
    /// The object or ref concerned.
    public var subject: String
    /// A sentence for a person.
    public var detail: String

    public var description: String { "\(kind) \(subject): \(detail)" }
}

/// What `fsck` checked and found.
public struct FsckReport: Equatable, Sendable {
    /// Objects re-hashed.
    public var objects = 0
    /// Of which turns.
    public var turns = 0
    /// Of which blobs.
    public var blobs = 0
    /// Refs checked (HEAD and branches).
    public var refs = 0
    /// Everything wrong, in the order found.
    public var problems: [FsckProblem] = []
}

extension StoreReader {
    /// Re-hashes every object, decodes every turn, and checks every reference, ref, reflog entry and the index.
    public func fsck(progress: (Int) -> Void = { _ in }) throws -> FsckReport {
        var report = FsckReport()
        // Keyed by inline ids: hashing an ObjectID (a heap array) or Data was a tenth of fsck on 100,000 turns.
        var kinds = [CompactID: ObjectKind]()
        var turns = [(ObjectID, Turn)]()
        // Objects whose bytes are wrong: the index rows of turns using them are not compared (the index may
        // be the only right copy; rebuilding it from damaged texts would spread the damage).
        var damaged = Set<CompactID>()
        // Each turn's index row is compared as soon as the turn is read, while the packs holding it and its texts
        // are still inflated in the reader's cache (compared after the pass, every pack was inflated twice:
        // zlib was a fifth of fsck); what is found is reported after the other checks, as before, once the
        // damaged objects are all known.
        var indexProblems = [(turn: CompactID, blobs: [ObjectID], problem: FsckProblem)]()
        // Packed objects come grouped by pack, so that each pack is inflated once.
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, kind, size, data, pack, offset FROM object ORDER BY pack, offset")
        while let row = try cursor.next() {
            report.objects += 1
            if report.objects % 10_000 == 0 { progress(report.objects) }
            // safe: the object's id column is its primary key; a value of another type reads as no bytes.
            let rawID = Data.fromDatabaseValue(row[0] as DatabaseValue? ?? .null) ?? Data()
            guard let id = ObjectID(bytes: rawID) else {
                report.problems.append(.init(kind: "unreadable", subject: Hex.encode(rawID), detail: "id is not 32 bytes"))
                continue
            }
            let key = CompactID(id)
            let kind: ObjectKind
            do {
                kind = try Self.objectKind(row, id: id.hex)
            } catch {
                report.problems.append(.init(kind: "unreadable", subject: id.hex, detail: "\(error)"))
                continue
            }
            kinds[key] = kind
            let bytes: [UInt8]
            do {
                bytes = try objectBytes(row, id: id.hex, cache: packCache)
            } catch {
                damaged.insert(key)
                report.problems.append(.init(kind: "unreadable", subject: id.hex, detail: "\(error)"))
                continue
            }
            let actual = ObjectID.hashing(kind: kind, payload: bytes)
            if actual != id {
                damaged.insert(key)
                report.problems.append(.init(kind: "hash-mismatch", subject: id.hex, detail: "content hashes to \(actual.hex)"))
            }
            switch kind {
            case .blob:
                report.blobs += 1
            case .turn:
                report.turns += 1
                let turn: Turn
                do {
                    let canonical: Bool
                    (turn, canonical) = try Turn.decode(bytes)
                    if !canonical, let detail = turn.canonicalDifference(from: bytes) {
                        report.problems.append(.init(kind: "non-canonical", subject: id.hex, detail: detail))
                    }
                } catch {
                    report.problems.append(.init(kind: "unreadable", subject: id.hex, detail: "\(error)"))
                    continue
                }
                turns.append((id, turn))
                if let problem = try indexRowProblem(id, turn) { indexProblems.append((key, turn.blobReferences, problem)) }
            }
        }
        func expect(_ id: ObjectID, _ kind: ObjectKind, from subject: String, as role: String) {
            switch kinds[CompactID(id)] {
            case nil:
                report.problems.append(.init(kind: "missing", subject: subject, detail: "\(role) \(id.hex) is not in the database"))
            case let actual? where actual != kind:
                report.problems.append(.init(kind: "wrong-kind", subject: subject, detail: "\(role) \(id.hex) is a \(actual.rawValue), not a \(kind.rawValue)"))
            default:
                break
            }
        }
        for (id, turn) in turns {
            if let parent = turn.parent { expect(parent, .turn, from: id.hex, as: "parent") }
            for blob in turn.blobReferences { expect(blob, .blob, from: id.hex, as: "blob") }
        }
        if try Row.fetchOne(db, sql: "SELECT 1 FROM ref WHERE name = 'HEAD'") == nil {
            report.problems.append(.init(
                kind: "bad-ref", subject: "HEAD",
                detail: "HEAD is missing, so every other command fails; restore it with sqlite3: INSERT INTO ref(name, symbolic) VALUES ('HEAD', 'refs/heads/main')"))
        }
        for row in try Row.fetchAll(db, sql: "SELECT name, target, symbolic FROM ref") {
            report.refs += 1
            let name = try row.required("name", in: "ref", as: String.self)
            if let data = try row.stored("target", in: "ref", as: Data.self) {
                guard let id = ObjectID(bytes: data) else {
                    report.problems.append(.init(kind: "bad-ref", subject: name, detail: "target is not an id"))
                    continue
                }
                expect(id, .turn, from: name, as: "target")
            } else if let symbolic = try row.stored("symbolic", in: "ref", as: String.self), name == "HEAD" {
                if !symbolic.hasPrefix("refs/heads/") || BranchName.gitViolation(in: String(symbolic.dropFirst(11))) != nil {
                    report.problems.append(.init(kind: "bad-ref", subject: name, detail: "points at '\(symbolic)', not a branch"))
                }
            }
        }
        let branchNames = try String.fetchAll(db, sql: "SELECT name FROM ref WHERE name LIKE 'refs/heads/%'").map { String($0.dropFirst(11)) }
        for spellings in BranchName.spellingCollisions(branchNames) {
            report.problems.append(.init(
                kind: "bad-ref", subject: "refs/heads/" + spellings[0],
                detail: "\(spellings.count) branches have this name in different Unicode spellings (NFC and NFD); convo now keeps names in NFC and will not merge them: keep one, e.g. 'convo branch -D' the other after checking 'convo log' of each"))
        }
        for entry in try reflog(nil) {
            for id in [entry.old, entry.new].compactMap({ $0 }) where kinds[CompactID(id)] == nil {
                report.problems.append(.init(kind: "missing", subject: "reflog \(entry.ref)", detail: "entry \(entry.sequence) names \(id.hex), which is not in the database"))
            }
        }
        let indexed = Set(try Data.fetchAll(db, sql: "SELECT id FROM turn_index").compactMap { CompactID($0) })
        let stored = Set(turns.map { CompactID($0.0) })
        let stale = indexed.symmetricDifference(stored).count
        if stale > 0 {
            report.problems.append(.init(kind: "stale-index", subject: "turn_index", detail: "\(stale) entries disagree with the turn objects; run 'convo fsck --rebuild-index'"))
        }
        // A generation is one more than its parent's (1 for a first turn, NULL under an unindexed ancestor).
        let wrongGenerations = format < 6 ? 0 : try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM turn_index t LEFT JOIN turn_index p ON p.id = t.parent
            WHERE t.generation IS NOT (CASE WHEN t.parent IS NULL THEN 1 ELSE p.generation + 1 END)
            """) ?? 0
        if wrongGenerations > 0 {
            report.problems.append(.init(
                kind: "stale-index", subject: "turn_index",
                detail: "\(wrongGenerations) entries have a wrong generation; run 'convo fsck --rebuild-index'"))
        }
        // The order of log --all kept with each row (HistoryOrder).
        let wrongOrders = format < HistoryOrder.format ? 0 : try HistoryOrder.staleRows(db)
        if wrongOrders > 0 {
            report.problems.append(.init(
                kind: "stale-index", subject: "turn_index",
                detail: "\(wrongOrders) entries have a wrong history order; run 'convo fsck --rebuild-index'"))
        }
        for (turn, blobs, problem) in indexProblems
        where !damaged.contains(turn) && !blobs.contains(where: { damaged.contains(CompactID($0)) }) {
            report.problems.append(problem)
        }
        try checkDerivedTables(turns, into: &report)
        return report
    }

    /// What is wrong with the `turn_index` row of turn `id` against what the turn object (and its texts) say the
    /// row must hold, if anything. No row is the stale-index count's to report; a missing text is reported as missing.
    private func indexRowProblem(_ id: ObjectID, _ turn: Turn) throws -> FsckProblem? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(TurnSummary.columns) FROM turn_index WHERE id = ?"), arguments: [Data(id.bytes)]) else { return nil }
        let actual: TurnSummary
        do { actual = try TurnSummary(row: row) } catch {
            return .init(kind: "stale-index", subject: id.hex, detail: "its turn_index row is unreadable: \(error)")
        }
        let texts: (input: String, output: String)
        do { texts = try searchTexts(of: turn) } catch { return nil }
        var expected = TurnSummary(turn, id: id, inputText: texts.input, outputText: texts.output)
        // Rows written before the index kept prefixes of long lines (before TurnBlobs.format's migration) hold them whole.
        if expected.inputLineIsPrefix, !actual.inputLineIsPrefix, actual.inputLine == Summary.firstLine(texts.input) {
            (expected.inputLine, expected.inputLineIsPrefix) = (actual.inputLine, false)
        }
        if expected.outputLineIsPrefix, !actual.outputLineIsPrefix, actual.outputLine == Summary.firstLine(texts.output) {
            (expected.outputLine, expected.outputLineIsPrefix) = (actual.outputLine, false)
        }
        var columns = expected.differingColumns(from: actual)
        if format >= ReplayTokens.format {
            let stored = try Int64?.fetchOne(db.cachedStatement(sql: "SELECT replay_tokens FROM turn_index WHERE id = ?"), arguments: [Data(id.bytes)]).flatMap { $0 }
            do {
                if try ReplayTokens.estimate(turn, size: textSize) != stored { columns.append("replay_tokens") }
            } catch {}  // a missing text is reported as missing
        }
        if columns.isEmpty { return nil }
        return .init(
            kind: "stale-index", subject: id.hex,
            detail: "its turn_index row disagrees with the turn object in \(columns.joined(separator: ", ")); run 'convo fsck --rebuild-index'")
    }

    /// Compares the turns' blob references (`turn_index.blobs`) and the search index with the turn objects.
    private func checkDerivedTables(_ turns: [(ObjectID, Turn)], into report: inout FsckReport) throws {
        func stale(_ table: String, missing: Int, extra: Int) {
            guard missing + extra > 0 else { return }
            report.problems.append(.init(
                kind: "stale-index", subject: table,
                detail: "\(missing) rows missing and \(extra) rows too many for the turn objects; run 'convo fsck --rebuild-index'"))
        }
        // turn_index.blobs (turn_blobs, turn_blob in older formats): every (turn, blob) pair the rows hold against the references
        // the turn objects hold, both as sorted pairs of inline ids (sets of Data keyed by Data hashed every id).
        var expected = [(turn: CompactID, blob: CompactID)]()
        var createdAt = [CompactID: Int64]()
        for (id, turn) in turns {
            let key = CompactID(id)
            for blob in turn.blobReferences { expected.append((key, CompactID(blob))) }
            createdAt[key] = turn.createdAt
        }
        var actual = [(turn: CompactID, blob: CompactID)]()
        var missing = 0, extra = 0
        try TurnBlobs.forEachRow(db, format: format) { turn, blobs in
            // A row that is not what the writer writes, or a value that is not a 32-byte id, is no turn's reference.
            guard let blobs, let key = CompactID(turn) else { return extra += 1 }
            for blob in blobs {
                if let blob = CompactID(blob) { actual.append((key, blob)) } else { extra += 1 }
            }
        }
        let (absent, surplus) = Self.differences(Self.sortedUnique(expected), Self.sortedUnique(actual))
        missing += absent
        extra += surplus
        stale(TurnBlobs.place(format: format), missing: missing, extra: extra)

        // The search index: one document per turn, with the turn's time, in its time bucket's range or after it
        // (a full bucket's documents go after every other), known to FTS5.
        var documents = [CompactID: Int]()
        missing = 0
        extra = 0
        let layout = try SearchDocument.Layout.of(db)
        // From format 13 a document names its turn's row; one naming no row is no turn's document.
        let documentRows = switch layout {
        case .rows: "SELECT d.docid, t.id, d.created_at FROM search_doc d LEFT JOIN turn_index t ON t.n = d.turn"
        case .buckets: "SELECT docid, turn, created_at FROM search_doc"
        case .seconds: "SELECT docid, turn FROM search_doc"
        }
        try forEachRow(documentRows) { handle in
            let docid = try Self.integerColumn(handle, 0, "docid", in: "search_doc")
            if layout == .rows, sqlite3_column_type(handle, 1) == SQLITE_NULL {
                extra += 1  // names no row of turn_index
                return
            }
            guard let turn = try Self.idColumn(handle, 1, "turn", in: "search_doc"), let time = createdAt[turn] else {
                extra += 1
                return
            }
            documents[turn, default: 0] += 1
            switch layout {
            case .buckets, .rows:
                let stored = try Self.integerColumn(handle, 2, "created_at", in: "search_doc")
                if stored == time && docid >= SearchDocument.range(time).lowerBound { return }
            case .seconds:
                if (docid >> 24) == SearchDocument.base(time) { return }
            }
            extra += 1
        }
        for (id, _) in turns where documents[CompactID(id)] == nil { missing += 1 }
        extra += documents.values.reduce(0) { $0 + max($1 - 1, 0) }
        stale("search_doc", missing: missing, extra: extra)
        let unknownToFTS = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM search_doc d WHERE NOT EXISTS (SELECT 1 FROM turn_search_docsize z WHERE z.id = d.docid)
            """) ?? 0
        let unknownDocuments = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM turn_search_docsize z WHERE NOT EXISTS (SELECT 1 FROM search_doc d WHERE d.docid = z.id)
            """) ?? 0
        stale("turn_search", missing: unknownToFTS, extra: unknownDocuments)
    }

    /// Runs `body` on each row of `sql`, read through SQLite's C interface (GRDB's rows wrap each blob in a `Data`).
    private func forEachRow(_ sql: String, _ body: (OpaquePointer) throws -> Void) throws {
        let statement = try db.makeStatement(sql: sql)
        let handle = statement.sqliteStatement
        defer { sqlite3_reset(handle) }
        while case let step = sqlite3_step(handle), step != SQLITE_DONE {
            guard step == SQLITE_ROW else { throw DatabaseError(resultCode: ResultCode(rawValue: step), message: String(cString: sqlite3_errmsg(db.sqliteConnection)), sql: sql) }
            try body(handle)
        }
    }

    /// The id in a column the schema declares NOT NULL, nil when its bytes are not 32 long; a NULL or a number is
    /// damage, reported as ``Row/required(_:in:as:)`` reports it.
    private static func idColumn(_ handle: OpaquePointer, _ column: Int32, _ name: String, in table: String) throws -> CompactID? {
        switch sqlite3_column_type(handle, column) {
        case SQLITE_BLOB, SQLITE_TEXT:
            let bytes = sqlite3_column_blob(handle, column)
            guard sqlite3_column_bytes(handle, column) == 32, let bytes else { return nil }
            return CompactID(UnsafeBufferPointer(start: bytes.assumingMemoryBound(to: UInt8.self), count: 32))
        default:
            _ = try required(handle, column, name, in: table, as: Data.self)  // throws: NULL, or a number
            return nil
        }
    }

    /// An integer column the schema declares NOT NULL, read as GRDB reads an `Int64`.
    private static func integerColumn(_ handle: OpaquePointer, _ column: Int32, _ name: String, in table: String) throws -> Int64 {
        if sqlite3_column_type(handle, column) == SQLITE_INTEGER { return sqlite3_column_int64(handle, column) }
        return try required(handle, column, name, in: table, as: Int64.self)
    }

    /// The column's value through GRDB, with ``Row/required(_:in:as:)``'s errors (the rare path: damage).
    private static func required<Value: DatabaseValueConvertible>(
        _ handle: OpaquePointer, _ column: Int32, _ name: String, in table: String, as _: Value.Type
    ) throws -> Value {
        let value = DatabaseValue(sqliteStatement: handle, index: column)
        if value.isNull {
            throw StoreError.corruptDatabase(path: "\(table) table", detail: "a row's \(name) is NULL; the store was edited or damaged")
        }
        guard let decoded = Value.fromDatabaseValue(value) else {
            throw StoreError.corruptDatabase(
                path: "\(table) table", detail: "a row's \(name) holds \(value), not a \(Value.self); the store was edited or damaged")
        }
        return decoded
    }

    /// `pairs` sorted, each once.
    private static func sortedUnique(_ pairs: [(turn: CompactID, blob: CompactID)]) -> [(turn: CompactID, blob: CompactID)] {
        var sorted = pairs.sorted { ($0.turn, $0.blob) < ($1.turn, $1.blob) }
        var kept = 0
        for index in sorted.indices where kept == 0 || sorted[index] != sorted[kept - 1] {
            sorted[kept] = sorted[index]
            kept += 1
        }
        sorted.removeSubrange(kept...)
        return sorted
    }

    /// How many of the sorted, unique `expected` are not in `actual`, and how many of `actual` not in `expected`.
    private static func differences(
        _ expected: [(turn: CompactID, blob: CompactID)], _ actual: [(turn: CompactID, blob: CompactID)]
    ) -> (missing: Int, extra: Int) {
        var missing = 0, extra = 0, i = 0, j = 0
        while i < expected.count || j < actual.count {
            if j == actual.count || (i < expected.count && (expected[i].turn, expected[i].blob) < (actual[j].turn, actual[j].blob)) {
                missing += 1
                i += 1
            } else if i == expected.count || (actual[j].turn, actual[j].blob) < (expected[i].turn, expected[i].blob) {
                extra += 1
                j += 1
            } else {
                i += 1
                j += 1
            }
        }
        return (missing, extra)
    }
}
