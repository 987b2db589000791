import Foundation
import GRDB

/// The derived tables beside `turn_index` (whose `blobs` column, `turn_blobs` before format 13, says which texts a
/// turn references): the search index (`search_doc` and the FTS5 table `turn_search`). Every path that writes a turn writes them in the same
/// transaction (``StoreWriter/insert(_:)``), the v2 migration fills them for older repositories, `prune`
/// removes a pruned turn's rows, and ``StoreWriter/rebuildIndex()`` recreates them from the turn objects.
enum SearchDocument {
    /// A docid is a time bucket's number shifted by `counterBits`, plus a counter within the bucket: documents of
    /// one bucket get neighbouring docids, so that FTS5, which stores each word's documents as varint gaps between
    /// docids, mostly stores one-byte gaps (docids of `created_at · 2^24` cost 4–5 bytes a gap, nearly half the
    /// index). Buckets are `2^bucketBits` seconds (about 12 days); within one, the search orders documents by
    /// their time read from `search_doc`, so newest-first order does not depend on the order turns were written.
    static let bucketBits: Int64 = 20
    static let counterBits: Int64 = 20
    /// Times are clamped to ±2^38 seconds (beyond year 10,000), so that a docid always fits 63 bits.
    static let limit: Int64 = 1 << 38

    /// `createdAt` within the times a docid can hold.
    static func base(_ createdAt: Int64) -> Int64 { min(max(createdAt, -limit), limit - 1) }

    /// The time bucket of `createdAt`.
    static func bucket(_ createdAt: Int64) -> Int64 { base(createdAt) >> bucketBits }

    /// The docids of documents created in the bucket of `createdAt`; a full bucket's documents go after every
    /// existing docid instead, so a docid's range holds only documents created before the range's bucket ends.
    static func range(_ createdAt: Int64) -> ClosedRange<Int64> {
        let first = bucket(createdAt) << counterBits
        return first...(first + (1 << counterBits) - 1)
    }

    /// How a repository numbers its documents: in time buckets, or (before format 6, still read as it is by
    /// reading commands) `created_at · 2^24` plus a counter, where the docid alone gives the time; and how a
    /// document names its turn: by the number of its `turn_index` row (`rows`, from format 13) or by its id.
    enum Layout {
        case rows
        case buckets
        case seconds

        /// The layout of the open database: whether `search_doc` keeps times, and its `turn` column's type.
        static func of(_ db: Database) throws -> Layout {
            let columns = try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info('search_doc')")
            guard columns.contains(where: { ($0["name"] as String?) == "created_at" }) else { return .seconds }
            return columns.contains { ($0["name"] as String?) == "turn" && ($0["type"] as String?)?.uppercased() == "INTEGER" }
                ? .rows : .buckets
        }

        /// Whether `search_doc` keeps each document's time.
        var keepsTimes: Bool { self != .seconds }

        /// The query of a document's turn id by its docid.
        var turnOfDocument: String {
            self == .rows
                ? "SELECT t.id FROM search_doc d JOIN turn_index t ON t.n = d.turn WHERE d.docid = ?"
                : "SELECT turn FROM search_doc WHERE docid = ?"
        }

        /// Every document with a docid up to `docid` was created before this time (unix seconds): the end of
        /// the bucket (or second) whose range holds `docid`.
        func createdBefore(docid: Int64) -> Int64 {
            switch self {
            case .buckets, .rows: ((docid >> SearchDocument.counterBits) + 1) << SearchDocument.bucketBits
            case .seconds: (docid >> 24) + 1
            }
        }
    }
}

/// Puts search documents read newest docid first into newest-first order of time (ties: the later written
/// first). A docid's range bounds the times of every smaller docid (``SearchDocument/Layout/createdBefore(docid:)``),
/// so a document is handed out as soon as no document still unread can be newer: for a query of single words
/// only the documents of the newest bucket or two are read, not every match.
struct NewestFirst {
    private let next: () throws -> Int64?
    private let time: (Int64) throws -> Int64
    private let layout: SearchDocument.Layout
    private var lookahead: Int64?
    private var started = false
    /// Documents read but not yet handed out, oldest first (the newest is taken from the end).
    private var held: [(docid: Int64, createdAt: Int64)] = []

    /// `next` gives docids in descending order; `time` a docid's creation time.
    init(layout: SearchDocument.Layout, next: @escaping () throws -> Int64?, time: @escaping (Int64) throws -> Int64) {
        self.layout = layout
        self.next = next
        self.time = time
    }

