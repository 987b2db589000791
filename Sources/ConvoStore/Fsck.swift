import Foundation
import GRDB

/// One problem `fsck` found.
public struct FsckProblem: Equatable, Sendable, CustomStringConvertible {
    /// What kind of problem: `hash-mismatch`, `unreadable`, `missing`, `wrong-kind`, `bad-ref`, `stale-index`
    /// (a derived table — `turn_index`, `turn_blob`, `search_doc`, `turn_search` — disagrees with the objects).
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
        var kinds = [ObjectID: ObjectKind]()
        var turns = [(ObjectID, Turn)]()
        // Objects whose bytes are wrong: the index rows of turns using them are not compared (the index may
        // be the only right copy; rebuilding it from damaged texts would spread the damage).
        var damaged = Set<ObjectID>()
        // Packed objects come grouped by pack, so that each pack is inflated once.
        let cursor = try Row.fetchCursor(db, sql: "SELECT id, kind, size, data, pack, offset FROM object ORDER BY pack, offset")
        let packs = PackCache()
        while let row = try cursor.next() {
            report.objects += 1
            if report.objects % 10_000 == 0 { progress(report.objects) }
            // safe: the object's id column is its primary key; a value of another type reads as no bytes.
            let rawID = Data.fromDatabaseValue(row["id"] as DatabaseValue? ?? .null) ?? Data()
            guard let id = ObjectID(bytes: rawID) else {
                report.problems.append(.init(kind: "unreadable", subject: Hex.encode(rawID), detail: "id is not 32 bytes"))
                continue
            }
            let kind: ObjectKind
            do {
                kind = try Self.objectKind(row, id: id.hex)
            } catch {
                report.problems.append(.init(kind: "unreadable", subject: id.hex, detail: "\(error)"))
                continue
            }
            kinds[id] = kind
            let bytes: [UInt8]
            do {
                bytes = try objectBytes(row, id: id.hex, cache: packs)
            } catch {
                damaged.insert(id)
                report.problems.append(.init(kind: "unreadable", subject: id.hex, detail: "\(error)"))
                continue
            }
            let actual = ObjectID.hashing(kind: kind, payload: bytes)
            if actual != id {
                damaged.insert(id)
                report.problems.append(.init(kind: "hash-mismatch", subject: id.hex, detail: "content hashes to \(actual.hex)"))
            }
            switch kind {
            case .blob:
                report.blobs += 1
            case .turn:
                report.turns += 1
                do {
                    let (turn, canonical) = try Turn.decode(bytes)
                    if !canonical, let detail = turn.canonicalDifference(from: bytes) {
                        report.problems.append(.init(kind: "non-canonical", subject: id.hex, detail: detail))
                    }
                    turns.append((id, turn))
                } catch {
                    report.problems.append(.init(kind: "unreadable", subject: id.hex, detail: "\(error)"))
                }
            }
        }
        func expect(_ id: ObjectID, _ kind: ObjectKind, from subject: String, as role: String) {
            switch kinds[id] {
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
            for id in [entry.old, entry.new].compactMap({ $0 }) where kinds[id] == nil {
                report.problems.append(.init(kind: "missing", subject: "reflog \(entry.ref)", detail: "entry \(entry.sequence) names \(id.hex), which is not in the database"))
            }
        }
        let indexed = Set(try Data.fetchAll(db, sql: "SELECT id FROM turn_index").compactMap { ObjectID(bytes: $0) })
        let stored = Set(turns.map(\.0))
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
        try checkIndexRows(turns.filter { !damaged.contains($0.0) && damaged.isDisjoint(with: $0.1.blobReferences) }, into: &report)
        try checkDerivedTables(turns, into: &report)
        return report
    }

