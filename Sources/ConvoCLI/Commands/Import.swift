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

    /// The system's reason for a failed open or read (`No such file or directory`), not Foundation's wrapper
    /// ("The operation could not be completed").
    static func reason(_ error: Error) -> String {
        let error = error as NSError
        if let underlying = error.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if error.domain == NSCocoaErrorDomain, error.code == NSFileReadNoSuchFileError { return "No such file or directory" }
        if error.domain == NSCocoaErrorDomain, error.code == NSFileReadNoPermissionError { return "Permission denied" }
        return error.localizedDescription
    }

    func run(_ context: CommandContext) async throws {
        let workspace = try context.workspace()
        if fromLLM { return try importLLM(context, workspace) }
        let file = file ?? "-"
        let lines: LineReader
        if file == "-" {
            lines = LineReader(read: context.environment.input.read)
        } else {
            let handle: FileHandle
            if file.isEmpty { throw ConvoError.unreadableFile(path: "''", reason: "the path is empty; give a transcript file (JSON Lines), or - for stdin") }
            let url = context.environment.path(file)
            var folder: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &folder), folder.boolValue {
                throw ConvoError.unreadableFile(path: file, reason: "it is a folder; give a transcript file (JSON Lines), or - for stdin")
            }
            do { handle = try FileHandle(forReadingFrom: url) } catch {
                throw ConvoError.unreadableFile(path: file, reason: Self.reason(error))
            }
            lines = LineReader { count in
                do { return try handle.read(upToCount: count) ?? Data() } catch {
                    throw ConvoError.unreadableFile(path: file, reason: Self.reason(error))
                }
            }
        }
        let result = try Transcript.importReport(workspace, lines: lines, source: file == "-" ? "stdin" : file)
        if json {
            try context.json(result)
        } else {
            context.err.line("imported \(result.lines) lines: \(result.newTurns) new turns")
            let moved = result.branches.sorted(by: { $0.key < $1.key })
            for (branch, tip) in moved.prefix(10) {
                context.note("  \(branch) -> \(tip.prefix(7))")
            }
            if moved.count > 10 { context.err.line("  … and \(moved.count - 10) more branches ('convo branch' lists them)") }
            for name in result.unnamed {
                context.err.line("no conversation named the chain ending at \(result.branches[name]?.prefix(7) ?? ""), so it is on branch '\(name)' (rename it with 'convo branch -m \(name) NEW')")
            }
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
