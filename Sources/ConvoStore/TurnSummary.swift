import Foundation
import GRDB

/// A turn as the derived index knows it: enough for `log` without decompressing anything.
public struct TurnSummary: Equatable, Sendable {
    /// The turn's id.
    public var id: ObjectID
    /// Its parent, nil for a first turn.
    public var parent: ObjectID?
    /// Unix seconds.
    public var createdAt: Int64
    /// The model that answered.
    public var model: String?
    /// The server's response id.
    public var responseID: String?
    /// Response status.
    public var status: String
    /// The API base URL the response id belongs to.
    public var origin: String?
    /// Whether the server was asked to store it.
    public var stored: Bool
    /// Whether it was sent as a replay.
    public var replay: Bool
    /// Input tokens billed.
    public var inputTokens: Int64?
    /// Output tokens billed.
    public var outputTokens: Int64?
    /// First line of the newest user message: whole, or its first ``Summary/keptCharacters`` characters when
    /// ``inputLineIsPrefix`` (the index keeps a prefix of a long line; ``StoreReader/wholeLines(_:)`` reads the rest).
    public var inputLine: String
    /// First line of the answer: whole, or a prefix when ``outputLineIsPrefix``.
    public var outputLine: String
    /// Whether ``inputLine`` is only the start of a longer line.
    public var inputLineIsPrefix = false
    /// Whether ``outputLine`` is only the start of a longer line.
    public var outputLineIsPrefix = false

    /// Creates a summary (the index builds these; tests and layouts may too).
    public init(
        id: ObjectID, parent: ObjectID?, createdAt: Int64, model: String?, responseID: String?, status: String, origin: String?,
        stored: Bool, replay: Bool, inputTokens: Int64?, outputTokens: Int64?, inputLine: String, outputLine: String
    ) {
        self.id = id
        self.parent = parent
        self.createdAt = createdAt
        self.model = model
        self.responseID = responseID
        self.status = status
        self.origin = origin
        self.stored = stored
        self.replay = replay
        self.inputTokens = inputTokens
        self.outputTokens = outputTokens
        self.inputLine = inputLine
        self.outputLine = outputLine
    }

    /// The columns ``init(row:)`` reads, in the order it reads them.
    static let columns = "id, parent, created_at, model, response_id, status, origin, stored, replay, input_tokens, output_tokens, input_line, output_line"

    /// A row of `turn_index` selected as ``columns``, read by position: GRDB's lookup by name lowercases the name
    /// for every column of every row (a visible share of `log --all --oneline`, issue 11). A row whose columns
    /// do not have their types is damage, reported, not a crash.
    init(row: Row) throws {
        // Selected as `columns`, so the row has exactly these 13; the guard keeps any other row from crashing.
        guard row.count == 13 else { throw StoreError.corruptDatabase(path: "turn_index", detail: "a row has \(row.count) columns, not 13") }
        func value(_ index: Int) -> DatabaseValue { row[index] as DatabaseValue? ?? .null }
        func damaged(_ column: String) -> StoreError {
            .corruptDatabase(path: "turn_index", detail: "a row's \(column) has the wrong type; run 'convo fsck --rebuild-index'")
        }
        guard let idBytes = Data.fromDatabaseValue(value(0)), let id = ObjectID(bytes: idBytes) else { throw damaged("id") }
        self.id = id
        parent = Data.fromDatabaseValue(value(1)).flatMap { ObjectID(bytes: $0) }
        guard let createdAt = Int64.fromDatabaseValue(value(2)) else { throw damaged("created_at") }
        guard let status = Summary.text(value(5)) else { throw damaged("status") }
        guard let stored = Bool.fromDatabaseValue(value(7)), let replay = Bool.fromDatabaseValue(value(8)) else {
            throw damaged("stored or replay")
        }
        guard let input = Summary.storedLine(value(11)), let output = Summary.storedLine(value(12)) else {
            throw damaged("input_line or output_line")
        }
        self.createdAt = createdAt
        model = Summary.text(value(3))
        responseID = Summary.text(value(4))
        self.status = status
        origin = Summary.text(value(6))
        self.stored = stored
        self.replay = replay
        inputTokens = Int64.fromDatabaseValue(value(9))
        outputTokens = Int64.fromDatabaseValue(value(10))
        (inputLine, inputLineIsPrefix) = input
        (outputLine, outputLineIsPrefix) = output
    }

    /// Whether both first lines are whole (else ``StoreReader/wholeLines(_:)`` completes them).
    public var hasWholeLines: Bool { !inputLineIsPrefix && !outputLineIsPrefix }

    /// The first line of the newest user message, shortened for a person to read: a kept prefix is longer than
    /// the shortened line, so it shortens to the same text as the whole line.
    public var shortInputLine: String { Summary.shortened(inputLine) }
    /// The first line of the answer, shortened for a person to read.
    public var shortOutputLine: String { Summary.shortened(outputLine) }

    /// `line` shortened to 50 characters with "…", as text output shows first lines.
    public static func shortened(_ line: String) -> String { Summary.shortened(line) }
}

extension StoreReader {
    /// `summary` with both first lines whole: a line the index keeps only the start of is read from the turn's
    /// texts (the same texts the index's lines come from), so `log --json`, `%s` and `branch --json` print what
    /// they printed when the index kept every line whole.
    public func wholeLines(_ summary: TurnSummary) throws -> TurnSummary {
        guard !summary.hasWholeLines else { return summary }
        let texts = try searchTexts(of: try turn(summary.id))
        var whole = summary
        if whole.inputLineIsPrefix {
            whole.inputLine = Summary.firstLine(texts.input)
            whole.inputLineIsPrefix = false
        }
        if whole.outputLineIsPrefix {
            whole.outputLine = Summary.firstLine(texts.output)
            whole.outputLineIsPrefix = false
        }
        return whole
    }

    /// ``wholeLines(_:)`` of many summaries, in their order, reading the turns in the order they are stored, so that
    /// turns (and their texts, written beside them) in one pack inflate it once: `branch --json` on 10,000 branches
    /// read the tips in name order, a 256 KiB pack or two for each (issue 11).
    public func wholeLines(_ summaries: [TurnSummary]) throws -> [TurnSummary] {
        let pending = summaries.indices.filter { !summaries[$0].hasWholeLines }
        guard pending.count > 1 else { return try summaries.map(wholeLines) }
        let locate = try db.cachedStatement(sql: "SELECT pack, offset FROM object WHERE id = ?")
        var located = [(pack: Int64, offset: Int64, index: Int)]()
        for index in pending {
            let row = try Row.fetchOne(locate, arguments: [Data(summaries[index].id.bytes)])
            // A loose object (no pack) sorts after the packed ones.
            located.append(((row?[0] as Int64?) ?? .max, (row?[1] as Int64?) ?? 0, index))
        }
        var result = summaries
        for item in located.sorted(by: { ($0.pack, $0.offset) < ($1.pack, $1.offset) }) {
            result[item.index] = try wholeLines(summaries[item.index])
        }
        return result
    }
}
