import ArgumentParser
import ConvoKit
import Foundation

struct Export: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write the history as JSON Lines (lossless) or Markdown.",
        discussion: """
            JSON Lines exports import back to the same turn ids.

            Examples:
              convo export > main.jsonl
              convo export --all > everything.jsonl
              convo export travel --format markdown > travel.md
            """)

    @Argument(help: "The last turn to export (default HEAD).", completion: DynamicCompletion.revision) var revision: String?
    @Flag(help: "Every turn any branch or HEAD reaches.") var all = false
    @Option(help: "jsonl (default) or markdown.") var format: String = "jsonl"
    @Flag(help: "The same as --format jsonl: one JSON object per turn.") var json = false

    func validate() throws {
        if all && revision != nil { throw ValidationError("give a revision or --all, not both") }
        if json && format != "jsonl" { throw ValidationError("--json writes JSON Lines; it cannot be combined with --format \(format)") }
        if ExportFormat(rawValue: format) == nil { throw ValidationError("--format must be jsonl or markdown, not '\(format)'") }
    }

    func run(_ context: CommandContext) async throws {
        var buffer = ""
        try Transcript.export(context.workspace(.read), revision: revision, all: all, format: ExportFormat(rawValue: format)!) { text in
            buffer += text
            if buffer.utf8.count > 1 << 16 {
                context.out.write(buffer)
                buffer = ""
            }
        }
        context.out.write(buffer)
    }
}
