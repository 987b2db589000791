import ConvoStore
import Foundation

/// What `convo push` was asked.
public struct PushOptions: Sendable {
    /// The remote's name; nil for `origin` (or the only remote).
    public var remote: String?
    /// The branches to push; empty pushes every branch.
    public var branches: [String]
    /// Compute and report, export and push nothing.
    public var dryRun: Bool
    /// Replace this machine's own refs on the remote even when they are not fast-forwards.
    public var force: Bool
    /// Report progress on stderr: git's meter while it sends, and every 10,000 turns exported.
    public var progress: Bool

    /// Creates push options.
    public init(remote: String? = nil, branches: [String] = [], dryRun: Bool = false, force: Bool = false, progress: Bool = false) {
        self.remote = remote
        self.branches = branches
        self.dryRun = dryRun
        self.force = force
        self.progress = progress
    }
}

/// One ref a push moved (or would move).
public struct PushedRef: Sendable, Encodable, Equatable {
    /// The local branch.
    public var branch: String
    /// The ref on the remote, `refs/heads/<machine>/<branch>`.
    public var ref: String
    /// The turn at its tip.
    public var turn: String
    /// The git commit at its tip.
    public var commit: String?
    /// True when the remote did not have the ref before.
    public var created: Bool
}

/// What `convo push` did.
public struct PushReport: Sendable, Encodable {
    /// The remote's name.
    public var gitRemote: String
    /// Its URL.
    public var url: String
    /// This repository's machine name.
    public var machine: String
    /// True for `--dry-run`.
    public var dryRun: Bool
    /// Turns newly made into git commits.
    public var exportedTurns: Int
    /// The refs moved (or that would move).
    public var updated: [PushedRef]
    /// Branches the remote already had at their tips.
    public var upToDate: [String]
    /// Warnings for a person (many refs for a hosting site), also written to stderr as they arise.
    public var warnings: [String]

    enum CodingKeys: String, CodingKey {
        case gitRemote = "git_remote", url, machine, dryRun = "dry_run", exportedTurns = "exported_turns", updated
        case upToDate = "up_to_date", warnings
    }
}

/// `convo push`: export the turns of the branches as git commits (one `git fast-import` for all turns not yet
/// exported) and push this machine's refs.
public enum Push {
    /// Branch refs past which hosting sites slow down (GitHub warns past 5,000 refs).
    static let manyRefs = 3_000

    /// Pushes.
    public static func run(_ workspace: Workspace, _ options: PushOptions) throws -> PushReport {
        let site = try SyncSite.open(workspace, create: !options.dryRun)
        let remote = try options.remote ?? site.defaultRemote()
        let url = try site.url(of: remote)
        let remoteRefs = try site.remoteRefs(remote)
        let (branches, existing) = try workspace.repository.read { reader -> ([(name: BranchName, tip: ObjectID)], Set<String>) in
            let all = try reader.branches()
            let names = Set(all.map(\.name.rawValue))
            // `<branch>@<machine>` holds another machine's diverged line, which that machine pushes itself.
            if options.branches.isEmpty { return (all.filter { !$0.name.rawValue.contains("@") }, names) }
            return (try options.branches.map { wanted in
                guard let found = all.first(where: { $0.name.rawValue == wanted }) else { throw SyncError.noSuchBranch(wanted) }
                return found
            }, names)
        }
        // A name an older convo let through, which no machine may make a new branch of.
        if let named = branches.first(where: { BranchName.readsAsAFullID($0.name.rawValue) }) {
            throw SyncError.branchNamedAsAnID(named.name.rawValue)
        }
        // A branch pushed alone may meet the private ref of any other branch, which an earlier push made.
        try refuseNameConflicts(branches.map(\.name.rawValue), among: options.branches.isEmpty ? Set(branches.map(\.name.rawValue)) : existing)
        try refuseRemoteNameConflicts(
            branches.map { "refs/heads/\(site.name)/\($0.name.rawValue)" }, remoteRefs: remoteRefs.keys, remote: remote, url: url)
        if !options.dryRun {
            // The private refs of branches deleted or renamed since an earlier push could stand in the way too.
            try pruneLocalRefs(site.git, keeping: existing)
        }
        var report = PushReport(
            gitRemote: remote, url: url, machine: site.name, dryRun: options.dryRun, exportedTurns: 0, updated: [], upToDate: [],
            warnings: [])
        if branches.count > manyRefs {
            let warning = "pushing \(branches.count) branch refs; hosting sites slow down past a few thousand (GitHub warns past 5,000)"
            report.warnings.append(warning)
            // Now, before the export and git's transfer, not in the report at the end: a person can still stop it.
            workspace.environment.errors.line("warning: " + warning)
        }
        let exported = try export(site, branches: branches, dryRun: options.dryRun, progress: options.progress)
        report.exportedTurns = exported.count
        var refspecs = [String]()
        for branch in branches {
            let ref = "refs/heads/\(site.name)/\(branch.name.rawValue)"
            let commit = exported.commits[branch.tip]
            if let commit, remoteRefs[ref] == commit {
                report.upToDate.append(branch.name.rawValue)
                continue
            }
            report.updated.append(
                PushedRef(branch: branch.name.rawValue, ref: ref, turn: branch.tip.hex, commit: commit, created: remoteRefs[ref] == nil))
            refspecs.append((options.force ? "+" : "") + SyncSite.localPrefix + branch.name.rawValue + ":" + ref)
        }
        guard !options.dryRun, !refspecs.isEmpty else { return report }
        if options.branches.isEmpty {
            // git matches every explicit refspec against every ref: 3,001 branches took 34 s to push one by one,
            // 0.8 s as one pattern. The pattern sends every local ref, so those of deleted branches go first.
            try pruneLocalRefs(site.git, keeping: Set(branches.map(\.name.rawValue)))
            refspecs = [(options.force ? "+" : "") + SyncSite.localPrefix + "*:refs/heads/\(site.name)/*"]
        }
        let progress = options.progress ? workspace.environment.errors : nil
        let result = try site.git.run(["push", "--porcelain"] + (progress == nil ? [] : ["--progress"]) + ["--", remote] + refspecs, progress: progress)
        if result.status != 0 {
            let rejected = result.text.split(separator: "\n").filter { $0.hasPrefix("!") }
            if !rejected.isEmpty || result.err.contains("[rejected]") || result.err.contains("[remote rejected]") {
                let refs = rejected.compactMap { line in line.split(separator: "\t").dropFirst().first.map { String($0.split(separator: ":").last ?? $0) } }
                let reason = rejected.first.flatMap { $0.split(separator: "\t").last.map(String.init) } ?? result.err
                throw SyncError.rejected(remote: remote, refs: refs.isEmpty ? report.updated.map(\.ref) : refs, detail: reason)
            }
            throw SyncError.transport(remote: remote, result)
        }
        return report
    }

