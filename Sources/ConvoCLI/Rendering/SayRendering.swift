import ConvoKit
import ConvoStore

/// How a committed turn is reported: the stderr summary and the `--json` object.
enum SayRendering {
    /// `[main 3f9a2c1] resp_… 12 in / 9 out tokens (replayed 2 turns)` and any hints.
    static func summary(_ result: SayResult) -> [String] {
        var tokens = ""
        if let usage = result.usage { tokens = " \(usage.inputTokens) in / \(usage.outputTokens) out tokens" }
        let replayed = result.route.isReplay
            ? " (replayed \(result.replayedTurns) turn\(result.replayedTurns == 1 ? "" : "s"))" : ""
        let tail = "\(result.responseID)\(tokens)\(replayed)"
        var lines = [String]()
        switch result.placement {
        case .branchMoved(let branch):
            lines.append("[\(branch) \(result.shortID)] \(tail)")
        case .detachedMoved:
            lines.append("[detached HEAD \(result.shortID)] \(tail)")
            lines.append("hint: HEAD is detached; name this conversation with 'convo checkout -b <name>'")
        case .movedMeanwhile(let branch, let actual, let aside):
            let moved = branch.map(\.rawValue) ?? "HEAD"
            let now = actual.map { "to \($0.abbreviated())" } ?? "(it was deleted)"
            lines.append("note: \(moved) moved meanwhile \(now); your answer is on new branch \(aside) [\(aside) \(result.shortID)]")
            lines.append("[\(aside) \(result.shortID)] \(tail)")
            lines.append("hint: continue it with 'convo checkout \(aside)'")
        }
        if result.status == "incomplete" {
            lines.append("warning: the response is incomplete (\(result.incompleteReason ?? "no reason given"))")
        }
        return lines
    }

    /// One JSON object for `--json`.
    static func json(_ result: SayResult) -> JSONValue {
        let usage = result.usage?.json ?? .null
        var branch = JSONValue.null
        switch result.placement {
        case .branchMoved(let name), .movedMeanwhile(_, _, let name): branch = .string(name.rawValue)
        case .detachedMoved: break
        }
        return .object([
            "turn": .string(result.turn.hex), "response_id": .string(result.responseID),
            "status": .string(result.status), "output_text": .string(result.outputText), "usage": usage,
            "replay": .bool(result.route.isReplay), "replayed_turns": .int(Int64(result.replayedTurns)),
            "branch": branch,
        ])
    }
}
