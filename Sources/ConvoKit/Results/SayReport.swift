import ConvoStore

/// A committed `convo say` turn: what the summary line says and `say --json` prints.
public struct SayReport: Sendable, Encodable {
    let result: SayResult

    /// Where the turn went.
    public enum Position: Sendable, Equatable {
        /// HEAD's branch moved to it.
        case branch(String)
        /// HEAD is detached and moved to it.
        case detached
        /// HEAD or its branch (`moved`, nil when HEAD was detached) moved meanwhile to `actual` (abbreviated;
        /// nil when it was deleted); the turn went onto the new branch `aside`.
        case movedMeanwhile(moved: String?, actual: String?, aside: String)
        /// The new branch `branch` could not be made: `by`, made meanwhile, stands in its way (`a` for `a/b`);
        /// the turn went onto the new branch `aside`.
        case blockedMeanwhile(branch: String, by: String, aside: String)
    }

    /// The new turn's short id.
    public var shortID: String { result.shortID }
    /// The server's response id.
    public var responseID: String { result.responseID }
    /// `completed`, `incomplete` or `failed`.
    public var status: String { result.status }
    /// Why an incomplete response stopped.
    public var incompleteReason: String? { result.incompleteReason }
    /// The answer.
    public var outputText: String { result.outputText }
    /// Token counts.
    public var usage: TokenCounts? { result.usage.map(TokenCounts.init) }
    /// Whether the local history was replayed.
    public var replayed: Bool { result.route.isReplay }
    /// How many earlier turns a replay re-sent.
    public var replayedTurns: Int { result.replayedTurns }
    /// The failure message of a failed response.
    public var failure: String? { result.failure }
    /// Where the turn went.
    public var position: Position {
        switch result.placement {
        case .branchMoved(let branch): .branch(branch.rawValue)
        case .detachedMoved: .detached
        case .movedMeanwhile(let branch, let actual, let aside):
            .movedMeanwhile(moved: branch?.rawValue, actual: actual?.abbreviated(), aside: aside.rawValue)
        case .blockedMeanwhile(let branch, let blocker, let aside):
            .blockedMeanwhile(branch: branch.rawValue, by: blocker.rawValue, aside: aside.rawValue)
        }
    }

    /// `{"turn", "response_id", "status", "output_text", "usage", "replay", "replayed_turns", "branch"}`.
    public func encode(to encoder: Encoder) throws {
        var branch: String?
        switch result.placement {
        case .branchMoved(let name), .movedMeanwhile(_, _, let name), .blockedMeanwhile(_, _, let name): branch = name.rawValue
        case .detachedMoved: break
        }
        var json = JSONFields(encoder)
        try json.set("turn", result.turn.hex)
        try json.set("response_id", responseID)
        try json.set("status", status)
        try json.set("output_text", outputText)
        try json.set("usage", result.usage?.json)
        try json.set("replay", replayed)
        try json.set("replayed_turns", replayedTurns)
        try json.set("branch", branch)
    }
}

extension SayOptions {
    /// Options with `-b NAME` as given on the command line.
    public init(
        message: String, model: String?, instructions: String?, temperature: Double?, maxOutputTokens: Int?, store: Bool,
        stream: Bool, forceReplay: Bool, newBranch: NewBranchName?, allowInsecureHTTP: Bool, start: SayStart,
        attachments: [DraftAttachment] = [], preset: String? = nil
    ) {
        self.init(
            message: message, model: model, instructions: instructions, temperature: temperature, maxOutputTokens: maxOutputTokens,
            store: store, stream: stream, forceReplay: forceReplay, branch: newBranch?.name, allowInsecureHTTP: allowInsecureHTTP,
            start: start)
        self.attachments = attachments
        self.preset = preset
    }
}

extension Say {
    /// `convo say` (see ``run(_:_:onText:notice:)``).
    public static func report(
        _ workspace: Workspace, _ options: SayOptions, onText: (String) -> Void = { _ in }, notice: (String) -> Void = { _ in }
    ) async throws -> SayReport {
        SayReport(result: try await run(workspace, options, onText: onText, notice: notice))
    }
}

extension SayStart {
    /// `say --on BRANCH`: answer on that branch's conversation; the branch moves, HEAD stays.
    public static func onBranch(_ branch: NewBranchName) -> SayStart { .on(branch.name) }
}