    /// Throws ``SyncError/branchNameConflict(_:under:)`` for a branch of `pushed` whose name is a folder of a name
    /// in `names`, or lies under one (`a` and `a/b`): a pair made before convo refused it, which git cannot hold.
    static func refuseNameConflicts(_ pushed: [String], among names: Set<String>) throws {
        let pushedSet = Set(pushed)
        if let pair = BranchName.folderConflict(pushed, in: names) ?? BranchName.folderConflict(names.subtracting(pushedSet), in: pushedSet) {
            throw SyncError.branchNameConflict(pair.folder, under: pair.name)
        }
    }

    /// Throws ``SyncError/remoteNameConflict(remote:url:existing:pushing:)`` when the remote holds a ref that git
    /// cannot keep beside one of `pushed` (`laptop/a` for `laptop/a/b`): one of a branch pushed earlier and
    /// deleted or renamed here since. git would refuse it with its raw "cannot lock ref".
    static func refuseRemoteNameConflicts(_ pushed: [String], remoteRefs: some Collection<String>, remote: String, url: String) throws {
        let pushedSet = Set(pushed)
        let others = Set(remoteRefs).subtracting(pushedSet)
        if let pair = BranchName.folderConflict(pushed, in: others) {
            throw SyncError.remoteNameConflict(remote: remote, url: url, existing: pair.folder, pushing: pair.name)
        }
        if let pair = BranchName.folderConflict(others, in: pushedSet) {
            throw SyncError.remoteNameConflict(remote: remote, url: url, existing: pair.name, pushing: pair.folder)
        }
    }


    /// Exported turns: how many were newly written, and the commit of every branch tip.
    struct Exported {
        var count: Int
        var commits: [ObjectID: String]
    }

