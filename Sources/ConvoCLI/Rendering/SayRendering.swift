import ConvoKit

/// How a committed turn is reported on stderr (its `--json` object is ``SayReport``'s).
enum SayRendering {
    /// Runs one turn as `convo say` shows it, for `say` and for every turn of `convo chat`: the answer streamed
    /// to stdout as it arrives (when `stream` and not `json`), else printed whole, or the `--json` object; then
    /// the summary on stderr. Ctrl-C cancels `turn` (nothing is committed). A failed response throws after
    /// its summary, as say's exit status says.
    static func answer(
        _ context: CommandContext, json: Bool, stream: Bool,
        _ turn: @escaping @Sendable (_ onText: (String) -> Void, _ notice: (String) -> Void) async throws -> SayReport
    ) async throws {
        let echo = stream && !json
        // The answer is the model's text: on a terminal its control characters are shown, not obeyed.
        let style = context.style
        let visible = style.escapes ? VisibleStream() : nil
        let result = try await context.environment.interruptible {
            try await turn({ if echo { context.out.write(visible?.next($0) ?? $0) } }, { context.note("convo: \($0)") })
        }
        if json {
            try context.json(result)
        } else {
            if echo { context.out.write(visible?.finish() ?? "") } else { context.out.write(style.block(result.outputText)) }
            if !result.outputText.hasSuffix("\n") { context.out.write("\n") }
        }
        for line in summary(result) { context.note(line) }
        if let failure = result.failure {
            throw SayError.responseFailed(turn: result.shortID, responseID: result.responseID, message: failure)
        }
    }

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
        case .blockedMeanwhile(let branch, let blocker, let aside):
            lines.append(
                "note: branch '\(blocker)' was made meanwhile, and git cannot keep branch '\(branch)' beside it; your answer is on new branch \(aside) [\(aside) \(result.shortID)]")
            lines.append("[\(aside) \(result.shortID)] \(tail)")
            lines.append("hint: continue it with 'convo checkout \(aside)'")
        }
        if result.status == "incomplete" {
            lines.append("warning: the response is incomplete (\(result.incompleteReason ?? "no reason given"))")
        }
        return lines
    }
}
