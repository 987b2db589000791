import ArgumentParser
import ConvoKit

struct Diff: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff",
        abstract: "Compare two turns: their conversations since the common ancestor, and their answers.",
        discussion: """
            Lists the turns only REV1's conversation has (-) and only REV2's has (+), oldest first, below \
            their newest common turn; then how the two turns differ: model, parameters, token counts \
            (REV2 minus REV1), and a unified diff of the two answers. With one revision, REV is compared \
            with HEAD (REV is the old side), as 'git diff REV' does. The same turn twice prints nothing. \
            Exit status 0 whether or not they differ.

            Examples:
              convo diff main travel
              convo diff HEAD~1                # what changed since the turn before
              convo diff main main-regen-1     # an answer and its regeneration
              convo diff --json main travel | jq .answer_diff
            """)

    @Argument(help: "The old side (with one revision: compared with HEAD).", completion: DynamicCompletion.revision)
    var revision1: String
    @Argument(help: "The new side (default HEAD).", completion: DynamicCompletion.revision) var revision2: String = "HEAD"
    @Flag(help: "Print one JSON object: from, to, base, removed, added, answer_diff.") var json = false

    func run(_ context: CommandContext) async throws {
        // Text output shows shortened first lines: only JSON needs them whole.
        let comparison = try History.diff(context.workspace(.read), revision1, revision2, wholeLines: json)
        if json {
            try context.json(comparison)
        } else if !comparison.isSame {
            context.out.write(DiffRenderer(style: context.style).text(comparison))
        }
    }
}

/// Renders a comparison of two turns.
struct DiffRenderer {
    var style: Style

    func text(_ comparison: DiffResult) -> String {
        let log = LogRenderer(style: style)
        var lines = [String]()
        if let base = comparison.base {
            lines.append("common ancestor: " + log.oneline(base))
        } else {
            lines.append(style.dim("no common ancestor: the two conversations share no turn"))
        }
        for entry in comparison.removed { lines.append(style.paint("-", "31") + " " + log.oneline(entry)) }
        for entry in comparison.added { lines.append(style.paint("+", "32") + " " + log.oneline(entry)) }
        lines.append("")
        lines += header(comparison)
        if !comparison.answerHunks.isEmpty {
            lines.append("")
            lines.append(style.paint("--- \(comparison.fromShortID) answer", "1"))
            lines.append(style.paint("+++ \(comparison.toShortID) answer", "1"))
            for hunk in comparison.answerHunks {
                lines.append(style.paint(hunk.header, "36"))
                for line in hunk.lines.map(style.text) {
                    switch line.first {
                    case "-": lines.append(style.paint(line, "31"))
                    case "+": lines.append(style.paint(line, "32"))
                    default: lines.append(line)
                    }
                }
            }
        } else {
            lines.append(style.dim("(the answers are the same)"))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `model: grok-4 → grok-3-mini`, one line per parameter, `output tokens: 120 → 98 (-22)`.
    func header(_ comparison: DiffResult) -> [String] {
        var lines = comparison.changes.map { style.text(Self.change($0.name, $0.old, $0.new)) }
        lines.append(Self.tokens("input tokens", comparison.inputTokens.old, comparison.inputTokens.new))
        lines.append(Self.tokens("output tokens", comparison.outputTokens.old, comparison.outputTokens.new))
        return lines
    }

    static func change(_ name: String, _ old: String?, _ new: String?) -> String {
        old == new ? "\(name): \(old ?? "(none)")" : "\(name): \(old ?? "(none)") → \(new ?? "(none)")"
    }

    static func tokens(_ name: String, _ old: Int64?, _ new: Int64?) -> String {
        guard let old, let new else { return change(name, old.map(String.init), new.map(String.init)) }
        if old == new { return "\(name): \(old)" }
        let delta = new - old
        return "\(name): \(old) → \(new) (\(delta > 0 ? "+" : "")\(delta))"
    }
}