    /// The next docid in newest-first order, nil after the last.
    mutating func pop() throws -> Int64? {
        if !started {
            started = true
            lookahead = try next()
        }
        while true {
            if let newest = held.last, lookahead.map({ newest.createdAt >= layout.createdBefore(docid: $0) }) ?? true {
                held.removeLast()
                return newest.docid
            }
            guard let docid = lookahead else { return nil }
            let createdAt = try time(docid)
            let index = held.firstIndex { ($0.createdAt, $0.docid) > (createdAt, docid) } ?? held.endIndex
            held.insert((docid, createdAt), at: index)
            lookahead = try next()
        }
    }
}

extension TurnSummary {
    /// The `turn_index` row a stored turn gets, from the turn and its texts: what ``StoreWriter/index`` writes
    /// and what fsck expects.
    init(_ turn: Turn, id: ObjectID, inputText: String, outputText: String) {
        self.init(turn, id: id, firstLines: (Summary.firstLine(inputText), Summary.firstLine(outputText)))
    }

    /// The row from the turn and the first lines of its texts (``Summary/firstLine(_:)``), kept as the index keeps them.
    init(_ turn: Turn, id: ObjectID, firstLines: (input: String, output: String)) {
        self.init(
            id: id, parent: turn.parent, createdAt: turn.createdAt, model: (turn.response.model ?? turn.request.model).map(Summary.indexedField),
            responseID: turn.response.id.map(Summary.indexedField), status: Summary.indexedField(turn.response.status),
            origin: turn.origin.map(Summary.indexedField), stored: turn.stored, replay: turn.replay,
            inputTokens: turn.response.usage?.inputTokens, outputTokens: turn.response.usage?.outputTokens,
            inputLine: "", outputLine: "")
        (inputLine, inputLineIsPrefix) = Summary.storedLine(firstLines.input)
        (outputLine, outputLineIsPrefix) = Summary.storedLine(firstLines.output)
    }

    /// The index columns in which `other` differs from this row.
    func differingColumns(from other: TurnSummary) -> [String] {
        var columns = [String]()
        if id != other.id { columns.append("id") }
        if parent != other.parent { columns.append("parent") }
        if createdAt != other.createdAt { columns.append("created_at") }
        if model != other.model { columns.append("model") }
        if responseID != other.responseID { columns.append("response_id") }
        if status != other.status { columns.append("status") }
        if origin != other.origin { columns.append("origin") }
        if stored != other.stored { columns.append("stored") }
        if replay != other.replay { columns.append("replay") }
        if inputTokens != other.inputTokens { columns.append("input_tokens") }
        if outputTokens != other.outputTokens { columns.append("output_tokens") }
        if (inputLine, inputLineIsPrefix) != (other.inputLine, other.inputLineIsPrefix) { columns.append("input_line") }
        if (outputLine, outputLineIsPrefix) != (other.outputLine, other.outputLineIsPrefix) { columns.append("output_line") }
        return columns
    }
}

extension StoreReader {
    /// The first kept turn whose parent in `turn_index` is not the parent its object names, if any: gc plans
    /// from the index, so it must not prune when the index could make a reachable turn look unreachable.
    func turnWhoseIndexedParentDisagrees(among kept: Set<Data>, parents: [Data: Data]) throws -> ObjectID? {
        let ids = try Data.fetchAll(db, sql: "SELECT id FROM object WHERE kind = 'turn' ORDER BY pack, offset")
        for key in ids where kept.contains(key) {
            guard let id = ObjectID(bytes: key) else { continue }
            if try turn(id).parent.map({ Data($0.bytes) }) != parents[key] { return id }
        }
        return nil
    }

    /// The texts a turn is searched by: its newest user message and its answer (the same texts the index's
    /// first lines come from).
    func searchTexts(of turn: Turn) throws -> (input: String, output: String) {
        let input = try turn.request.newestUserMessage.map { try text($0.content) } ?? ""
        let output = try turn.response.output.compactMap(\.content).map { try text($0) }.joined()
        return (input, output)
    }

