import ConvoStore
import Foundation
import ResponsesAPI

/// Compaction turns: a turn whose output is the server's compacted window (the opaque `compaction` item, and on
/// OpenAI the user messages it keeps) and whose `compaction` parameter says what it stands for. Replays from any
/// descendant send that window and the turns after it (``ReplayHistory/load(_:tip:)``).
enum Compaction {
    /// What a compaction turn says about itself (its `compaction` parameter).
    struct Record: Equatable {
        /// How many turns the item stands for.
        var turns: Int
        /// How many turns before the compaction turn (its parent and up) a replay still sends verbatim.
        var kept: Int
        /// The newest turn the item stands for.
        var through: String?

        /// The record of a compaction turn; nil for any other turn.
        init?(_ turn: Turn) {
            guard let object = turn.request.parameters["compaction"]?.objectValue,
                turn.response.output.contains(where: { $0.type == "compaction" })
            else { return nil }
            turns = Int(object["turns"]?.intValue ?? 0)
            kept = Int(max(0, object["kept"]?.intValue ?? 0))
            through = object["through"]?.stringValue
        }

        init(turns: Int, kept: Int, through: String?) {
            self.turns = turns
            self.kept = kept
            self.through = through
        }

        var json: JSONValue {
            var object: [String: JSONValue] = ["turns": .int(Int64(turns)), "kept": .int(Int64(kept))]
            if let through { object["through"] = .string(through) }
            return .object(object)
        }
    }

    /// What is wrong with an imported turn's compaction item or record, or nil: an item must be the server's JSON
    /// object (`type` compaction, a string `encrypted_content`), and a turn with a `compaction` record needs one.
    static func problem(output: [DraftOutputItem], parameters: [String: JSONValue]) -> String? {
        for (index, item) in output.enumerated() where item.type == "compaction" {
            // A compaction the server made inside an ordinary turn (OpenAI's context_management) keeps its item in
            // the recorded response, not as text.
            if item.text == nil, parameters["compaction"] == nil { continue }
            guard let text = item.text, let json = try? JSONValue.parse(text), json["type"]?.stringValue == "compaction",
                json["encrypted_content"]?.stringValue != nil
            else {
                return "output_items[\(index)] is a malformed compaction item: its text must be the server's JSON object with \"type\":\"compaction\" and a string \"encrypted_content\""
            }
        }
        guard let record = parameters["compaction"] else { return nil }
        guard let object = record.objectValue, object["turns"]?.intValue != nil, (object["kept"]?.intValue ?? -1) >= 0,
            output.contains(where: { $0.type == "compaction" })
        else {
            return "'parameters.compaction' must be {\"turns\": N, \"kept\": K} on a turn with a compaction item in output_items"
        }
        return nil
    }

    /// One `POST /responses/compact` of `messages`; a refusal is a ``ContextError/compactionRefused(_:)``.
    static func compactOnce(_ messages: [DraftMessage], client: any ResponsesService, model: String) async throws -> CompactedResponse {
        let input = messages.filter { !($0.role == "assistant" && $0.text.isEmpty) }.map(Attachments.input)
        do {
            return try await client.compact(CompactRequest(model: model, input: input))
        } catch {
            switch error {
            case .authentication, .missingAPIKey, .timeout, .streamTimedOut, .connectionFailed, .tls, .streamInterrupted: throw error
            default: throw ContextError.compactionRefused(error.description)
            }
        }
    }

    /// The `compaction` item a server put among an ordinary turn's output (OpenAI's `context_management`), as the
    /// JSON it sent, read from the turn's recorded response; nil when there is none.
    static func serverItem(of turn: Turn, _ reader: StoreReader) throws -> String? {
        guard Record(turn) == nil, turn.response.output.contains(where: { $0.type == "compaction" && $0.content == nil }),
            let raw = turn.response.raw, let response = try? JSONValue.parse(try reader.text(raw))
        else { return nil }
        return response["output"]?.arrayValue?.first { $0["type"]?.stringValue == "compaction" }?.canonicalString
    }