    /// Writes the commits of every turn the branches reach that has none yet, with one `git fast-import`, and
    /// records them; points `refs/convo/local/<branch>` at the tips. A dry run only counts.
    static func export(_ site: SyncSite, branches: [(name: BranchName, tip: ObjectID)], dryRun: Bool, progress: Bool) throws -> Exported {
        let git = site.git
        let streamFile = URL(fileURLWithPath: git.gitDirectory).appendingPathComponent("convo-export-\(getpid()).stream")
        defer { try? FileManager.default.removeItem(at: streamFile) }
        var known = try site.workspace.repository.read { try $0.gitCommits() }
        // A recorded commit the private repository lost (its folder deleted) is made again: same turn, same commit.
        let missing = try missingCommits(git, Array(Set(branches.compactMap { known[$0.tip] })))
        if !missing.isEmpty { known = known.filter { !missing.contains($0.value) } }
        let plan = try site.workspace.repository.read { reader -> (stream: FastImportStream?, count: Int) in
            var order = [ObjectID]()
            var seen = Set<ObjectID>()
            for branch in branches {
                var chain = [ObjectID]()
                var next: ObjectID? = branch.tip
                while let id = next, known[id] == nil, !seen.contains(id) {
                    chain.append(id)
                    seen.insert(id)
                    guard let summary = try reader.summary(id) else { throw StoreError.objectNotFound(id) }
                    next = summary.parent
                }
                order.append(contentsOf: chain.reversed())
            }
            if dryRun || order.isEmpty { return (nil, order.count) }
            var stream = try FastImportStream(file: streamFile)
            var generations = [ObjectID: Int]()
            for (index, id) in order.enumerated() {
                guard let (_, bytes) = try reader.object(id) else { throw StoreError.objectNotFound(id) }
                let turn = try Turn(canonicalBytes: bytes)
                let generation = try turn.parent.map { parent in try generations[parent].map { $0 + 1 } ?? (reader.depth(of: parent) + 1) } ?? 1
                generations[id] = generation
                try stream.add(turn, id: id, bytes: bytes, generation: generation, parentCommit: turn.parent.flatMap { known[$0] }, reader: reader)
                if progress, index > 0, index % 10_000 == 0 { site.workspace.environment.errors.line("exporting turns: \(index)/\(order.count)") }
            }
            for branch in branches { try stream.reset(SyncSite.localPrefix + branch.name.rawValue, turn: branch.tip, commit: known[branch.tip]) }
            try stream.finish()
            return (stream, order.count)
        }
        guard let stream = plan.stream else {
            if !dryRun { try pointLocalRefs(git, branches: branches, known: known) }
            return Exported(count: plan.count, commits: known)
        }
        let marks = streamFile.appendingPathExtension("marks")
        defer { try? FileManager.default.removeItem(at: marks) }
        let input = try FileHandle(forReadingFrom: streamFile)
        defer { try? input.close() }
        let result = try git.run(["fast-import", "--quiet", "--force", "--export-marks=" + marks.path]) { handle in
            while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty { try handle.write(contentsOf: chunk) }
        }
        guard result.status == 0 else { throw SyncError.gitFailed("git fast-import", status: result.status, message: result.err) }
        var byMark = [Int: String]()
        for line in try String(contentsOf: marks, encoding: .utf8).split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, fields[0].hasPrefix(":"), let mark = Int(fields[0].dropFirst()) else { continue }
            byMark[mark] = String(fields[1])
        }
        try site.workspace.repository.write { writer in
            for entry in stream.entries {
                guard let commit = byMark[entry.mark] else { continue }
                try writer.recordGitCommit(turn: entry.turn, commit: commit)
                known[entry.turn] = commit
            }
        }
        return Exported(count: plan.count, commits: known)
    }

    /// Points `refs/convo/local/<branch>` at commits that already exist (nothing new to export).
    static func pointLocalRefs(_ git: Git, branches: [(name: BranchName, tip: ObjectID)], known: [ObjectID: String]) throws {
        let updates = branches.compactMap { branch in known[branch.tip].map { "update \(SyncSite.localPrefix)\(branch.name.rawValue) \($0)\n" } }
        guard !updates.isEmpty else { return }
        let text = updates.joined()
        try git.check(["update-ref", "--stdin"]) { try $0.write(contentsOf: Data(text.utf8)) }
    }

    /// Deletes `refs/convo/local/<branch>` of every branch not in `keeping` (deleted or renamed since an earlier push).
    static func pruneLocalRefs(_ git: Git, keeping: Set<String>) throws {
        let names = try git.check(["for-each-ref", "--format=%(refname)", SyncSite.localPrefix]).text.split(separator: "\n")
        let deletions = names.filter { !keeping.contains(String($0.dropFirst(SyncSite.localPrefix.count))) }.map { "delete \($0)\n" }.joined()
        guard !deletions.isEmpty else { return }
        try git.check(["update-ref", "--stdin"]) { try $0.write(contentsOf: Data(deletions.utf8)) }
    }

    /// Which of `commits` the private repository does not hold.
    static func missingCommits(_ git: Git, _ commits: [String]) throws -> Set<String> {
        guard !commits.isEmpty else { return [] }
        let text = commits.map { $0 + "\n" }.joined()
        let result = try git.run(["cat-file", "--batch-check"]) { try $0.write(contentsOf: Data(text.utf8)) }
        return Set(result.text.split(separator: "\n").filter { $0.hasSuffix(" missing") }.map { String($0.split(separator: " ")[0]) })
    }
}
