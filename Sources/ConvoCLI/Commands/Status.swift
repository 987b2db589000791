import ArgumentParser
import ConvoKit
import Foundation

struct Status: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the branch, HEAD, settings and what the server still holds.",
        discussion: """
            The last line names the repository in use and why: $CONVO_DIR, a .convo/ found upward from the \
            working folder, or the home repository ($XDG_DATA_HOME/convo, default ~/.local/share/convo).

            Examples:
              convo status
              convo status --color=always | less -R
              convo status --json | jq .remote
            """)

    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var colors: ColorOptions

    func run(_ context: CommandContext) async throws {
        let workspace = try context.workspace(.read)
        let status = try Inspection.statusResult(workspace)
        let now = status.now
        if json {
            try context.json(status)
            return
        }
        let style = context.style(colors.color)
        var lines = [String]()
        switch status.position {
        case .branch(let name, empty: true): lines.append("On branch \(style.branch(style.text(name))) (no turns yet)")
        case .branch(let name, empty: false): lines.append("On branch \(style.branch(style.text(name)))")
        case .detached(let id): lines.append(style.paint("HEAD detached at \(id)", "31"))
        }
        if let tip = status.tip {
            lines.append("HEAD:     \(style.id(tip.shortID)) \(style.text(tip.input))")
            lines.append("Turns:    \(status.depth) in this conversation")
            if let usage = status.usage {
                lines.append("Usage:    " + usage.summary)
            } else if status.depth > UsageReport.statusLimit {
                lines.append("Usage:    'convo usage' adds up the \(status.depth) turns (status reads at most \(UsageReport.statusLimit))")
            }
        }
        // Provider, base URL and model come from settings a hand-edited database may hold anything in.
        lines.append("Provider: \(style.text(status.provider))" + (status.baseURL.map { " (\(style.text($0)))" } ?? ""))
        lines.append("Model:    " + (status.model.map { style.text($0) + (status.modelSource.map { " (\($0))" } ?? "") } ?? "unknown until the server settings are complete"))
        lines.append("Server:   " + style.text(Self.describe(status, now: now)))
        lines.append("Next say: " + style.text(Self.describe(next: status.nextSay, depth: status.depth)))
        if let choice = workspace.choice { lines.append("Repo:     " + style.text(choice.description)) }
        context.out.write(lines.joined(separator: "\n") + "\n")
    }

    static func describe(_ status: StatusResult, now: Int64) -> String {
        let state: String = switch status.remote {
        case .expired(_, nil): "expired"
        case .expired(_, let reason?): "expired (\(reason))"
        case .deleted(_, let reason): "deleted from the server (\(reason))"
        default: status.remote.describe(now: now)
        }
        guard let replay = status.replay else { return state }
        let turns = "\(replay.turns) turn\(replay.turns == 1 ? "" : "s")"
        let source = replay.source == "usage" ? "from HEAD's usage" : "estimated from the text"
        return state + ": the next say replays \(turns), about \(replay.tokens) tokens (\(source))" + (replay.fit.map { "; \($0)" } ?? "")
    }

    /// What the next say sends, from the same plan `say` follows.
    static func describe(next route: SayRoute?, depth: Int) -> String {
        switch route {
        case nil: "unknown until the server settings are complete (see 'convo config')"
        case .fresh?: "the first message of a new conversation"
        case .chain?: "only the new message (previous_response_id = HEAD's response)"
        case .replay(let reason)?: "replays \(depth) turn\(depth == 1 ? "" : "s") and the new message (\(reason))"
        }
    }
}
