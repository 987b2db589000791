import ConvoStore

/// Candidates for shell completion: read-only, local and fast (no network, only the index and refs).
public enum Completion {
    /// `HEAD`, every branch, and the short ids of HEAD's 20 most recent turns that start with `prefix`.
    public static func revisions(_ workspace: Workspace, prefix: String) throws -> [String] {
        try workspace.repository.read { reader in
            var candidates = ["HEAD"] + (try reader.branches().map(\.name.rawValue))
            if let tip = try reader.head().tip {
                let recent = try reader.ancestry(of: tip, limit: 20).map(\.id)
                let short = try reader.abbreviations(of: recent)
                candidates += recent.compactMap { short[$0] }
            }
            return candidates.filter { $0.hasPrefix(prefix) }
        }
    }

    /// Every branch name that starts with `prefix`.
    public static func branches(_ workspace: Workspace, prefix: String) throws -> [String] {
        try workspace.repository.read { reader in
            try reader.branches().map(\.name.rawValue).filter { $0.hasPrefix(prefix) }
        }
    }
}
