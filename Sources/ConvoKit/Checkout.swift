import ConvoStore
import Foundation

/// Where a checkout left HEAD.
public enum CheckoutResult: Equatable, Sendable {
    /// HEAD is on a branch (possibly new).
    case branch(BranchName, tip: ObjectID?, created: Bool)
    /// HEAD is detached at a turn.
    case detached(ObjectID)
}

extension Navigation {
    /// `checkout REV`: a branch name puts HEAD on the branch, any other revision detaches HEAD at its turn.
    public static func checkout(_ workspace: Workspace, _ revision: String) throws -> CheckoutResult {
        try workspace.repository.write { writer in
            let from = try describeHead(writer.read)
            // `checkout HEAD` stays where it is, on the branch, as in git.
            if revision == "HEAD" || revision == "@", case .branch(let branch, let tip) = try writer.read.head() {
                guard tip != nil else { throw StoreError.unbornBranch(branch.rawValue) }
                return .branch(branch, tip: tip, created: false)
            }
            if let branch = try? BranchName(revision), let tip = try writer.read.target(of: branch.refName) {
                try writer.setHead(toBranch: branch, message: "checkout: moving from \(from) to \(branch)")
                return .branch(branch, tip: tip, created: false)
            }
            let id = try writer.read.resolve(revision)
            try writer.setHead(detachedAt: id, message: "checkout: moving from \(from) to \(revision)")
            return .detached(id)
        }
    }

    /// `checkout -b NAME [REV]`: creates a branch at REV (default HEAD) and puts HEAD on it.
    public static func checkoutNewBranch(_ workspace: Workspace, name: BranchName, at revision: String?) throws -> CheckoutResult {
        try workspace.repository.write { writer in
            guard try writer.read.target(of: name.refName) == nil else { throw StoreError.branchExists(name.rawValue) }
            let start: ObjectID?
            if let revision {
                start = try writer.read.resolve(revision)
            } else {
                start = try writer.read.head().tip  // nil: a new branch on an empty repository stays unborn, as in git
            }
            try writer.createBranchAndCheckout(name, at: start, message: "branch: created from \(revision ?? "HEAD")")
            return .branch(name, tip: start, created: true)
        }
    }
}

extension StoreWriter {
    /// Creates `branch` at `tip` (without a tip it stays unborn, as in git) and puts HEAD on it: `checkout -b`,
    /// `say -b`/`--regenerate`/`--at` and `fetch -b`. `message` is the branch's reflog entry; HEAD's says where
    /// it moved from. An existing branch is an error.
    func createBranchAndCheckout(_ branch: BranchName, at tip: ObjectID?, message: String) throws {
        guard try read.target(of: branch.refName) == nil else { throw StoreError.branchExists(branch.rawValue) }
        let from = try Navigation.describeHead(read)
        if let tip { try updateRef(branch.refName, to: tip, expecting: nil, message: message) }
        try setHead(toBranch: branch, message: "checkout: moving from \(from) to \(branch)")
    }
}
