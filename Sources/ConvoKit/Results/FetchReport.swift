import ConvoStore

/// What `convo fetch` did, for the lines it prints.
public struct FetchReport: Sendable {
    let result: FetchOutcome

    /// Where HEAD went.
    public enum Position: Sendable, Equatable {
        /// On the new branch, at the fetched turn.
        case branch(String)
        /// Detached at the fetched turn.
        case detached
        /// Not moved: the response was already in the repository.
        case unchanged
    }

    /// The full id of the turn holding the requested response.
    public var tip: String { result.tip.hex }
    /// Its short id.
    public var shortID: String { result.shortID }
    /// How many new turns were committed.
    public var fetchedCount: Int { result.fetched.count }
    /// The abbreviated id of the existing turn the chain was attached to.
    public var attachedTo: String? { result.attachedTo?.abbreviated() }
    /// A `previous_response_id` the server no longer had.
    public var missingAncestor: String? { result.missingAncestor }
    /// Where HEAD went.
    public var position: Position {
        switch result.placement {
        case .branch(let name): .branch(name.rawValue)
        case .detached: .detached
        case .unchanged: .unchanged
        }
    }
}

extension FetchOptions {
    /// Options with `-b NAME` as given on the command line.
    public init(responseID: String, newBranch: NewBranchName?, allowInsecureHTTP: Bool) {
        self.init(responseID: responseID, branch: newBranch?.name, allowInsecureHTTP: allowInsecureHTTP)
    }
}

extension Fetch {
    /// `convo fetch RESPONSE_ID` (see ``run(_:_:)``).
    public static func report(_ workspace: Workspace, _ options: FetchOptions) async throws -> FetchReport {
        FetchReport(result: try await run(workspace, options))
    }
}
