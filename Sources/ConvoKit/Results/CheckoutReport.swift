import ConvoStore

/// Where `convo checkout` left HEAD: what stderr says and `checkout --json` prints.
public struct CheckoutReport: Sendable, Encodable {
    /// HEAD's position.
    public enum Position: Sendable, Equatable {
        /// On a branch, new when `created`.
        case branch(String, created: Bool)
        /// Detached at a turn: its abbreviated id and the first line of its message, shortened.
        case detached(shortID: String, input: String)
    }

    let result: CheckoutResult
    /// HEAD's position.
    public let position: Position

    /// `{"head", "branch", "created", "detached"}`.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        switch result {
        case .branch(let name, let tip, let created):
            try json.set("head", tip?.hex)
            try json.set("branch", name.rawValue)
            try json.set("created", created)
            try json.set("detached", false)
        case .detached(let id):
            try json.set("head", id.hex)
            try json.set("branch", String?.none)
            try json.set("created", false)
            try json.set("detached", true)
        }
    }
}

extension Navigation {
    /// `convo checkout REV`, or `convo checkout -b NAME [REV]` when `newBranch` is given.
    public static func checkoutReport(
        _ workspace: Workspace, newBranch: NewBranchName?, orphan: NewBranchName? = nil, revision: String?
    ) throws -> CheckoutReport {
        let result = if let orphan {
            try checkoutOrphan(workspace, name: orphan.name)
        } else if let newBranch {
            try checkoutNewBranch(workspace, name: newBranch.name, at: revision)
        } else {
            try checkout(workspace, revision ?? "HEAD")
        }
        switch result {
        case .branch(let name, _, let created):
            return CheckoutReport(result: result, position: .branch(name.rawValue, created: created))
        case .detached(let id):
            let summary = try workspace.repository.read { try $0.summary(id) }
            return CheckoutReport(result: result, position: .detached(shortID: id.abbreviated(), input: summary?.shortInputLine ?? ""))
        }
    }
}
