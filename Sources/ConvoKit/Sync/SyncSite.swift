import ConvoStore
import Foundation

/// The private bare git repository of a convo repository (`.convo/git`), with its remotes, and this
/// repository's machine name (`sync.name`): where push, pull and clone work.
struct SyncSite {
    /// The private repository's folder name inside `.convo/`.
    static let folderName = "git"
    /// Where this machine's branches are exported to in the private repository.
    static let localPrefix = "refs/convo/local/"
    /// What pull last adopted from each remote ref, so the next pull reads only newer commits.
    static let importedPrefix = "refs/convo/imported/"

    let workspace: Workspace
    let git: Git
    /// This repository's machine name: its branches go to `refs/heads/<name>/<branch>` on a remote.
    let name: String

    /// Opens the private repository (creating it on first use) and the machine name (choosing and storing it on
    /// first use: the host name and four random hex digits, so that two repositories on one host never push
    /// into one namespace). Without `create` (dry runs, listing) a new name is not stored.
    static func open(_ workspace: Workspace, create: Bool = true) throws -> SyncSite {
        guard let directory = workspace.repository.directory else {
            throw SyncError.gitFailed("convo", status: -1, message: "push and pull need a repository on disk")
        }
        let folder = directory.appendingPathComponent(folderName).path
        let git = try Git(gitDirectory: folder, variables: workspace.environment.variables)
        if !FileManager.default.fileExists(atPath: folder + "/HEAD") {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try git.check(["init", "--bare", "--quiet", folder])
            // A private transport repository: no reflogs or automatic gc that could drop what a pull still reads.
            try git.check(["config", "core.logAllRefUpdates", "false"])
            try git.check(["config", "gc.auto", "0"])
        }
        let name = try machineName(workspace, create: create)
        return SyncSite(workspace: workspace, git: git, name: name)
    }

    /// `sync.name`, set to a new default when unset.
    static func machineName(_ workspace: Workspace, create: Bool) throws -> String {
        if let stored = try workspace.repository.read({ try $0.config(ConfigKey.syncName.rawValue) }), !stored.isEmpty {
            return stored
        }
        let name = defaultMachineName()
        if create {
            try workspace.repository.write { try $0.setConfig(ConfigKey.syncName.rawValue, name) }
        }
        return name
    }

    /// The host name, cut to what a ref component takes, and four random hex digits.
    static func defaultMachineName() -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "machine"
        var cleaned = String(host.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }.map(Character.init))
        if cleaned.isEmpty { cleaned = "machine" }
        return cleaned + "-" + String(format: "%04x", UInt16.random(in: 0...UInt16.max))
    }

    /// The URL of remote `name`; throws ``SyncError/noSuchRemote(_:known:)``.
    func url(of remote: String) throws -> String {
        let result = try git.run(["config", "--get", "remote.\(remote).url"])
        guard result.status == 0 else { throw SyncError.noSuchRemote(remote, known: try remotes().map(\.name)) }
        return result.text.trimmingCharacters(in: .newlines)
    }

    /// The configured remotes, sorted by name.
    func remotes() throws -> [GitRemote] {
        let result = try git.run(["config", "--get-regexp", "^remote\\..*\\.url$"])
        guard result.status == 0 else { return [] }
        return result.text.split(separator: "\n").compactMap { line in
            guard let space = line.firstIndex(of: " ") else { return nil }
            let key = line[..<space]
            guard key.hasPrefix("remote."), key.hasSuffix(".url") else { return nil }
            return GitRemote(name: String(key.dropFirst(7).dropLast(4)), url: String(line[line.index(after: space)...]))
        }.sorted { $0.name < $1.name }
    }

    /// The remote a push or pull without a name uses: `origin`, else the only one.
    func defaultRemote() throws -> String {
        let all = try remotes()
        if all.contains(where: { $0.name == "origin" }) { return "origin" }
        if all.count == 1, let only = all.first { return only.name }
        if all.isEmpty { throw SyncError.noRemote }
        throw SyncError.noSuchRemote("origin", known: all.map(\.name))
    }

    /// The refs the remote holds, by name (`git ls-remote`); refuses a remote that holds refs convo never writes.
    func remoteRefs(_ remote: String) throws -> [String: String] {
        let result = try git.run(["ls-remote", "--", remote])
        guard result.status == 0 else { throw SyncError.transport(remote: remote, result) }
        var refs = [String: String]()
        var foreign = [String]()
        for line in result.text.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            guard fields.count == 2 else { continue }
            let name = String(fields[1])
            if name == "HEAD" { continue }
            // A convo remote holds only refs/heads/<machine>/<branch>; a code repository has refs/heads/main,
            // tags, pull requests…
            if !name.hasPrefix("refs/heads/") || !name.dropFirst(11).contains("/") {
                foreign.append(name)
                continue
            }
            refs[name] = String(fields[0])
        }
        if !foreign.isEmpty { throw SyncError.notAConvoRemote(remote: remote, refs: foreign.sorted()) }
        return refs
    }
}

