import ConvoStore
import Foundation

/// What `convo pull` was asked.
public struct PullOptions: Sendable {
    /// The remote's name; nil for `origin` (or the only remote).
    public var remote: String?
    /// Fetch and check, write nothing to the repository.
    public var dryRun: Bool
    /// Report progress on stderr: git's meter while it receives, and the turns being checked and written.
    public var progress: Bool

    /// Creates pull options.
    public init(remote: String? = nil, dryRun: Bool = false, progress: Bool = false) {
        self.remote = remote
        self.dryRun = dryRun
        self.progress = progress
    }
}

/// What a pull did to one branch of another machine.
public struct PulledBranch: Sendable, Encodable, Equatable {
    /// What happened.
    public enum Action: String, Sendable, Encodable {
        /// The branch did not exist here: created.
        case created
        /// The other machine was ahead: the branch moved forward.
        case fastForward = "fast-forward"
        /// The lines diverged: the local branch stayed, the other line is `<branch>@<machine>`.
        case diverged
        /// The branch already holds the other machine's tip.
        case upToDate = "up-to-date"
    }

    /// The machine that pushed it.
    public var machine: String
    /// The branch's name on that machine.
    public var branch: String
    /// The local branch that holds it: `branch`, or `<branch>@<machine>` when diverged.
    public var localBranch: String
    /// What happened.
    public var action: Action
    /// The other machine's tip turn.
    public var turn: String

    enum CodingKeys: String, CodingKey {
        case machine, branch, localBranch = "local_branch", action, turn
    }
}

/// What `convo pull` did.
public struct PullReport: Sendable, Encodable {
    /// The remote's name.
    public var gitRemote: String
    /// Its URL.
    public var url: String
    /// True for `--dry-run`.
    public var dryRun: Bool
    /// Commits read and checked.
    public var checkedCommits: Int
    /// Turns new to this repository.
    public var newTurns: Int
    /// Every other machine's branch and what became of it.
    public var branches: [PulledBranch]

    enum CodingKeys: String, CodingKey {
        case gitRemote = "git_remote", url, dryRun = "dry_run", checkedCommits = "checked_commits", newTurns = "new_turns", branches
    }
}

