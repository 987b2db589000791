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
        let chosen = ExportFormat(rawValue: format)!
        // Markdown read on a terminal shows the stored texts' control characters instead of obeying them, as
        // every command does; JSON Lines escapes them itself, and a pipe or a file gets the exact bytes.
        let visible = chosen == .markdown && context.style.escapes ? VisibleStream() : nil
        var buffer = ""
        try Transcript.export(context.workspace(.read), revision: revision, all: all, format: chosen) { text in
            buffer += text
            if buffer.utf8.count > 1 << 16 {
                context.out.write(visible?.next(buffer) ?? buffer)
                buffer = ""
            }
        }
        context.out.write(visible.map { $0.next(buffer) + $0.finish() } ?? buffer)
    }
}
