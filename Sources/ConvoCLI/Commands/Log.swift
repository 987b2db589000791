import ArgumentParser
import ConvoKit

struct Log: ConvoCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the history of turns, newest first.",
        discussion: """
            Reads only the derived index, so it stays fast on large repositories.

            Examples:
              convo log --oneline
              convo log -n 5 travel
              convo log --graph --all
              convo log --json | jq -r .response_id
              convo log --oneline --remote
            """)

    @Argument(help: "Start from this revision (default HEAD).", completion: DynamicCompletion.revision) var revision: String?
    @Option(name: .customShort("n"), help: "Show at most this many turns.") var limit: Int?
    @Flag(help: "One line per turn: short id, refs, input → answer.") var oneline = false
    @Flag(help: "Draw the conversation tree (one line per turn).") var graph = false
    @Flag(help: "Every turn any branch or HEAD reaches.") var all = false
    @Flag(help: "Oldest first.") var reverse = false
    @Flag(help: "One JSON object per line.") var json = false
    @Flag(help: "Mark each turn with its server state: [live], [expired], [deleted], [not stored], [failed].")
    var remote = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("-n must be 0 or more, not \(limit)") }
        if graph && reverse { throw ValidationError("--graph and --reverse cannot be combined") }
    }

    func run(_ context: CommandContext) async throws {
        let entries = try History.log(
            context.workspace(), options: LogOptions(revision: revision, limit: limit, all: all, reverse: reverse))
        let renderer = LogRenderer(style: context.style, remote: remote)
        if json {
            for entry in entries { context.json(LogRenderer.json(entry)) }
        } else if graph {
            var text = ""
            for row in GraphLayout.rows(entries.map(\.summary)) {
                switch row {
                case .turn(let prefix, let index): text += context.style.graph(prefix) + renderer.oneline(entries[index]) + "\n"
                case .edges(let line): text += context.style.graph(line) + "\n"
                }
            }
            context.out.write(text)
        } else if oneline {
            context.out.write(entries.map { renderer.oneline($0) + "\n" }.joined())
        } else {
            context.out.write(entries.map { renderer.medium($0) }.joined(separator: "\n"))
        }
    }
}