/// `convo pull`: fetch every machine's refs into the private repository, read the new commits with one
/// `git cat-file --batch`, re-hash every object, and adopt the turns and reconcile the branches in one
/// transaction: all of a pull or nothing.
public enum Pull {
    /// Pulls.
    public static func run(_ workspace: Workspace, _ options: PullOptions) throws -> PullReport {
        let site = try SyncSite.open(workspace, create: !options.dryRun)
        let remote = try options.remote ?? site.defaultRemote()
        let url = try site.url(of: remote)
        _ = try site.remoteRefs(remote)
        let tracking = "refs/remotes/\(remote)/"
        let progress = options.progress ? workspace.environment.errors : nil
        let fetched = try site.git.run(
            // --quiet keeps git's list of updated tracking refs (names of the private repository) off stderr;
            // --progress still shows the meter.
            ["fetch", "--quiet"] + (progress == nil ? [] : ["--progress"]) + ["--no-tags", "--prune", "--no-write-fetch-head", "--", remote, "+refs/heads/*:\(tracking)*"],
            progress: progress)
        guard fetched.status == 0 else { throw SyncError.transport(remote: remote, fetched) }
        var tips = [(machine: String, branch: String, commit: String)]()
        for line in try site.git.check(["for-each-ref", "--format=%(objectname) %(refname)", tracking]).text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let name = line[line.index(after: space)...].dropFirst(tracking.count)
            guard let slash = name.firstIndex(of: "/") else { continue }
            let machine = String(name[..<slash])
            // This machine's own refs, and other machines' copies of lines that came from here.
            if machine == site.name || name.hasSuffix("@" + site.name) { continue }
            tips.append((machine, String(name[name.index(after: slash)...]), String(line[..<space])))
        }
        var report = PullReport(gitRemote: remote, url: url, dryRun: options.dryRun, checkedCommits: 0, newTurns: 0, branches: [])
        guard !tips.isEmpty else { return report }
        // Commits not read before: not reachable from what was exported here or adopted by an earlier pull.
        let listed = try site.git.check(
            ["rev-list", "--reverse", "--topo-order"] + Array(Set(tips.map(\.commit))) + ["--not", "--glob=refs/convo/*"]
        ).text.split(separator: "\n").map(String.init)
        if options.progress, !listed.isEmpty { workspace.environment.errors.line("reading \(listed.count) new commit\(listed.count == 1 ? "" : "s")") }
        let received = try Received.read(site, commits: listed)
        report.checkedCommits = received.commits.count
        let known = try workspace.repository.read { reader in try received.commits.filter { try reader.kind(of: $0.turn) == .turn }.count }
        report.newTurns = received.commits.count - known
        let tipTurns = try tips.map { tip -> ObjectID in
            if let turn = received.turnOfCommit[tip.commit] { return turn }
            if let turn = try workspace.repository.read({ try $0.turn(ofGitCommit: tip.commit) }) { return turn }
            // Adopted by an earlier pull or exported here, but not recorded (a lost table): ask the commit.
            guard let object = try received.batchObject(site, tip.commit), let turn = TurnCommit.turn(inMessage: String(decoding: object, as: UTF8.self)) else {
                throw SyncError.tampered(commit: tip.commit, detail: "it has no Convo-Turn trailer")
            }
            return turn
        }
        let environment = workspace.environment
        if options.progress, !received.commits.isEmpty { environment.errors.line("checking and writing \(received.commits.count) turn\(received.commits.count == 1 ? "" : "s")") }
        let receivedBlobs = Dictionary(received.blobs, uniquingKeysWith: { first, _ in first })
        report.branches = try workspace.repository.write(packing: true) { writer -> [PulledBranch] in
            for (id, bytes) in received.blobs { try writer.adoptBlob(bytes, expected: id) }
            for commit in received.commits {
                do {
                    _ = try writer.adoptTurn(commit.bytes, expected: commit.turn, received: receivedBlobs)
                } catch let error as StoreError {
                    throw SyncError.tampered(commit: commit.commit, detail: "\(error)")
                }
                try writer.recordGitCommit(turn: commit.turn, commit: commit.commit)
            }
            // Ref moves and ancestry walks read the index: write out what the bulk write holds back.
            try writer.flush()
            var results = [PulledBranch]()
            for (tip, turn) in zip(tips, tipTurns) {
                guard try writer.read.kind(of: turn) == .turn else {
                    throw SyncError.tampered(commit: tip.commit, detail: "turn \(turn.hex) is neither received nor stored here")
                }
                results.append(try reconcile(writer, machine: tip.machine, branch: tip.branch, turn: turn))
            }
            if options.dryRun { throw DryRun(results: results) }
            return results
        } catchingDryRun: { $0 }
        if !options.dryRun {
            let updates = tips.map { "update \(SyncSite.importedPrefix)\(remote)/\($0.machine)/\($0.branch) \($0.commit)\n" }.joined()
            try site.git.check(["update-ref", "--stdin"]) { try $0.write(contentsOf: Data(updates.utf8)) }
        }
        return report
    }

    /// Reconciles the local branch `branch` with another machine's tip `turn`: created when missing, moved
    /// forward when behind, left alone when ahead or equal; when diverged, the other line becomes
    /// `<branch>@<machine>` (conversations never merge).
    static func reconcile(_ writer: StoreWriter, machine: String, branch: String, turn: ObjectID) throws -> PulledBranch {
        let message = "pull: from \(machine)/\(branch)"
        let local = try BranchName(stored: branch)
        var result = PulledBranch(machine: machine, branch: branch, localBranch: branch, action: .upToDate, turn: turn.hex)
        guard let tip = try writer.read.target(of: local.refName) else {
            do {
                try writer.updateRef(local.refName, to: turn, expecting: nil, message: message)
            } catch StoreError.branchNameConflict {
                // A branch here stands where git cannot keep this name beside it (`a` here, `a/b` there, or the
                // other way round): the line comes in beside it, as a diverged one does, with its slashes as
                // dashes so that it is under no branch's name. Refusing would stop every pull of the remote,
                // since the other machine keeps its name whatever this one renames.
                return try aside(writer, result, turn: turn, name: "\(branch.replacingOccurrences(of: "/", with: "-"))@\(machine)", message: message, action: .created)
            }
            result.action = .created
            return result
        }
        if try tip == turn || isAncestor(turn, of: tip, writer.read) { return result }
        if try isAncestor(tip, of: turn, writer.read) {
            try writer.updateRef(local.refName, to: turn, expecting: tip, message: message + " (fast-forward)")
            result.action = .fastForward
            return result
        }
        return try aside(writer, result, turn: turn, name: "\(branch)@\(machine)", message: message + " (diverged)", action: .diverged)
    }

    /// Puts the other machine's tip on the local branch `name` beside the branch it came as, creating or moving it.
    private static func aside(
        _ writer: StoreWriter, _ result: PulledBranch, turn: ObjectID, name: String, message: String, action: PulledBranch.Action
    ) throws -> PulledBranch {
        var result = result
        let aside = try BranchName(stored: name)
        let existing = try writer.read.target(of: aside.refName)
        result.localBranch = aside.rawValue
        if existing == turn { return result }
        try writer.updateRef(aside.refName, to: turn, expecting: existing, message: message)
        result.action = action
        return result
    }

    /// Whether `ancestor` is `descendant` or one of its ancestors, walking back no further than the
    /// generations between them.
    static func isAncestor(_ ancestor: ObjectID, of descendant: ObjectID, _ reader: StoreReader) throws -> Bool {
        let steps = try reader.depth(of: descendant) - reader.depth(of: ancestor)
        guard steps >= 0 else { return false }
        return try reader.ancestry(of: descendant, limit: steps + 1).last?.id == ancestor
    }

    /// Thrown out of the transaction of a dry run so that it rolls back, carrying what it would have done.
    struct DryRun: Error {
        var results: [PulledBranch]
    }
}

