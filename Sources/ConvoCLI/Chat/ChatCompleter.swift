import ConvoKit

/// Tab completion at the chat prompt: the command names after `/`, then branch names, revisions or presets from
/// the same dynamic completion the shell scripts use.
enum ChatCompleter {
    /// The candidates for the last word of `line` (the text before the cursor): whole words that replace it.
    static func complete(_ line: String, workspace: Workspace) -> [String] {
        guard line.hasPrefix("/") else { return [] }
        let word = line.last?.isWhitespace == true ? "" : String(line.split(whereSeparator: \.isWhitespace).last ?? "")
        guard line.contains(where: \.isWhitespace) else {
            return SlashCommand.table.map { "/" + $0.name }.filter { $0.hasPrefix(line) }
        }
        let name = String(line.dropFirst().prefix { !$0.isWhitespace })
        guard let command = SlashCommand.table.first(where: { $0.name == name }), let completes = command.completes,
            !word.hasPrefix("-")
        else { return [] }
        let candidates: [String]? =
            switch completes {
            case .branch: try? Completion.branches(workspace, prefix: word)
            case .revision: try? Completion.revisions(workspace, prefix: word)
            case .preset: try? Completion.presets(workspace, prefix: word)
            }
        return candidates ?? []
    }
}