/// One git remote: its name and URL.
public struct GitRemote: Sendable, Encodable, Equatable {
    /// The remote's name, e.g. `origin`.
    public var name: String
    /// Where it is: a path, `file://`, `ssh://`, `git@host:path` or `https://`.
    public var url: String
}

/// `convo remote`: the git remotes conversations are pushed to and pulled from.
public enum Remotes {
    /// Every configured remote.
    public static func list(_ workspace: Workspace) throws -> [GitRemote] {
        try SyncSite.open(workspace, create: false).remotes()
    }

    /// Adds remote `name` at `url`.
    public static func add(_ workspace: Workspace, name: String, url: String) throws -> GitRemote {
        try validate(name)
        try check(url: url)
        let site = try SyncSite.open(workspace)
        if try site.remotes().contains(where: { $0.name == name }) { throw SyncError.remoteExists(name) }
        try site.git.check(["remote", "add", "--", name, resolved(url, workspace)])
        return GitRemote(name: name, url: try site.url(of: name))
    }

    /// Refuses a URL git would take for something else or that names nothing: empty or blank (a path to the
    /// current folder once resolved), an option, several lines.
    public static func check(url: String) throws {
        if url.allSatisfy(\.isWhitespace) || url.hasPrefix("-") || url.contains(where: \.isNewline) {
            throw SyncError.invalidRemoteURL(url)
        }
    }

    /// Removes remote `name` and what pull kept of it.
    public static func remove(_ workspace: Workspace, name: String) throws -> GitRemote {
        let site = try SyncSite.open(workspace, create: false)
        let url = try site.url(of: name)
        try site.git.check(["remote", "remove", "--", name])
        let refs = try site.git.check(["for-each-ref", "--format=%(refname)", SyncSite.importedPrefix + name + "/"]).text
        let deletions = refs.split(separator: "\n").map { "delete \($0)\n" }.joined()
        if !deletions.isEmpty { try site.git.check(["update-ref", "--stdin"]) { try $0.write(contentsOf: Data(deletions.utf8)) } }
        return GitRemote(name: name, url: url)
    }

    /// A relative path is made absolute: the private repository is elsewhere than the folder it was typed in.
    static func resolved(_ url: String, _ workspace: Workspace) -> String {
        if url.contains("://") || url.hasPrefix("/") { return url }
        // scp-like `host:path` (a colon before any slash) stays as it is.
        if let colon = url.firstIndex(of: ":"), !url[..<colon].contains("/") { return url }
        return workspace.environment.path(url).path
    }

    /// Checks a remote name the way git's `check-ref-format` checks a ref component.
    static func validate(_ name: String) throws {
        guard (try? BranchName(name)) != nil, !name.contains("/"), !name.hasPrefix("-") else {
            throw SyncError.invalidRemoteName(name, reason: "use letters, digits, '-', '_' or '.', without '/'")
        }
    }
}
