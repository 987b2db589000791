import ConvoStore
import Foundation

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

/// Moving HEAD and managing branches: `convo branch` here, `convo checkout` in Checkout.swift.
public enum Navigation {
    /// Lists branches, sorted by name. Without `wholeLines` a tip's long first line is only its start (enough
    /// for the shortened line the list shows; `--json` asks for it whole, which reads the tip's text).
    public static func branches(_ workspace: Workspace, wholeLines: Bool = true) throws -> [BranchInfo] {
        try workspace.repository.read { reader in
            let head = try reader.head()
            let branches = try reader.branches()
            let short = try reader.abbreviations(of: Set(branches.map(\.tip)))
            var summaries = [TurnSummary?]()
            for (_, tip) in branches { summaries.append(try reader.summary(tip)) }
            if wholeLines {
                let read = try reader.wholeLines(summaries.compactMap { $0 })
                var next = read.makeIterator()
                summaries = summaries.map { $0 == nil ? nil : next.next() }
            }
            return zip(branches, summaries).map { branch, summary in
                BranchInfo(
                    name: branch.name, tip: branch.tip, shortID: short[branch.tip] ?? branch.tip.abbreviated(), current: head.branch == branch.name,
                    inputLine: summary?.inputLine ?? "")
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
            // As git drops a deleted branch's config section: a new branch of that name starts without a preset.
            _ = try writer.unsetConfig(NamedConfigKey.branchPreset(name).rawValue)
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
            // The preset goes with the branch, as git moves a renamed branch's config section.
            if let preset = try writer.read.config(NamedConfigKey.branchPreset(source).rawValue) {
                _ = try writer.unsetConfig(NamedConfigKey.branchPreset(source).rawValue)
                try writer.setConfig(NamedConfigKey.branchPreset(new).rawValue, preset)
            }
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
