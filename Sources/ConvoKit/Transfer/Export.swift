import ConvoStore
import Foundation

/// Export formats.
public enum ExportFormat: String, CaseIterable, Sendable {
    /// One JSON object a line; imports back to the same turn ids.
    case jsonl
    /// A readable transcript.
    case markdown
}

extension Transcript {
    /// Writes the history ending at `revision` (default HEAD), or every turn any branch or HEAD reaches,
    /// oldest first, one line or section at a time.
    public static func export(
        _ workspace: Workspace, revision: String?, all: Bool, format: ExportFormat, write: (String) -> Void
    ) throws {
        try workspace.repository.read { reader in
            let turnIDs: [ObjectID]
            var tips = [ObjectID: [String]]()
            let head = try reader.head()
            if all {
                var roots = Set(try reader.branches().map(\.tip))
                if let tip = head.tip { roots.insert(tip) }
                let reachable = try reader.reachableTurns(from: roots)
                turnIDs = TopologicalOrder.newestFirst(try reader.allSummaries().filter { reachable.contains($0.id) }).reversed().map(\.id)
                for (branch, tip) in try reader.branches() { tips[tip, default: []].append(branch.rawValue) }
            } else {
                let start = try reader.resolve(revision ?? "HEAD")
                turnIDs = try reader.ancestry(of: start).reversed().map(\.id)
                if revision == nil, let branch = head.branch { tips[start] = [branch.rawValue] }
                else if let revision, let branch = try? BranchName(revision), try reader.target(of: branch.refName) == start {
                    tips[start] = [branch.rawValue]
                }
            }
            var lineOf = [ObjectID: Int]()
            for (index, id) in turnIDs.enumerated() {
                let turn = try reader.turn(id)
                switch format {
                case .jsonl:
                    var line = try jsonLine(turn, id: id, reader: reader, lineOf: lineOf)
                    if let names = tips[id] {
                        line["conversation"] = .string(names[0])
                        if names.count > 1 { line["branches"] = .array(names.dropFirst().map(JSONValue.string)) }
                    }
                    write(line.canonical + "\n")
                case .markdown:
                    write(try markdown(turn, id: id, reader: reader, refs: tips[id] ?? [], first: index == 0))
                }
                lineOf[id] = index
            }
        }
    }

    private static func jsonLine(_ turn: Turn, id: ObjectID, reader: StoreReader, lineOf: [ObjectID: Int]) throws -> [String: JSONValue] {
        let details = try TurnDetails(reader, id: id, turn: turn, refs: [])
        let (input, output) = (details.input, details.output)
        let userText = input.newestUserMessage?.text ?? ""
        let outputText = details.outputText
        var line: [String: JSONValue] = [
            "id": .string(id.hex), "input": .string(userText), "output": .string(outputText),
            "created_at": .string(Timestamps.format(turn.createdAt)), "status": .string(turn.response.status),
        ]
        if let parent = turn.parent {
            line["parent"] = lineOf[parent].map { .int(Int64($0)) } ?? .string(parent.hex)
        } else {
            line["parent"] = .null
        }
        if input != [DraftMessage(role: "user", text: userText)] {
            line["input_items"] = .array(input.map(\.json))
        }
        if output != [DraftOutputItem(type: "message", role: "assistant", text: outputText)] {
            line["output_items"] = .array(output.map(\.json))
        }
        line["model"] = turn.request.model.map(JSONValue.string)
        line["instructions"] = details.instructions.map(JSONValue.string)
        if !turn.request.parameters.isEmpty { line["parameters"] = .object(turn.request.parameters) }
        line["previous_response_id"] = turn.request.previousResponseID.map(JSONValue.string)
        line["response_id"] = turn.response.id.map(JSONValue.string)
        line["response_model"] = turn.response.model.map(JSONValue.string)
        line["usage"] = turn.response.usage?.json
        line["raw_response"] = details.raw.map(JSONValue.string)
        line["error"] = turn.response.error.map(JSONValue.string)
        line["origin"] = turn.origin.map(JSONValue.string)
        if turn.stored { line["stored"] = .bool(true) }
        if turn.replay { line["replay"] = .bool(true) }
        if turn.fetched { line["fetched"] = .bool(true) }
        return line
    }

    private static func markdown(_ turn: Turn, id: ObjectID, reader: StoreReader, refs: [String], first: Bool) throws -> String {
        var text = first ? "# Conversation\n\n" : ""
        let decoration = refs.isEmpty ? "" : " (\(refs.joined(separator: ", ")))"
        text += "## Turn \(id.abbreviated())\(decoration)\n\n"
        var facts = [Timestamps.format(turn.createdAt)]
        if let model = turn.response.model ?? turn.request.model { facts.append("model \(model)") }
        if let response = turn.response.id { facts.append("response `\(response)`") }
        text += "_\(facts.joined(separator: " · "))_\n\n"
        if first, let instructions = turn.request.instructions {
            text += "**Instructions:**\n\n\(try reader.text(instructions))\n\n"
        }
        if let user = turn.request.newestUserMessage {
            text += "**User:**\n\n\(try reader.text(user.content))\n\n"
            // A Markdown file stands alone: attachments are linked as data: URLs (or their own URL).
            for stored in user.attachments {
                let attachment = try reader.attachment(stored)
                let target = attachment.url ?? attachment.bytes.map {
                    "data:\(attachment.mediaType);base64,\(Data($0).base64EncodedString())"
                } ?? ""
                text += "\(attachment.kind == "image" ? "!" : "")[\(attachment.name)](\(target))\n\n"
            }
        }
        text += "**Assistant:**\n\n\(try reader.answer(of: turn))\n\n"
        return text
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The canonical JSON text of this object.
    var canonical: String { JSONValue.object(self).canonicalString }
}
