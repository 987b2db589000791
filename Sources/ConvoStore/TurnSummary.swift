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
    /// they printed when the index kept every line whole. Without `input` (or `output`) that line is left as the
    /// index keeps it, still marked a prefix: `%s` needs no answer's text (issue 11).
    public func wholeLines(_ summary: TurnSummary, input: Bool = true, output: Bool = true) throws -> TurnSummary {
        guard (input && summary.inputLineIsPrefix) || (output && summary.outputLineIsPrefix) else { return summary }
        return try wholeLines([summary], input: input, output: output)[0]
    }

    /// ``wholeLines(_:input:output:)`` of many summaries, in their order. The turns are read in the order they are
    /// stored, then their texts in the order those are stored (turns and texts live in separate packs), so that each
    /// pack inflates once: `branch --json` on 10,000 branches read the tips in name order, a 256 KiB pack or two for
    /// each (issue 11). Both go backwards when the list does (its first turn stored after its last: a log, newest
    /// first), so that a walk reading its lines a run of turns at a time finds the packs where one run ends and the
    /// next begins still kept (``PackCache``), as when it read them one turn at a time. Objects are found in `places`
    /// when given (``placeTable(forLookups:)``), else through ``place(of:)``, and read in their pack; a turn's texts
    /// are found without decoding it (``TurnCoding/lineTexts(_:)``): per object, GRDB's row and the turn's decoding
    /// cost more than the inflating.
    public func wholeLines(_ summaries: [TurnSummary], input: Bool = true, output: Bool = true, places: PlaceTable? = nil) throws -> [TurnSummary] {
        var turns = [(place: ObjectPlace, index: Int)]()
        for index in summaries.indices where (input && summaries[index].inputLineIsPrefix) || (output && summaries[index].outputLineIsPrefix) {
            let id = summaries[index].id
            guard let place = try places?.place(of: id) ?? place(of: id) else { throw StoreError.objectNotFound(id) }
            guard place.kind == .turn else { throw StoreError.notATurn(id.hex, kind: place.kind) }
            turns.append((place, index))
        }
        guard !turns.isEmpty else { return summaries }
        let backwards = turns[turns.count - 1].place.order < turns[0].place.order
        func inOrder(_ a: ObjectPlace, _ b: ObjectPlace) -> Bool { backwards ? b.order < a.order : a.order < b.order }
        if turns.count > 1 { turns.sort { inOrder($0.place, $1.place) } }

        // The texts each line needs: the newest user message's, or the answer's items' (joined, in item order).
        // A text shared by two lines is found and read twice (rare: the pack is kept by then).
        var needs = [(place: ObjectPlace, id: ObjectID, index: Int, item: Int)]()  // item -1: the input
        needs.reserveCapacity(turns.count)
        var items = [Int: [String]]()  // the texts of answers of several items, by summary
        for (place, index) in turns {
            let summary = summaries[index]
            let (inputText, outputTexts) = try withBytes(of: place, id: summary.id) { bytes in
                if let found = TurnCoding.lineTexts(bytes) { return found }
                let turn = try Turn(canonicalBytes: Array(bytes))
                return (turn.request.newestUserMessage?.content, turn.response.output.compactMap(\.content))
            }
            if input, summary.inputLineIsPrefix, let inputText { needs.append((try textPlace(inputText, places), inputText, index, -1)) }
            if output, summary.outputLineIsPrefix {
                for (item, id) in outputTexts.enumerated() { needs.append((try textPlace(id, places), id, index, item)) }
                if outputTexts.count > 1 { items[index] = Array(repeating: "", count: outputTexts.count) }
            }
        }
        if needs.count > 1 { needs.sort { inOrder($0.place, $1.place) } }

        var result = summaries
        for (_, index) in turns {
            if input, result[index].inputLineIsPrefix {
                result[index].inputLine = ""
                result[index].inputLineIsPrefix = false
            }
            if output, result[index].outputLineIsPrefix {
                result[index].outputLine = ""
                result[index].outputLineIsPrefix = false
            }
        }
        for (place, id, index, item) in needs {
            if item == -1 {
                result[index].inputLine = try withBytes(of: place, id: id) { Summary.firstLine($0) }
            } else if items[index] != nil {
                items[index]![item] = try withBytes(of: place, id: id) { String(decoding: $0, as: UTF8.self) }
            } else {
                result[index].outputLine = try withBytes(of: place, id: id) { Summary.firstLine($0) }
            }
        }
        for (index, texts) in items { result[index].outputLine = Summary.firstLine(texts.joined()) }
        return result
    }

    /// Where text `id` is stored, with the errors ``text(_:)`` throws.
    private func textPlace(_ id: ObjectID, _ places: PlaceTable?) throws -> ObjectPlace {
        guard let place = try places?.place(of: id) ?? place(of: id) else { throw StoreError.objectNotFound(id) }
        guard place.kind == .blob else { throw StoreError.corruptObject(detail: "\(id.hex) is a \(place.kind.rawValue), expected a blob") }
        return place
    }
}