    /// The search document of turn `id` (created at `createdAt`), if it has one.
    func searchDocID(of id: ObjectID, createdAt: Int64, layout: SearchDocument.Layout = .rows) throws -> Int64? {
        switch layout {
        case .rows:
            return try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT docid FROM search_doc WHERE created_at = ? AND turn = (SELECT n FROM turn_index WHERE id = ?)"),
                arguments: [createdAt, Data(id.bytes)])
        case .seconds:
            return try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT docid FROM search_doc WHERE docid BETWEEN ? AND ? AND turn = ?"),
                arguments: [SearchDocument.base(createdAt) << 24, (SearchDocument.base(createdAt) << 24) + (1 << 24) - 1, Data(id.bytes)])
        case .buckets:
            break
        }
        return try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT docid FROM search_doc WHERE created_at = ? AND turn = ?"),
            arguments: [createdAt, Data(id.bytes)])
    }

    /// Whether `turn_index` and its blob references cover exactly the stored turns, so that gc may trust them. Cheap
    /// checks only: counts, and a look at the turns that have no blob references (a turn may reference no text).
    func derivedTablesCoverEveryTurn() throws -> Bool {
        let objects = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM object WHERE kind = 'turn'") ?? 0
        let indexed = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM turn_index") ?? 0
        guard objects == indexed else { return false }
        let strays = try Int.fetchOne(db, sql: """
            SELECT COUNT(*) FROM turn_index t WHERE NOT EXISTS (SELECT 1 FROM object o WHERE o.id = t.id AND o.kind = 'turn')
            """) ?? 0
        guard strays == 0 else { return false }
        let withoutBlobs = try Data.fetchAll(db, sql: format >= TurnBlobs.columnFormat ? "SELECT id FROM turn_index WHERE blobs IS NULL" : """
            SELECT id FROM turn_index t WHERE NOT EXISTS (SELECT 1 FROM \(format < TurnBlobs.format ? "turn_blob" : "turn_blobs") b WHERE b.turn = t.id)
            """)
        for key in withoutBlobs {
            guard let id = ObjectID(bytes: key), try turn(id).blobReferences.isEmpty else { return false }
        }
        return true
    }
}

extension StoreWriter {
    /// Writes the search document of a stored turn (unless it has one already); its index row is written first.
    func indexDerived(_ turn: Turn, id: ObjectID, inputText: String, outputText: String) throws {
        let key = Data(id.bytes)
        let compact = CompactID(id)
        // A turn `put` just appended without a lookup is new to the repository (whose object table began this
        // write empty), so it has no document yet: the lookup below was one query for each of an import's turns.
        let new = packer?.appendedUnlookedUp == compact
        packer?.appendedUnlookedUp = nil
        if !new {
            if packer?.pendingSearchTurns.contains(compact) == true { return }
            if try read.searchDocID(of: id, createdAt: turn.createdAt) != nil { return }
        }
        let docid = try allocateDocID(createdAt: turn.createdAt)
        if let packer {
            packer.pendingSearchTurns.insert(compact)
            packer.pendingDocuments.append((docid, compact, turn.createdAt))
            packer.pendingSearch.append((docid, inputText, outputText))
            packer.pendingSearchBytes += inputText.utf8.count + outputText.utf8.count
            if packer.pendingSearchBytes >= Packer.searchBatchBytes { try packer.finishSearch(db) }
        } else {
            try Self.insertSearchDocument(db, docid: docid, turn: key, createdAt: turn.createdAt, input: inputText, output: outputText)
        }
    }

    /// The next free docid in the bucket of `createdAt`, counting documents held back by a bulk write.
    private func allocateDocID(createdAt: Int64) throws -> Int64 {
        let range = SearchDocument.range(createdAt)
        if let next = packer?.nextDocID[range.lowerBound] {
            packer?.nextDocID[range.lowerBound] = next + 1
            return next
        }
        let highest = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT MAX(docid) FROM search_doc WHERE docid BETWEEN ? AND ?"),
            arguments: [range.lowerBound, range.upperBound])
        var next = highest.map { $0 + 1 } ?? range.lowerBound
        if next > range.upperBound {
            // More than 2^20 turns in one bucket: take a number after every existing one instead.
            let maximum = try Int64.fetchOne(db, sql: "SELECT MAX(docid) FROM search_doc") ?? range.upperBound
            next = max(maximum, packer?.nextDocID.values.max() ?? maximum) + 1
        }
        packer?.nextDocID[range.lowerBound] = next + 1
        return next
    }

    /// The insert of a search document, naming its turn's row by the turn's id (the row is written first).
    static let insertDocumentSQL = "INSERT INTO search_doc(docid, turn, created_at) VALUES (?, (SELECT n FROM turn_index WHERE id = ?), ?)"

    static func insertSearchDocument(_ db: Database, docid: Int64, turn: Data, createdAt: Int64, input: String, output: String) throws {
        try db.cachedStatement(sql: insertDocumentSQL).execute(arguments: [docid, turn, createdAt])
        try db.cachedStatement(sql: "INSERT INTO turn_search(rowid, input, output) VALUES (?, ?, ?)")
            .execute(arguments: [docid, Summary.bytes(input), Summary.bytes(output)])
    }

    /// Removes a turn's search document (before its index row, which the document names). A contentless FTS5 table
    /// forgets a document only when given the texts it indexed, so they are read from the turn's blobs, which must
    /// still exist.
    func removeDerived(_ id: ObjectID) throws {
        guard let turn = try? read.turn(id), let docid = try read.searchDocID(of: id, createdAt: turn.createdAt) else { return }
        let texts = try read.searchTexts(of: turn)
        try db.cachedStatement(sql: "INSERT INTO turn_search(turn_search, rowid, input, output) VALUES ('delete', ?, ?, ?)")
            .execute(arguments: [docid, Summary.bytes(texts.input), Summary.bytes(texts.output)])
        try db.cachedStatement(sql: "DELETE FROM search_doc WHERE docid = ?").execute(arguments: [docid])
    }

    /// Fills the index and the other derived tables from every turn object, in one pass that inflates each turn
    /// and its texts once. Rows are held back and inserted in key order, as bulk writes do. Returns the number
    /// of turns.
    @discardableResult
    func fillDerivedTables() throws -> Int {
        let bulk = StoreWriter(db: db, now: now, packer: packer ?? Packer())
        // Object order groups packed objects by pack, so that each pack is inflated once.
        let ids = try Data.fetchAll(db, sql: "SELECT id FROM object WHERE kind = 'turn' ORDER BY pack, offset").compactMap { ObjectID(bytes: $0) }
        let reader = read  // one reader, so that its pack cache serves consecutive turns
        for id in ids {
            let turn = try reader.turn(id)
            let texts = try reader.searchTexts(of: turn)
            let tokens = try ReplayTokens.estimate(turn) { try reader.textSize($0) }
            try bulk.index(turn, id: id, inputText: texts.input, outputText: texts.output, replayTokens: tokens)
        }
        try bulk.packer?.finish(db)
        return ids.count
    }
}

