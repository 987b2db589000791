import ConvoKit

/// How a committed turn is reported on stderr (its `--json` object is ``SayReport``'s).
enum SayRendering {
    /// `[main 3f9a2c1] resp_… 12 in / 9 out tokens (replayed 2 turns)` and any hints.
    static func summary(_ result: SayReport) -> [String] {
        var tokens = ""
        if let usage = result.usage { tokens = " \(usage.input) in / \(usage.output) out tokens" }
        let replayed = result.replayed
            ? " (replayed \(result.replayedTurns) turn\(result.replayedTurns == 1 ? "" : "s"))" : ""
        let tail = "\(result.responseID)\(tokens)\(replayed)"
        var lines = [String]()
        switch result.position {
        case .branch(let branch):
            lines.append("[\(branch) \(result.shortID)] \(tail)")
        case .detached:
            lines.append("[detached HEAD \(result.shortID)] \(tail)")
            lines.append("hint: HEAD is detached; name this conversation with 'convo checkout -b <name>'")
        case .movedMeanwhile(let branch, let actual, let aside):
            let moved = branch ?? "HEAD"
            let now = actual.map { "to \($0)" } ?? "(it was deleted)"
            lines.append("note: \(moved) moved meanwhile \(now); your answer is on new branch \(aside) [\(aside) \(result.shortID)]")
            lines.append("[\(aside) \(result.shortID)] \(tail)")
            lines.append("hint: continue it with 'convo checkout \(aside)'")
        }
        if result.status == "incomplete" {
            lines.append("warning: the response is incomplete (\(result.incompleteReason ?? "no reason given"))")
        }
        return lines
    }
}
