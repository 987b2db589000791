import ArgumentParser
import ConvoKit
import Foundation

struct Import: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import turns from a JSON Lines transcript (one turn a line), or llm's logs, all or nothing.",
        discussion: """
            Each line: {"input": "...", "output": "..."} and optionally conversation, parent, model, \
            instructions, created_at, response_id, usage. Lines with the same conversation chain in file \
            order and end on branch <conversation>; lines without one continue the current branch. \
            Any invalid line rejects the whole file and leaves the repository unchanged.

            --from-llm [PATH] imports the conversations of the llm CLI (simonw/llm) from its logs database \
            (default $LLM_USER_PATH/logs.db, else llm's folder under ~/.config, or ~/Library/Application \
            Support on macOS), both its older conversations/responses tables and the threads/turns tables of \
            llm 0.32 and later. Each conversation or thread becomes branch llm/<name>; its turns have origin \
            llm and were never stored on a server, so 'convo say' from there replays them. Importing the same \
            database again adds nothing; a conversation that grew since moves its branch forward.

            Examples:
              convo import chats.jsonl
              convo export --all | convo -C ../other import -
              convo import --from-llm
              convo import --from-llm ~/backup/logs.db --json
            """)

    @Argument(help: "A .jsonl file, or - for standard input; with --from-llm, llm's logs.db.", completion: .file())
    var file: String?
    @Flag(name: .customLong("from-llm"), help: "Import the llm CLI's logs database (SQLite) instead of a transcript.")
    var fromLLM = false
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if !fromLLM && file == nil { throw ValidationError("give a .jsonl file, - for standard input, or --from-llm [PATH]") }
        if fromLLM && file == "-" { throw ValidationError("--from-llm reads a SQLite file, not standard input; give its path") }
    }

    func run(_ context: CommandContext) async throws {
        let workspace = try context.workspace()
        if fromLLM { return try importLLM(context, workspace) }
        let file = file ?? "-"
        let data: Data
        if file == "-" {
            data = context.environment.input.readAll()
        } else {
            let url = context.environment.path(file)
            do { data = try Data(contentsOf: url, options: .alwaysMapped) } catch {
                throw ConvoError.unreadableFile(path: file, reason: (error as NSError).localizedDescription)
            }
        }
        let result = try Transcript.importReport(workspace, data: data, source: file == "-" ? "stdin" : file)
        if json {
            try context.json(result)
        } else {
            context.err.line("imported \(result.lines) lines: \(result.newTurns) new turns")
            let moved = result.branches.sorted(by: { $0.key < $1.key })
            for (branch, tip) in moved.prefix(10) {
                context.note("  \(branch) -> \(tip.prefix(7))")
            }
            if moved.count > 10 { context.err.line("  … and \(moved.count - 10) more branches ('convo branch' lists them)") }
        }
    }

    private func importLLM(_ context: CommandContext, _ workspace: Workspace) throws {
        let path = file ?? LLMImport.defaultPath(context.environment.variables)
        let result = try LLMImport.report(workspace, url: context.environment.path(path), displayPath: path)
        if json {
            try context.json(result)
        } else {
            let plural = result.conversations == 1 ? "" : "s"
            context.err.line(
                "imported \(result.conversations) llm conversation\(plural) from \(path): \(result.turns) turns, \(result.newTurns) new")
            let branches = result.branches
            for branch in branches.prefix(20) {
                context.note("  \(branch.name) -> \(branch.shortTip) (\(branch.change))")
            }
            if branches.count > 20 { context.err.line("  … and \(branches.count - 20) more branches ('convo branch' lists them)") }
        }
    }
}

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
