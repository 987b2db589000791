import ArgumentParser
import ConvoKit
import ConvoStore

struct Show: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show one turn in full: request, answer, usage.",
        discussion: """
            On a terminal the text goes through a pager (see --no-pager); --json and --raw never page.

            Examples:
              convo show
              convo show HEAD~2
              convo --no-pager show travel
              convo show resp_68c9f0e1 --json
              convo show --raw | jq .usage
              convo show -o > answer.md
            """)

    @Argument(help: "The turn (default HEAD).", completion: DynamicCompletion.revision) var revision: String = "HEAD"
    @Flag(help: "Print the turn as one JSON object.") var json = false
    @Flag(help: "Print the server's own JSON response as recorded.") var raw = false
    @Flag(name: [.customShort("o"), .customLong("output-only")], help: "Print only the answer, exactly as the model wrote it (never paged).")
    var outputOnly = false
    @OptionGroup var colors: ColorOptions
    @OptionGroup var pager: PagerOptions

    func validate() throws {
        if outputOnly && (json || raw) { throw ValidationError("give one of --output-only, --json and --raw") }
    }

    func run(_ context: CommandContext) async throws {
        let details = try Inspection.show(context.workspace(.readOnly), revision)
        if outputOnly {
            // The bytes as they are, for `> answer.md` and the clipboard; on a terminal control characters show.
            context.out.write(context.style.block(details.outputText))
        } else if raw {
            guard let body = details.raw else {
                throw ConvoError.invalidOption("turn \(details.id.abbreviated()) has no recorded server response (it was imported)")
            }
            context.out.line(body)
        } else if json {
            context.json(Self.json(details))
        } else {
            let text = render(details, style: context.style(colors.color), now: Int64(context.environment.now().timeIntervalSince1970))
            try context.paging(!pager.noPager) { $0.out.write(text) }
        }
    }

    func render(_ details: TurnDetails, style: Style, now: Int64) -> String {
        let turn = details.turn
        var lines = [style.id("turn \(details.id.hex)") + LogRenderer(style: style).decoration(details.refs)]
        if let parent = turn.parent { lines.append("Parent:   \(parent.hex)") }
        lines.append("Date:     \(Timestamps.format(turn.createdAt))")
        if let model = turn.request.model {
            let answered = turn.response.model.flatMap { $0 == model ? nil : " (answered by \(style.text($0)))" } ?? ""
            lines.append("Model:    \(style.text(model))\(answered)")
        } else if let model = turn.response.model {
            lines.append("Model:    \(style.text(model))")
        }
        if let response = turn.response.id {
            var facts = [turn.stored ? "stored" : "not stored"]
            if let origin = turn.origin { facts.append("origin \(style.text(origin))") }
            lines.append("Response: \(style.text(response)) (\(facts.joined(separator: ", ")))")
            lines.append("Server:   \(style.text(details.remote.describe(now: now)))")
        }
        lines.append("Status:   \(style.text(turn.response.status))" + (turn.response.error.map { ": \(style.text($0))" } ?? ""))
        if let usage = turn.response.usage {
            let cached = usage.cachedTokens.map { " (\($0) cached)" } ?? ""
            lines.append("Tokens:   \(usage.inputTokens) in\(cached) / \(usage.outputTokens) out")
        }
        if turn.replay { lines.append("Replay:   the whole history was sent instead of previous_response_id") }
        if turn.fetched { lines.append("Fetched:  brought in from the server by 'convo fetch'") }
        if !turn.request.parameters.isEmpty {
            let parameters = turn.request.parameters.sorted { $0.key < $1.key }
            lines.append("Params:   " + style.text(parameters.map { "\($0.key)=\($0.value.canonicalString)" }.joined(separator: " ")))
        }
        var text = lines.joined(separator: "\n") + "\n"
        if let instructions = details.instructions { text += "\nInstructions:\n" + indent(style.block(instructions)) }
        let user = details.input.newestUserMessage
        let earlier = details.input.count - 1
        if earlier > 0 { text += "\n" + style.dim("(\(earlier) earlier message\(earlier == 1 ? "" : "s") sent with this turn)") + "\n" }
        if let user { text += "\nUser:\n" + indent(style.block(user.text)) }
        text += "\nAssistant:\n" + indent(style.block(details.outputText))
        return text
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n") + "\n"
    }

    static func json(_ details: TurnDetails) -> JSONValue {
        let turn = details.turn
        var object: [String: JSONValue] = [
            "id": .string(details.id.hex), "parent": turn.parent.map { .string($0.hex) } ?? .null,
            "created_at": .string(Timestamps.format(turn.createdAt)), "status": .string(turn.response.status),
            "stored": .bool(turn.stored), "replay": .bool(turn.replay), "fetched": .bool(turn.fetched),
            "refs": .array(details.refs.map(JSONValue.string)),
            "input": .array(details.input.map(\.json)),
            "output": .string(details.outputText),
            "output_items": .array(details.output.map(\.json)),
            "parameters": .object(turn.request.parameters),
        ]
        object["model"] = turn.request.model.map(JSONValue.string) ?? .null
        object["response_model"] = turn.response.model.map(JSONValue.string) ?? .null
        object["response_id"] = turn.response.id.map(JSONValue.string) ?? .null
        object["previous_response_id"] = turn.request.previousResponseID.map(JSONValue.string) ?? .null
        object["origin"] = turn.origin.map(JSONValue.string) ?? .null
        object["instructions"] = details.instructions.map(JSONValue.string) ?? .null
        object["error"] = turn.response.error.map(JSONValue.string) ?? .null
        object["usage"] = turn.response.usage?.json ?? .null
        object["remote"] = details.remote.json
        return .object(object)
    }
}