extension Repository {
    /// Runs a write transaction; a ``Pull/DryRun`` thrown out of it rolls it back and its results are returned.
    func write<T>(packing: Bool, _ body: (StoreWriter) throws -> T, catchingDryRun: ([PulledBranch]) -> T) throws -> T {
        do { return try write(packing: packing, body) } catch let dryRun as Pull.DryRun { return catchingDryRun(dryRun.results) }
    }
}

/// The commits of a pull, read and checked.
struct Received {
    /// One commit: its git id, the turn its trailer names and the turn's bytes (checked against it when adopted).
    struct Commit {
        var commit: String
        var turn: ObjectID
        var bytes: [UInt8]
    }

    var commits = [Commit]()
    var turnOfCommit = [String: ObjectID]()
    /// Blobs not stored here yet, already re-hashed.
    var blobs = [(ObjectID, [UInt8])]()
    private var batch: CatFileBatch?

    /// Reads `commits` (parents first) with one `git cat-file --batch`: each commit, its `convo/turn` and its
    /// `convo/blobs` tree, then the blobs this repository lacks. A blob whose bytes do not hash to its name, a
    /// commit without trailer or turn, or a turn whose bytes do not hash to the trailer's id rejects the pull.
    static func read(_ site: SyncSite, commits: [String]) throws -> Received {
        var received = Received()
        guard !commits.isEmpty else { return received }
        let batch = try CatFileBatch(site.git)
        defer { batch.close() }
        let known = try site.workspace.repository.read { reader in try Set(commits.filter { try reader.turn(ofGitCommit: $0) != nil }) }
        let fresh = commits.filter { !known.contains($0) }
        let objects = try batch.objects(fresh.flatMap { [$0, $0 + ":convo/turn", $0 + ":convo/blobs"] })
        var listed = [(ObjectID, String, String)]()  // convo id, git blob id, commit
        var listedIDs = Set<ObjectID>()
        let reader = site.workspace.repository
        for (index, commit) in fresh.enumerated() {
            guard let object = objects[index * 3], object.type == "commit" else {
                throw SyncError.tampered(commit: commit, detail: "it is not a commit")
            }
            guard let turn = TurnCommit.turn(inMessage: String(decoding: object.bytes, as: UTF8.self)) else {
                throw SyncError.tampered(commit: commit, detail: "it has no Convo-Turn trailer")
            }
            guard let turnObject = objects[index * 3 + 1], turnObject.type == "blob" else {
                throw SyncError.tampered(commit: commit, detail: "its tree has no convo/turn")
            }
            let actual = ObjectID.hashing(kind: .turn, payload: turnObject.bytes)
            guard actual == turn else {
                throw SyncError.tampered(commit: commit, detail: "convo/turn hashes to \(actual.hex), not turn \(turn.hex)")
            }
            received.commits.append(Commit(commit: commit, turn: turn, bytes: turnObject.bytes))
            received.turnOfCommit[commit] = turn
            guard let tree = objects[index * 3 + 2] else { continue }
            guard tree.type == "tree" else { throw SyncError.tampered(commit: commit, detail: "convo/blobs is not a folder") }
            for entry in try treeEntries(tree.bytes, commit: commit) {
                guard let id = ObjectID(hex: entry.name) else {
                    throw SyncError.tampered(commit: commit, detail: "convo/blobs/\(entry.name) is not named by a convo id")
                }
                if listedIDs.insert(id).inserted { listed.append((id, entry.object, commit)) }
            }
        }
        let wanted = try reader.read { reader in try listed.filter { try reader.kind(of: $0.0) != .blob } }
        let blobs = try batch.objects(wanted.map(\.1))
        for ((id, _, commit), object) in zip(wanted, blobs) {
            guard let object, object.type == "blob" else { throw SyncError.tampered(commit: commit, detail: "convo/blobs/\(id.hex) is missing") }
            let actual = ObjectID.hashing(kind: .blob, payload: object.bytes)
            guard actual == id else {
                throw SyncError.tampered(commit: commit, detail: "convo/blobs/\(id.hex) hashes to \(actual.hex)")
            }
            received.blobs.append((id, object.bytes))
        }
        for commit in commits where known.contains(commit) {
            if let turn = try reader.read({ try $0.turn(ofGitCommit: commit) }) { received.turnOfCommit[commit] = turn }
        }
        return received
    }

