import ArgumentParser
import ConvoKit
import Foundation

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
        let details = try Inspection.showResult(context.workspace(.read), revision)
        if outputOnly {
            // The bytes as they are, for `> answer.md` and the clipboard; on a terminal control characters show.
            context.out.write(context.style.block(details.outputText))
        } else if raw {
            guard let body = details.raw else {
                throw ConvoError.invalidOption("turn \(details.shortID) has no recorded server response (it was imported)")
            }
            context.out.line(body)
        } else if json {
            try context.json(details)
        } else {
            let text = render(details, style: context.style(colors.color), now: Int64(context.environment.now().timeIntervalSince1970))
            try context.paging(!pager.noPager) { $0.out.write(text) }
        }
    }

    func render(_ turn: ShowResult, style: Style, now: Int64) -> String {
        var lines = [style.id("turn \(turn.id)") + LogRenderer(style: style).decoration(turn.refs)]
        if let parent = turn.parent { lines.append("Parent:   \(parent)") }
        lines.append("Date:     \(Timestamps.format(turn.createdAt))")
        if let model = turn.model {
            let answered = turn.responseModel.flatMap { $0 == model ? nil : " (answered by \(style.text($0)))" } ?? ""
            lines.append("Model:    \(style.text(model))\(answered)")
        } else if let model = turn.responseModel {
            lines.append("Model:    \(style.text(model))")
        }
        if let response = turn.responseID {
            var facts = [turn.stored ? "stored" : "not stored"]
            if let origin = turn.origin { facts.append("origin \(style.text(origin))") }
            lines.append("Response: \(style.text(response)) (\(facts.joined(separator: ", ")))")
            lines.append("Server:   \(style.text(turn.remote.describe(now: now)))")
        }
        lines.append("Status:   \(style.text(turn.status))" + (turn.error.map { ": \(style.text($0))" } ?? ""))
        if let usage = turn.usage {
            let cached = usage.cached.map { " (\($0) cached)" } ?? ""
            let reasoning = usage.reasoning.flatMap { $0 > 0 ? " (\($0) reasoning)" : nil } ?? ""
            lines.append("Tokens:   \(usage.input) in\(cached) / \(usage.output) out\(reasoning)")
        }
        if let cost = turn.cost { lines.append("Cost:     \(cost)") }
        if turn.replay { lines.append("Replay:   the whole history was sent instead of previous_response_id") }
        if turn.fetched { lines.append("Fetched:  brought in from the server by 'convo fetch'") }
        if let context = turn.contextSummary { lines.append("Context:  " + style.text(context)) }
        if !turn.parameters.isEmpty {
            lines.append("Params:   " + style.text(turn.parameters.joined(separator: " ")))
        }
        var text = lines.joined(separator: "\n") + "\n"
        if let instructions = turn.instructions { text += "\nInstructions:\n" + indent(style.block(instructions)) }
        let earlier = turn.earlierMessages
        if earlier > 0 { text += "\n" + style.dim("(\(earlier) earlier message\(earlier == 1 ? "" : "s") sent with this turn)") + "\n" }
        if let user = turn.userText { text += "\nUser:\n" + indent(style.block(user)) }
        if !turn.attachments.isEmpty {
            text += "\nAttachments:\n" + turn.attachments.map { attachment in
                let id = attachment.id.map { " " + style.id(String($0.prefix(12))) } ?? ""
                let size = attachment.id == nil ? "" : ", \(attachment.size) bytes"
                return "    \(style.text(attachment.name)) (\(attachment.mediaType)\(size))\(id)\n"
            }.joined()
        }
        text += "\nAssistant:\n" + indent(style.block(turn.outputText))
        return text
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n") + "\n"
    }
}
