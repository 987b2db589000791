import ConvoStore

extension History {
    /// `convo rev-parse REV...`: every revision resolved before any is returned, so a bad one prints nothing.
    public static func revParse(_ workspace: Workspace, _ revisions: [String]) throws -> [RevParseItem] {
        try revisions.map { RevParseItem(revision: $0, id: try revParse(workspace, $0).hex) }
    }
}

/// One resolved revision of `convo rev-parse`.
public struct RevParseItem: Sendable, Encodable {
    /// The revision as given.
    public let revision: String
    /// Its turn's full id.
    public let id: String
}