    /// The raw bytes of one object (a tip's commit, when the mapping lost it).
    func batchObject(_ site: SyncSite, _ name: String) throws -> [UInt8]? {
        let batch = try CatFileBatch(site.git)
        defer { batch.close() }
        return try batch.objects([name]).first??.bytes
    }

    /// Lowercase hex of `bytes` (String(format:) per byte was a tenth of a clone's time).
    static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The entries of a git tree object: `<mode> <name>\0<binary id>` each.
    static func treeEntries(_ bytes: [UInt8], commit: String) throws -> [(name: String, object: String)] {
        var entries = [(String, String)]()
        var index = 0
        // SHA-1 repositories use 20-byte ids; SHA-256 ones 32. The private repository is created with git's default.
        let idLength = 20
        while index < bytes.count {
            guard let space = bytes[index...].firstIndex(of: 0x20), let nul = bytes[space...].firstIndex(of: 0), nul + idLength < bytes.count + 1 else {
                throw SyncError.tampered(commit: commit, detail: "convo/blobs is not a readable tree")
            }
            let name = String(decoding: bytes[(space + 1)..<nul], as: UTF8.self)
            let id = hex(bytes[(nul + 1)..<(nul + 1 + idLength)])
            entries.append((name, id))
            index = nul + 1 + idLength
        }
        return entries
    }
}