/// A turn's blob references as the index keeps them: the ids of the blobs it references, 32 bytes each, ascending,
/// without repeats, in one value (a row per reference cost 80 bytes of the table, issue 11): the `blobs` column of its
/// `turn_index` row (from format 13), before that a row of `turn_blobs` (from format 11).
enum TurnBlobs {
    /// The format from which `turn_blobs` replaces `turn_blob` (a row per reference): its migration's place.
    static let format = Schema.migrations.firstIndex { $0.name.hasSuffix("one turn_blobs row a turn") }.map { $0 + 1 } ?? Schema.formatVersion
    /// The format from which the references are `turn_index.blobs` instead of `turn_blobs` rows.
    static let columnFormat = Schema.migrations.firstIndex { $0.name.hasSuffix("rows by number with their blobs") }.map { $0 + 1 } ?? Schema.formatVersion

    /// Where a format keeps the references, for messages: the table (or column) fsck --rebuild-index refills.
    static func place(format: Int) -> String {
        format >= columnFormat ? "turn_index.blobs" : format >= Self.format ? "turn_blobs" : "turn_blob"
    }

    /// Hands `body` every turn's blob references as stored: `turn_index.blobs`, or in a repository of an older format
    /// opened to read, its `turn_blobs` rows or `turn_blob` rows (one reference each). A `blobs` value that is not
    /// whole ids is nil.
    static func forEachRow(_ db: Database, format: Int, _ body: (_ turn: Data, _ blobs: [Data]?) throws -> Void) throws {
        if format < Self.format {
            let cursor = try Row.fetchCursor(db, sql: "SELECT turn, blob FROM turn_blob")
            while let row = try cursor.next() { try body(try row.required("turn", in: "turn_blob"), [try row.required("blob", in: "turn_blob")]) }
            return
        }
        let table = format >= columnFormat ? "turn_index" : "turn_blobs"
        let cursor = try Row.fetchCursor(
            db, sql: format >= columnFormat ? "SELECT id AS turn, blobs FROM turn_index WHERE blobs IS NOT NULL" : "SELECT turn, blobs FROM turn_blobs")
        while let row = try cursor.next() {
            let value: Data = try row.required("blobs", in: table)
            // Not whole ids, or not ascending without repeats: not what the writer writes.
            let ids = ids(value).flatMap { ids in Self.value(ids.compactMap { ObjectID(bytes: $0) }) == value ? ids : nil }
            try body(try row.required("turn", in: table), ids)
        }
    }

    /// The `blobs` value for `references`; nil when there are none (such a turn has no row).
    static func value(_ references: [ObjectID]) -> Data? {
        guard !references.isEmpty else { return nil }
        var value = Data()
        value.reserveCapacity(references.count * 32)
        for id in Set(references.map(CompactID.init)).sorted() { value += id.data }
        return value
    }

    /// The ids a `blobs` value holds; nil when its length is not a multiple of 32 (damage).
    static func ids(_ value: Data) -> [Data]? {
        guard value.count % 32 == 0 else { return nil }
        return stride(from: 0, to: value.count, by: 32).map { value.subdata(in: value.startIndex + $0 ..< value.startIndex + $0 + 32) }
    }
}