    /// `window` without as many of its oldest messages that are not compaction items as it takes to fit `room`
    /// tokens (it may still not fit), and how many went.
    static func trimmed(_ window: [DraftMessage], toFit room: Int) -> (messages: [DraftMessage], removed: Int) {
        var messages = window, size = TokenEstimate.of(window), removed = 0
        while size > room, let index = messages.firstIndex(where: { $0.role != ReplayHistory.compactionRole }) {
            size -= TokenEstimate.of([messages.remove(at: index)])
            removed += 1
        }
        return (messages, removed)
    }

    /// The window a replay sends for a compaction turn: kept messages as they were, the item under
    /// ``ReplayHistory/compactionRole``.
    static func window(of turn: Turn, _ reader: StoreReader) throws -> [DraftMessage] {
        try turn.response.output.compactMap { item in
            guard let content = item.content else { return nil }
            let text = try reader.text(content)
            return item.type == "compaction"
                ? DraftMessage(role: ReplayHistory.compactionRole, text: text)
                : DraftMessage(role: item.role ?? "user", text: text)
        }
    }

    /// Asks the server to compact `units` (oldest first; the first may be an earlier compaction's window) in pieces
    /// that each fit `budget`, and returns the draft of the compaction turn standing for them, whose parent is
    /// `parent` and which keeps `kept` turns before it verbatim.
    static func compact(
        _ units: [HistoryTurn], kept: Int, parent: ObjectID?, client: any ResponsesService, model: String,
        budget: Int?, origin: String, now: Int64
    ) async throws -> TurnDraft {
        // Pieces that each fit the budget together with the window so far.
        var chunks: [[HistoryTurn]] = [[]]
        var size = 0
        for unit in units {
            let unitSize = TokenEstimate.of(ReplayHistory.messages([unit]))
            if let budget, size + unitSize > budget / 2, !(chunks.last ?? []).isEmpty {
                chunks.append([])
                size = 0
            }
            chunks[chunks.count - 1].append(unit)
            size += unitSize
        }
        var window: [DraftMessage] = []
        var response: CompactedResponse?
        var usage = TokenUsage(inputTokens: 0, outputTokens: 0)
        for var chunk in chunks where !chunk.isEmpty {
            // An earlier compaction's window (the one made here, or the first unit's) may carry OpenAI's kept user
            // messages past the budget; its item stands for them, so the oldest go first.
            if let earlier = chunk.first?.window {
                window += earlier
                chunk.removeFirst()
            }
            let rest = ReplayHistory.messages(chunk)
            if let budget { window = trimmed(window, toFit: budget - TokenEstimate.of(rest)).messages }
            let answer = try await compactOnce(window + rest, client: client, model: model)
            window = answer.output.map { item in
                item.type == "compaction"
                    ? DraftMessage(role: ReplayHistory.compactionRole, text: item.json)
                    : DraftMessage(role: item.role ?? "user", text: item.text ?? "")
            }
            if let used = answer.usage {
                usage.inputTokens += Int64(used.inputTokens)
                usage.outputTokens = Int64(used.outputTokens)
            }
            response = answer
        }
        guard let response else { throw ContextError.nothingToCompact(parent?.abbreviated() ?? "HEAD") }
        let output = window.map { message in
            message.role == ReplayHistory.compactionRole
                ? DraftOutputItem(type: "compaction", id: (try? JSONValue.parse(message.text))?["id"]?.stringValue, text: message.text)
                : DraftOutputItem(type: "message", role: message.role, text: message.text)
        }
        let record = Record(turns: units.reduce(0) { $0 + $1.covers }, kept: kept, through: units.last?.id?.hex)
        // The input names what the turn is, so that log and show mark it (the compacted turns are its ancestors).
        let marker = "[compaction of \(record.turns) turn\(record.turns == 1 ? "" : "s")\(kept > 0 ? ", \(kept) kept verbatim" : "")]"
        return TurnDraft(
            parent: parent, model: model, input: [DraftMessage(role: "developer", text: marker)], parameters: ["compaction": record.json], responseID: response.id,
            status: "completed", output: output, usage: usage, raw: String(decoding: response.raw, as: UTF8.self),
            origin: origin, stored: false, createdAt: now)
    }
}

extension ResponsesService {
    /// `POST /responses/compact`; a service that does not offer it answers as a server without the endpoint.
    public func compact(_ request: CompactRequest) async throws(ResponsesAPIError) -> CompactedResponse {
        throw .endpointNotFound(url: "/responses/compact", message: "this service does not compact")
    }
}
