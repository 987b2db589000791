import ArgumentParser
import ConvoKit
import ConvoStore
import Foundation

struct Status: ConvoCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show the branch, HEAD, settings and what the server still holds.",
        discussion: """
            Examples:
              convo status
              convo status --color=always | less -R
              convo status --json | jq .remote
            """)

    @Flag(help: "Print one JSON object.") var json = false
    @OptionGroup var colors: ColorOptions

    func run(_ context: CommandContext) async throws {
        let status = try Inspection.status(context.workspace())
        let now = Int64(context.environment.now().timeIntervalSince1970)
        if json {
            context.json(Self.json(status, now: now))
            return
        }
        let style = context.style(colors.color)
        var lines = [String]()
        switch status.head {
        case .branch(let name, nil): lines.append("On branch \(style.branch(name.rawValue)) (no turns yet)")
        case .branch(let name, _): lines.append("On branch \(style.branch(name.rawValue))")
        case .detached(let id): lines.append(style.paint("HEAD detached at \(id.abbreviated())", "31"))
        }
        if let tip = status.tip {
            lines.append("HEAD:     \(style.id(tip.id.abbreviated())) \(tip.inputLine)")
            lines.append("Turns:    \(status.depth) in this conversation")
        }
        lines.append("Provider: \(status.provider)" + (status.baseURL.map { " (\($0))" } ?? ""))
        lines.append("Model:    \(status.model ?? "provider default")")
        lines.append("Server:   " + Self.describe(status.remote, depth: status.depth, now: now))
        lines.append("Next say: " + Self.describe(next: status.nextSay, depth: status.depth))
        context.out.write(lines.joined(separator: "\n") + "\n")
    }

    static func describe(_ remote: RemoteState, depth: Int, now: Int64) -> String {
        switch remote {
        case .none: "nothing stored yet"
        case .live(let expiresAt): "live, expires in \(days(expiresAt - now))"
        case .expired: "expired"
        case .notStored: "not stored on the server"
        }
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

    static func nextSay(_ route: SayRoute?) -> JSONValue {
        switch route {
        case nil: .null
        case .fresh?: .object(["send": .string("message")])
        case .chain(let id)?: .object(["send": .string("message"), "previous_response_id": .string(id)])
        case .replay(let reason)?: .object(["send": .string("replay"), "reason": .string(reason.description)])
        }
    }

    static func days(_ seconds: Int64) -> String {
        let days = seconds / 86_400
        if days >= 1 { return "\(days) day\(days == 1 ? "" : "s")" }
        let hours = seconds / 3_600
        return hours >= 1 ? "\(hours) hour\(hours == 1 ? "" : "s")" : "\(max(seconds / 60, 0)) minutes"
    }

    static func json(_ status: StatusReport, now: Int64) -> JSONValue {
        var remote: [String: JSONValue]
        switch status.remote {
        case .none: remote = ["state": .string("none")]
        case .live(let at): remote = ["state": .string("live"), "expires_at": .string(Timestamps.format(at))]
        case .expired(let at): remote = ["state": .string("expired"), "expired_at": .string(Timestamps.format(at))]
        case .notStored: remote = ["state": .string("not_stored")]
        }
        return .object([
            "branch": status.head.branch.map { .string($0.rawValue) } ?? .null,
            "detached": .bool(status.head.branch == nil),
            "head": status.head.tip.map { .string($0.hex) } ?? .null,
            "turns": .int(Int64(status.depth)),
            "provider": .string(status.provider),
            "base_url": status.baseURL.map(JSONValue.string) ?? .null,
            "model": status.model.map(JSONValue.string) ?? .null,
            "response_id": status.tip?.responseID.map(JSONValue.string) ?? .null,
            "remote": .object(remote),
            "next_say": nextSay(status.nextSay),
        ])
    }
}
