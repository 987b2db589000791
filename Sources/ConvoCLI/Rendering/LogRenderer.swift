import ConvoKit
import Foundation

/// Renders history entries as text or JSON.
struct LogRenderer {
    var style: Style
    /// `log --remote`: show each turn's server state.
    var remote = false

    /// `a81d0b4 (HEAD -> main) What's my name?  →  Your name is Alice.`
    func oneline(_ entry: LogItem) -> String {
        LogFormat.oneline.render(entry, style: style, now: 0)
    }

    /// git's default "medium" format.
    func medium(_ entry: LogItem) -> String {
        let summary = entry
        var lines = [style.id("turn \(summary.id)") + decoration(entry.refs)]
        lines.append("Date:     \(Timestamps.format(summary.createdAt))")
        if let model = summary.model { lines.append("Model:    \(style.text(model))") }
        if let response = summary.responseID { lines.append("Response: \(style.text(response))" + (summary.stored ? "" : " (not stored)")) }
        if summary.status != "completed" { lines.append("Status:   \(style.text(summary.status))") }
        if let input = summary.inputTokens, let output = summary.outputTokens {
            lines.append("Tokens:   \(input) in / \(output) out")
        }
        if summary.replay { lines.append("Replay:   sent the whole history") }
        if remote { lines.append("Server:   \(entry.remote.name.replacingOccurrences(of: "_", with: " "))") }
        lines.append("")
        lines.append("    \(style.text(summary.shortInputLine))")
        lines.append("    → \(style.text(summary.shortOutputLine))")
        return lines.joined(separator: "\n") + "\n"
    }

    func decoration(_ refs: [String]) -> String {
        guard !refs.isEmpty else { return "" }
        let painted = refs.map { ref in
            ref.hasPrefix("HEAD") ? style.head(style.text(ref)) : style.branch(style.text(ref))
        }
        return style.id(" (") + painted.joined(separator: style.id(", ")) + style.id(")")
    }
}
