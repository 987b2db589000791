import ConvoStore
import Foundation

/// What `convo clone` did.
public struct CloneReport: Sendable, Encodable {
    /// The new repository's folder (the one holding `.convo/`).
    public var folder: String
    /// The pull that filled it.
    public var pull: PullReport
    /// The branch checked out: the one whose tip is the most recent turn.
    public var branch: String?
}

/// `convo clone URL [DIR]`: a new repository, the remote as `origin`, a pull, and the most recent branch
/// checked out.
public enum Clone {
    /// Clones `url` into `folder` (default: the URL's last path component without `.git`), with the pull's
    /// progress on stderr when `progress` is set.
    public static func run(_ environment: ConvoEnvironment, url: String, folder: String?, progress: Bool = false) throws -> CloneReport {
        try Remotes.check(url: url)
        // An empty folder name would be the current folder; git refuses it too.
        if let folder, folder.allSatisfy(\.isWhitespace) {
            throw ConvoError.invalidOption("the folder to clone into is empty: give a folder's name, or none for the URL's ('\(defaultFolder(url))')")
        }
        let name = folder ?? defaultFolder(url)
        let target = environment.path(name)
        if FileManager.default.fileExists(atPath: target.appendingPathComponent(Repository.folderName).appendingPathComponent(Repository.databaseFileName).path) {
            throw SyncError.cloneTargetExists(target.path)
        }
        let createdFolder = !FileManager.default.fileExists(atPath: target.path)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        var inner = environment
        inner.workingDirectory = target.path
        inner.variables["CONVO_DIR"] = nil
        do {
            _ = try Setup.initialize(inner, options: InitOptions())
            let workspace = try Workspace.open(inner)
            _ = try Remotes.add(workspace, name: "origin", url: Remotes.resolved(url, Workspace(repository: workspace.repository, environment: environment)))
            let pull = try Pull.run(workspace, PullOptions(remote: "origin", progress: progress))
            let branch = try workspace.repository.write { writer -> String? in
                var newest: (BranchName, Int64)?
                for (branch, tip) in try writer.read.branches() {
                    guard let summary = try writer.read.summary(tip) else { continue }
                    if newest == nil || summary.createdAt > newest?.1 ?? 0 { newest = (branch, summary.createdAt) }
                }
                guard let (branch, _) = newest else { return nil }
                try writer.setHead(toBranch: branch, message: "clone: from \(url)")
                return branch.rawValue
            }
            return CloneReport(folder: target.path, pull: pull, branch: branch)
        } catch {
            // A failed clone leaves nothing behind, as git's does.
            if createdFolder {
                try? FileManager.default.removeItem(at: target)
            } else {
                try? FileManager.default.removeItem(at: target.appendingPathComponent(Repository.folderName))
            }
            throw error
        }
    }

    /// `host:path/name.git` → `name`.
    static func defaultFolder(_ url: String) -> String {
        var trimmed = url
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        var last = trimmed.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "conversations"
        if last.hasSuffix(".git") { last.removeLast(4) }
        return last.isEmpty ? "conversations" : last
    }
}
