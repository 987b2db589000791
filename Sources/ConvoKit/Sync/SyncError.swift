import Foundation

/// Errors of push, pull, clone and the git remotes, with messages that name the value and the next step.
public enum SyncError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `git` executable on the PATH (or `CONVO_GIT` names none).
    case gitNotFound(String)
    /// A remote name that is not configured.
    case noSuchRemote(String, known: [String])
    /// `remote add` of a name that exists.
    case remoteExists(String)
    /// A remote name git would not accept.
    case invalidRemoteName(String, reason: String)
    /// A remote URL that cannot name a remote (empty, blank, an option, several lines).
    case invalidRemoteURL(String)
    /// `push`/`pull` without a remote name and with no remote configured.
    case noRemote
    /// The remote could not be reached: no such path or host, no repository there, the network.
    case unreachable(remote: String, detail: String)
    /// The remote refused the credentials.
    case authenticationFailed(remote: String, detail: String)
    /// The remote refused the update of these refs.
    case rejected(remote: String, refs: [String], detail: String)
    /// The remote holds refs convo never writes: it is not a convo history.
    case notAConvoRemote(remote: String, refs: [String])
    /// A received commit whose content does not reproduce its `Convo-Turn` id; nothing of the pull was written.
    case tampered(commit: String, detail: String)
    /// A git command failed for a reason convo does not classify.
    case gitFailed(_ command: String, status: Int32, message: String)
    /// `clone` into a folder that already holds a repository.
    case cloneTargetExists(String)
    /// A branch `push` was asked for that does not exist.
    case noSuchBranch(String)
    /// Two branches to push where one's name is a folder of the other's (`a` and `a/b`), made before convo refused
    /// such a pair: git cannot hold both refs.
    case branchNameConflict(String, under: String)
    /// A branch to push named with 64 hex digits (a turn's full id), made before convo refused such names: a
    /// clone or pull would spread it to machines where no new branch may take it.
    case branchNamedAsAnID(String)
    /// The remote holds a ref git cannot keep beside one being pushed (`laptop/a` for `laptop/a/b`): a branch
    /// pushed earlier and deleted or renamed here since.
    case remoteNameConflict(remote: String, url: String, existing: String, pushing: String)

    public var description: String {
        switch self {
        case .gitNotFound(let path):
            "git was not found (looked in \(path)); install git (apt-get install git) or set CONVO_GIT to its path"
        case .noSuchRemote(let name, let known):
            "no remote named '\(name)'" + (known.isEmpty ? "\nhint: add one with 'convo remote add \(name) <url>'" : "\nhint: the remotes are: \(known.joined(separator: ", "))")
        case .remoteExists(let name):
            "a remote named '\(name)' already exists\nhint: 'convo remote -v' lists them; 'convo remote remove \(name)' drops it"
        case .invalidRemoteName(let name, let reason):
            "'\(name)' is not a valid remote name: \(reason)"
        case .invalidRemoteURL(let url):
            "'\(Self.withoutCredentials(url))' is not a remote URL: give a git URL or path, not empty or blank, not starting with '-', on one line"
        case .noRemote:
            "no remote is configured\nhint: convo remote add origin <url>"
        case .unreachable(let remote, let detail):
            "cannot reach remote '\(remote)': \(detail)\nnothing was changed; check the URL with 'convo remote -v'"
        case .authenticationFailed(let remote, let detail):
            "remote '\(remote)' refused the credentials: \(detail)\nhint: check that 'git ls-remote <url>' works from this shell (ssh agent, credential helper)"
        case .rejected(let remote, let refs, let detail):
            "remote '\(remote)' rejected the update of \(refs.joined(separator: ", ")): \(detail)\nhint: 'convo pull \(remote)' first; 'convo push --force' replaces this machine's own refs"
        case .notAConvoRemote(let remote, let refs):
            "remote '\(remote)' holds something that is not a convo history (refs convo never writes: \(refs.prefix(3).joined(separator: ", "))\(refs.count > 3 ? ", …" : ""))\nnothing was pushed; use an empty repository for conversations"
        case .tampered(let commit, let detail):
            "commit \(commit) does not hold what its Convo-Turn trailer names: \(detail)\nnothing of this pull was written; the remote was altered or damaged"
        case .gitFailed(let command, let status, let message):
            "\(command) failed (exit \(status)): \(message.trimmingCharacters(in: .whitespacesAndNewlines))"
        case .cloneTargetExists(let path):
            "'\(path)' already holds a convo repository\nhint: clone into a new folder: convo clone <url> <dir>"
        case .noSuchBranch(let name):
            "no branch named '\(name)'\nhint: convo branch lists them"
        case .remoteNameConflict(let remote, let url, let existing, let pushing):
            "remote '\(remote)' holds \(existing), which git cannot keep beside \(pushing) (a branch pushed earlier, deleted or renamed here since?); nothing was pushed\n"
                + "hint: if that branch is gone, delete it from the remote with 'git push \(url) --delete \(existing)', then push again"
        case .branchNameConflict(let name, let under):
            "cannot push both branch '\(name)' and branch '\(under)': git cannot hold a branch that is also a folder of branches; nothing was pushed\n"
                + "hint: rename one of them, e.g. 'convo branch -m \(name) <new-name>' (every turn stays), then push again"
        case .branchNamedAsAnID(let name):
            "cannot push branch '\(name)': its name is 64 hex digits, which reads as a turn's full id (an id always names its turn); nothing was pushed\n"
                + "hint: rename it, e.g. 'convo branch -m \(name) <new-name>' (every turn stays), then push again"
        }
    }

    /// Classifies a failed fetch, push or ls-remote by git's (English) message.
    static func transport(remote: String, _ output: GitOutput) -> SyncError {
        let message = output.err
        let lines = message.split(separator: "\n").map(String.init).filter { !$0.isEmpty && !$0.hasPrefix("hint:") }
        let detail = lines.first { $0.hasPrefix("fatal:") || $0.hasPrefix("error:") } ?? lines.first ?? "exit \(output.status)"
        let lower = message.lowercased()
        // An HTTP status counts only as curl reports it through git ("The requested URL returned error: 403",
        // "RPC failed; HTTP 401"): the same digits in a remote's path or host name say nothing.
        let authentication = [
            "authentication failed", "permission denied", "could not read username", "could not read password",
            "terminal prompts disabled", "invalid username or password",
            "returned error: 401", "returned error: 403", "http 401", "http 403",
        ]
        if authentication.contains(where: lower.contains) { return .authenticationFailed(remote: remote, detail: detail) }
        return .unreachable(remote: remote, detail: detail)
    }
}

extension SyncError {
    /// `url` as a message may quote it: the user and password of `scheme://user:password@host/…` left out, as git
    /// leaves them out of the URLs it names.
    static func withoutCredentials(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@") else { return url }
        return String(url[..<scheme.upperBound]) + String(rest[rest.index(after: at)...])
    }
}
