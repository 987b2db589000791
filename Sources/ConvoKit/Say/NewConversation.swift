import ConvoStore
import Foundation

/// New conversations (`say --new`, `checkout --orphan`) and answers on another branch (`say --on`).
public enum NewConversation {
    /// The automatic branch name of `say --new`: the message's first words, lowercased, letters and digits
    /// joined by `-` (at most 5 words and 40 characters), e.g. `plan-a-trip-to-rome`; `conversation` when the
    /// message has no letters or digits.
    public static func slug(_ message: String) -> String {
        var words = [String]()
        var length = 0
        let lowered = message.precomposedStringWithCanonicalMapping.lowercased()
        for word in lowered.split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            let word = String(word.prefix(40))
            if words.count == 5 || length + word.count + (words.isEmpty ? 0 : 1) > 40 { break }
            length += word.count + (words.isEmpty ? 0 : 1)
            words.append(word)
        }
        return words.isEmpty ? "conversation" : words.joined(separator: "-")
    }

    /// Where `say --new` commits: no parent, on `-b NAME` or on the first free of `<slug>`, `<slug>-2`, ….
    static func startPoint(_ options: SayOptions, reader: StoreReader) throws -> StartPoint {
        let branch = try options.branch ?? SayPlan.newBranchName(
            stem: slug(options.message), numbered: false, fallback: "conversation",
            exists: { try reader.isTakenForANewBranch($0) })
        return StartPoint(
            base: nil, newBranch: branch, fromHead: false, notice: "starting a new conversation on branch '\(branch)'")
    }

    /// Where `say --on BRANCH` commits: on the branch's tip; the branch moves, HEAD stays. HEAD's own unborn
    /// branch gets its first turn as a plain say would make it.
    static func startPoint(on branch: BranchName, reader: StoreReader) throws -> StartPoint {
        let head = try reader.head()
        guard let tip = try reader.target(of: branch.refName) else {
            // HEAD's own branch before its first turn (`checkout --orphan`) exists only through HEAD: the turn is
            // the one a plain say makes there.
            guard head.branch == branch else { throw StoreError.branchNotFound(branch.rawValue) }
            return StartPoint(base: nil, newBranch: nil, fromHead: true)
        }
        let stays = head.branch.map { "HEAD stays on '\($0)'" } ?? "HEAD stays detached"
        var point = StartPoint(
            base: tip, newBranch: nil, fromHead: head.branch == branch,
            notice: "answering on '\(branch)' at \(try reader.abbreviation(of: tip)); \(stays)")
        point.onBranch = branch
        return point
    }

    /// Moves `branch` (not HEAD) from `tip` to `id`. When another process moved the branch meanwhile, the turn
    /// goes onto a new sibling branch `<branch>-2`, … instead, as a parallel say on HEAD's branch does.
    static func place(_ id: ObjectID, on branch: BranchName, from tip: ObjectID?, writer: StoreWriter, message: String) throws -> HeadAdvance {
        let current = try writer.read.target(of: branch.refName)
        guard current == tip else {
            let aside = try writer.branchAside(id, after: branch.rawValue, message: message + " (\(branch) moved meanwhile)")
            return .movedMeanwhile(branch: branch, actual: current, placedOn: aside)
        }
        try writer.updateRef(branch.refName, to: id, expecting: tip, message: message)
        return .branchMoved(branch)
    }
}

extension Navigation {
    /// `checkout --orphan NAME`: puts HEAD on a new branch with no turns, so the next `say` starts a
    /// conversation with no parent (git's orphan branch). An existing branch is refused; nothing changes.
    public static func checkoutOrphan(_ workspace: Workspace, name: BranchName) throws -> CheckoutResult {
        try workspace.repository.write { writer in
            let from = try describeHead(writer.read)
            guard try writer.read.target(of: name.refName) == nil else { throw StoreError.branchExists(name.rawValue) }
            try writer.setHead(toBranch: name, message: "checkout: moving from \(from) to \(name) (orphan)")
            return .branch(name, tip: nil, created: true)
        }
    }
}
