import ConvoStore
import Foundation

/// Where a checkout left HEAD.
public enum CheckoutResult: Equatable, Sendable {
    /// HEAD is on a branch (possibly new).
    case branch(BranchName, tip: ObjectID?, created: Bool)
    /// HEAD is detached at a turn.
    case detached(ObjectID)
}

/// One branch for `convo branch`.
public struct BranchInfo: Sendable, Equatable {
    /// Its name.
    public var name: BranchName
    /// Its tip.
    public var tip: ObjectID
    /// The tip's short id.
    public var shortID: String
    /// Whether HEAD is on it.
    public var current: Bool
    /// The tip's first input line.
    public var inputLine: String
}

/// Moving HEAD and managing branches.
public enum Navigation {
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

    /// Lists branches, sorted by name.
    public static func branches(_ workspace: Workspace) throws -> [BranchInfo] {
        try workspace.repository.read { reader in
            let head = try reader.head()
            let branches = try reader.branches()
            let short = try reader.abbreviations(of: Set(branches.map(\.tip)))
            return try branches.map { name, tip in
                BranchInfo(
                    name: name, tip: tip, shortID: short[tip] ?? tip.abbreviated(), current: head.branch == name,
                    inputLine: try reader.summary(tip)?.inputLine ?? "")
            }
        }
    }

    /// Creates a branch at REV (default HEAD) without moving HEAD.
    public static func createBranch(_ workspace: Workspace, name: BranchName, at revision: String?) throws -> ObjectID {
        try workspace.repository.write { writer in
            guard try writer.read.target(of: name.refName) == nil else { throw StoreError.branchExists(name.rawValue) }
            let start = try writer.read.resolve(revision ?? "HEAD")
            try writer.updateRef(name.refName, to: start, expecting: nil, message: "branch: created from \(revision ?? "HEAD")")
            return start
        }
    }

    /// Deletes a branch. Without `force`, refuses when no other branch or HEAD reaches its tip.
    public static func deleteBranch(_ workspace: Workspace, name: BranchName, force: Bool) throws -> ObjectID {
        try workspace.repository.write { writer in
            let reader = writer.read
            guard let tip = try reader.target(of: name.refName) else { throw StoreError.branchNotFound(name.rawValue) }
            let head = try reader.head()
            if head.branch == name { throw StoreError.cannotDeleteCurrentBranch(name.rawValue) }
            if !force {
                var others = Set(try reader.branches().filter { $0.name != name }.map(\.tip))
                if let headTip = head.tip { others.insert(headTip) }
                guard try reader.reachableTurns(from: others).contains(tip) else { throw StoreError.branchNotMerged(name.rawValue) }
            }
            try writer.updateRef(name.refName, to: nil, expecting: tip, message: "branch: deleted")
            // git drops a deleted branch's reflog; keep HEAD's, which still names the turns for recovery.
            try writer.deleteReflog(name.refName)
            return tip
        }
    }

    /// The existing branch a typed name means: one stored with exactly these code points (written before names
    /// were normalised to NFC, or named `refs/…` by an older convo), else the name normalised as a new one.
    public static func existingBranch(_ workspace: Workspace, _ text: String) throws -> BranchName {
        if let stored = try? BranchName(stored: text), try workspace.repository.read({ try $0.target(of: stored.refName) }) != nil {
            return stored
        }
        return try BranchName(text)
    }

    /// Renames a branch; HEAD follows if it was on it.
    public static func renameBranch(_ workspace: Workspace, from old: BranchName?, to new: BranchName) throws -> BranchName {
        try workspace.repository.write { writer in
            guard let source = try old ?? writer.read.head().branch else {
                throw StoreError.invalidRevision("HEAD", reason: "HEAD is detached; name the branch to rename")
            }
            try writer.renameBranch(source, to: new)
            return source
        }
    }

    /// `main`, or the short id of a detached HEAD, for reflog messages.
    static func describeHead(_ reader: StoreReader) throws -> String {
        switch try reader.head() {
        case .branch(let branch, _): branch.rawValue
        case .detached(let id): id.abbreviated()
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