    /// Compares every `turn_index` row with what its turn object (and its texts) say the row must hold.
    private func checkIndexRows(_ turns: [(ObjectID, Turn)], into report: inout FsckReport) throws {
        for (id, turn) in turns {
            guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT \(TurnSummary.columns) FROM turn_index WHERE id = ?"), arguments: [Data(id.bytes)]) else { continue }
            let actual: TurnSummary
            do { actual = try TurnSummary(row: row) } catch {
                report.problems.append(.init(kind: "stale-index", subject: id.hex, detail: "its turn_index row is unreadable: \(error)"))
                continue
            }
            let texts: (input: String, output: String)
            do { texts = try searchTexts(of: turn) } catch { continue }  // a missing text is reported as missing above
            var expected = TurnSummary(turn, id: id, inputText: texts.input, outputText: texts.output)
            // Rows written before the index kept prefixes of long lines (before TurnBlobs.format's migration) hold them whole.
            if expected.inputLineIsPrefix, !actual.inputLineIsPrefix, actual.inputLine == Summary.firstLine(texts.input) {
                (expected.inputLine, expected.inputLineIsPrefix) = (actual.inputLine, false)
            }
            if expected.outputLineIsPrefix, !actual.outputLineIsPrefix, actual.outputLine == Summary.firstLine(texts.output) {
                (expected.outputLine, expected.outputLineIsPrefix) = (actual.outputLine, false)
            }
            let columns = expected.differingColumns(from: actual)
            if !columns.isEmpty {
                report.problems.append(.init(
                    kind: "stale-index", subject: id.hex,
                    detail: "its turn_index row disagrees with the turn object in \(columns.joined(separator: ", ")); run 'convo fsck --rebuild-index'"))
            }
        }
    }

    /// Compares `turn_blob` and the search index with the turn objects.
    private func checkDerivedTables(_ turns: [(ObjectID, Turn)], into report: inout FsckReport) throws {
        func stale(_ table: String, missing: Int, extra: Int) {
            guard missing + extra > 0 else { return }
            report.problems.append(.init(
                kind: "stale-index", subject: table,
                detail: "\(missing) rows missing and \(extra) rows too many for the turn objects; run 'convo fsck --rebuild-index'"))
        }
        // turn_blobs: the ids each turn's row holds against the references its object holds.
        var expected = [Data: Set<Data>]()
        var createdAt = [Data: Int64]()
        for (id, turn) in turns {
            expected[Data(id.bytes)] = Set(turn.blobReferences.map { Data($0.bytes) })
            createdAt[Data(id.bytes)] = turn.createdAt
        }
        var actual = [Data: Set<Data>]()
        var missing = 0, extra = 0
        try TurnBlobs.forEachRow(db, format: format) { turn, blobs in
            guard let blobs else { return extra += 1 }
            actual[turn, default: []].formUnion(blobs)
        }
        for (turn, blobs) in expected {
            let rows = actual[turn] ?? []
            missing += blobs.subtracting(rows).count
            extra += rows.subtracting(blobs).count
        }
        for (turn, rows) in actual where expected[turn] == nil { extra += rows.count }
        stale(format < TurnBlobs.format ? "turn_blob" : "turn_blobs", missing: missing, extra: extra)

        // The search index: one document per turn, with the turn's time, in its time bucket's range or after it
        // (a full bucket's documents go after every other), known to FTS5.
        var documents = [Data: Int]()
        missing = 0
        extra = 0
        let layout = try SearchDocument.Layout.of(db)
        for row in try Row.fetchAll(db, sql: layout == .buckets ? "SELECT docid, turn, created_at FROM search_doc" : "SELECT docid, turn FROM search_doc") {
            let docid: Int64 = try row.required("docid", in: "search_doc"), turn: Data = try row.required("turn", in: "search_doc")
            if createdAt[turn] != nil { documents[turn, default: 0] += 1 }
            if let time = createdAt[turn] {
                switch layout {
                case .buckets:
                    let stored: Int64 = try row.required("created_at", in: "search_doc")
                    if stored == time && docid >= SearchDocument.range(time).lowerBound { continue }
                case .seconds:
                    if (docid >> 24) == SearchDocument.base(time) { continue }
                }
            }
            extra += 1
        }
        for (id, _) in turns where documents[Data(id.bytes)] == nil { missing += 1 }
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
}
