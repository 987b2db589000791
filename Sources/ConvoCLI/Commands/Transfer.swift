import ArgumentParser
import ConvoKit
import ConvoStore
import Foundation

struct Import: ConvoCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import turns from a JSON Lines transcript (one turn a line), all or nothing.",
        discussion: """
            Each line: {"input": "...", "output": "..."} and optionally conversation, parent, model, \
            instructions, created_at, response_id, usage. Lines with the same conversation chain in file \
            order and end on branch <conversation>; lines without one continue the current branch. \
            Any invalid line rejects the whole file and leaves the repository unchanged.

            Examples:
              convo import chats.jsonl
              convo export --all | convo -C ../other import -
            """)

    @Argument(help: "A .jsonl file, or - for standard input.", completion: .file(extensions: ["jsonl"])) var file: String
    @Flag(help: "Print the result as JSON.") var json = false

    func run(_ context: CommandContext) async throws {
        let workspace = try context.workspace()
        let data: Data
        if file == "-" {
            data = context.environment.input.readAll()
        } else {
            let url = context.environment.path(file)
            do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
                throw ConvoError.unreadableFile(path: file, reason: (error as NSError).localizedDescription)
            }
        }
        let result = try Transcript.importLines(workspace, data: data, source: file == "-" ? "stdin" : file)
        if json {
            context.json(.object([
                "lines": .int(Int64(result.lines)), "new_turns": .int(Int64(result.newTurns)),
                "branches": .object(result.branches.mapValues { .string($0) }),
            ]))
        } else {
            context.err.line("imported \(result.lines) lines: \(result.newTurns) new turns")
            let moved = result.branches.sorted(by: { $0.key < $1.key })
            for (branch, tip) in moved.prefix(10) {
                context.err.line("  \(branch) -> \(tip.prefix(7))")
            }
            if moved.count > 10 { context.err.line("  … and \(moved.count - 10) more branches ('convo branch' lists them)") }
        }
    }
}

struct Export: ConvoCommand {
    static let configuration = CommandConfiguration(
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
        try Transcript.export(context.workspace(), revision: revision, all: all, format: ExportFormat(rawValue: format)!) { text in
            buffer += text
            if buffer.utf8.count > 1 << 16 {
                context.out.write(buffer)
                buffer = ""
            }
        }
        context.out.write(buffer)
    }
}
