import ConvoStore

/// A branch name given on the command line, checked against git's rules when it is parsed, so a bad name is
/// a usage error naming the rule it breaks.
public struct NewBranchName: Sendable, Equatable, CustomStringConvertible {
    let name: BranchName

    /// Checks `text` as a branch name.
    public init(_ text: String) throws { name = try BranchName(text) }

    /// The name as written.
    public var description: String { name.rawValue }
}

/// One branch of `convo branch`: what the list shows and `branch --json` prints.
public struct BranchItem: Sendable, Encodable {
    let info: BranchInfo

    /// Its name.
    public var name: String { info.name.rawValue }
    /// Its tip's short id.
    public var shortID: String { info.shortID }
    /// Whether HEAD is on it.
    public var current: Bool { info.current }
    /// The tip's first input line, shortened for a person.
    public var shortInputLine: String { TurnSummary.shortened(info.inputLine) }

    /// `{"name", "tip", "current", "input"}`.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("name", name)
        try json.set("tip", info.tip.hex)
        try json.set("current", current)
        try json.set("input", info.inputLine)
    }
}

extension Navigation {
    /// `convo branch`: every branch, sorted by name; `wholeLines` for `--json` (see ``branches(_:wholeLines:)``).
    public static func branchItems(_ workspace: Workspace, wholeLines: Bool = true) throws -> [BranchItem] {
        try branches(workspace, wholeLines: wholeLines).map(BranchItem.init)
    }

    /// `convo branch NAME [REV]`: creates the branch; returns its tip's abbreviated id.
    public static func createBranch(_ workspace: Workspace, named name: String, at revision: String?) throws -> String {
        try createBranch(workspace, name: try BranchName(name), at: revision).abbreviated()
    }

    /// `convo branch -d|-D NAME`: deletes the branch; returns the abbreviated id it pointed at.
    public static func deleteBranch(_ workspace: Workspace, named name: String, force: Bool) throws -> String {
        try deleteBranch(workspace, name: try existingBranch(workspace, name), force: force).abbreviated()
    }

    /// `convo branch -m [OLD] NEW`: renames OLD (default HEAD's branch); returns the old and new names.
    public static func renameBranch(_ workspace: Workspace, from old: String?, to new: String) throws -> (old: String, new: String) {
        let new = try BranchName(new)
        let old = try renameBranch(workspace, from: try old.map { try existingBranch(workspace, $0) }, to: new)
        return (old.rawValue, new.rawValue)
    }
}
