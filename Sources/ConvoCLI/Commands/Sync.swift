import ArgumentParser
import ConvoKit
import Foundation

// The git remotes: `convo remote`, `push`, `pull` and `clone` (issue 15). "remote" alone, in `log --remote`,
// `gc --remote` and the `remote` key of --json, is the API server's copy of a response; here it is a git
// remote, as in git, so these commands' JSON names it `git_remote`.

struct RemoteCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "remote",
        abstract: "List, add or remove the git remotes conversations are pushed to and pulled from.",
        discussion: """
            A git remote is any URL git reaches: a path, file://, ssh:// or git@host:path, https://. The remotes \
            live in the repository's private git repository (.convo/git); convo never touches your own git \
            repository. Authentication is git's own (ssh agent, credential helper); convo never prompts.

            Not to be confused with the API server's copy of a response, which 'log --remote' and \
            'gc --remote' are about.

            Examples:
              convo remote add origin git@github.com:alice/conversations.git
              convo remote -v
              convo remote remove origin
            """)

    @Argument(help: ArgumentHelp("add or remove; none lists the remotes.", valueName: "action"), completion: .list(["add", "remove"]))
    var action: String?
    @Argument(help: ArgumentHelp("add: NAME URL; remove: NAME.", valueName: "args")) var words: [String] = []
    @Flag(name: .shortAndLong, help: "List with URLs.") var verbose = false
    @Flag(help: "Print JSON: the list, or the remote added or removed.") var json = false

    func validate() throws {
        switch action {
        case nil: break
        case "add": if words.count != 2 { throw ValidationError("usage: convo remote add <name> <url>") }
        case "remove", "rm": if words.count != 1 { throw ValidationError("usage: convo remote remove <name>") }
        case let other?: throw ValidationError("unknown action '\(other)': expected add or remove (or nothing, to list)")
        }
        if action == nil, !words.isEmpty { throw ValidationError("unexpected argument '\(words[0])'") }
    }

    func run(_ context: CommandContext) async throws {
        let workspace = try context.workspace()
        switch action {
        case "add":
            let remote = try Remotes.add(workspace, name: words[0], url: words[1])
            if json { try context.json(remote) }
        case "remove", "rm":
            let remote = try Remotes.remove(workspace, name: words[0])
            if json { try context.json(remote) } else { context.err.line("removed remote '\(remote.name)' (\(remote.url))") }
        default:
            let remotes = try Remotes.list(workspace)
            if json {
                for remote in remotes { try context.json(remote) }
            } else {
                for remote in remotes { context.out.line(verbose ? "\(remote.name)\t\(remote.url)" : remote.name) }
            }
        }
    }
}

struct PushCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Send the conversations to a git remote, under this machine's name.",
        discussion: """
            Each turn becomes one git commit built only from the turn (every machine makes the same commit): its \
            canonical bytes and blobs (so a pull re-checks every id) and a readable Markdown transcript, so that \
            'git log' and 'git show' on the remote read the conversation. Branches go to \
            refs/heads/<name>/<branch>, where <name> is 'convo config sync.name' (chosen on the first push or pull); \
            another machine's refs are never touched. Settings, API keys, the reflog and the server state stay \
            local. A remote holding refs convo never writes (a code repository) is refused.

            Exit 10 when the remote cannot be reached, 11 when it refuses the credentials, 12 when it rejects the \
            update or is not a convo history.

            Examples:
              convo push
              convo push origin main travel
              convo push --dry-run --json
            """)

    @Argument(help: ArgumentHelp("The remote (default: origin, or the only one).", valueName: "remote")) var remote: String?
    @Argument(help: ArgumentHelp("Branches to push (default: all).", valueName: "branch"), completion: DynamicCompletion.branch)
    var branches: [String] = []
    @Flag(help: "Push every branch (the default; for scripts that say so).") var all = false
    @Flag(help: "Replace this machine's own refs on the remote even when they are not fast-forwards.") var force = false
    @Flag(help: "Print what would be pushed; export and send nothing.") var dryRun = false
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(inversion: .prefixedNo, help: "Show progress on stderr (git's meter, turns exported or checked); default: when stdout is a terminal.")
    var progress: Bool?

    func validate() throws {
        if all && !branches.isEmpty { throw ValidationError("--all pushes every branch: name branches or give --all, not both") }
    }

    func run(_ context: CommandContext) async throws {
        let report = try Push.run(context.workspace(), PushOptions(
            remote: remote, branches: branches, dryRun: dryRun, force: force, progress: showsProgress(progress, json: json, context)))
        if json { return try context.json(report) }
        let verb = dryRun ? "would push" : "pushed"
        context.err.line("To \(report.url) as \(report.machine)" + (report.exportedTurns > 0 ? " (\(report.exportedTurns) new turn\(report.exportedTurns == 1 ? "" : "s"))" : ""))
        for ref in report.updated {
            context.out.line("\(verb) \(ref.branch) -> \(ref.ref) \(ref.turn.prefix(7))\(ref.created ? " (new)" : "")")
        }
        if report.updated.isEmpty { context.err.line("Everything up-to-date") }
    }
}

struct PullCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Bring other machines' conversations from a git remote and reconcile the branches.",
        discussion: """
            Fetches every machine's refs, re-hashes every object received (a commit whose content does not \
            reproduce its Convo-Turn id rejects the whole pull: exit 5, nothing written), and adopts the turns \
            in one transaction. For each other machine's branch: missing here, created; ahead, fast-forwarded; \
            behind or equal, nothing; diverged, the local branch stays and the other line becomes \
            <branch>@<machine> (conversations never merge). Ids never change.

            A pulled turn's server response belongs to the other machine's server and key: say replays when \
            its origin is not this repository's.

            Examples:
              convo pull
              convo pull --dry-run --json
            """)

    @Argument(help: ArgumentHelp("The remote (default: origin, or the only one).", valueName: "remote")) var remote: String?
    @Flag(help: "Fetch and check, and print what would change; write nothing to the repository.") var dryRun = false
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(inversion: .prefixedNo, help: "Show progress on stderr (git's meter, turns exported or checked); default: when stdout is a terminal.")
    var progress: Bool?

    func run(_ context: CommandContext) async throws {
        let report = try Pull.run(
            context.workspace(), PullOptions(remote: remote, dryRun: dryRun, progress: showsProgress(progress, json: json, context)))
        if json { return try context.json(report) }
        PullCommand.render(report, context)
    }

    static func render(_ report: PullReport, _ context: CommandContext) {
        context.err.line("From \(report.url): \(report.newTurns) new turn\(report.newTurns == 1 ? "" : "s")" + (report.dryRun ? " (dry run: nothing written)" : ""))
        for branch in report.branches where branch.action != .upToDate {
            let what = switch branch.action {
            case .created: "new branch"
            case .fastForward: "fast-forward"
            case .diverged: "diverged from \(branch.branch), kept as"
            case .upToDate: "up to date"
            }
            context.out.line("\(branch.machine)/\(branch.branch): \(what) \(branch.localBranch) at \(branch.turn.prefix(7))")
        }
    }
}

struct CloneCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "clone",
        abstract: "Make a new repository from a git remote: init, pull, and check out the most recent branch.",
        discussion: """
            The new repository gets the remote as 'origin' and a machine name of its own. Every turn keeps its id.

            Examples:
              convo clone git@github.com:alice/conversations.git
              convo clone /srv/convo.git work
            """)

    @Argument(help: "The remote's URL or path.") var url: String
    @Argument(help: ArgumentHelp("The folder to create (default: from the URL).", valueName: "dir"), completion: .directory)
    var directory: String?
    @Flag(help: "Print one JSON object.") var json = false
    @Flag(inversion: .prefixedNo, help: "Show progress on stderr (git's meter, turns exported or checked); default: when stdout is a terminal.")
    var progress: Bool?

    func run(_ context: CommandContext) async throws {
        let report = try Clone.run(context.environment, url: url, folder: directory, progress: showsProgress(progress, json: json, context))
        if json { return try context.json(report) }
        context.err.line("Cloned into '\(report.folder)'")
        PullCommand.render(report.pull, context)
        if let branch = report.branch { context.note("On branch \(branch)") }
    }
}

/// Whether push, pull or clone report progress: as asked, else when stdout is a terminal and no JSON is printed
/// (as `gc` and `fsck` decide theirs).
private func showsProgress(_ asked: Bool?, json: Bool, _ context: CommandContext) -> Bool {
    asked ?? (context.environment.outputIsTerminal && !json)
}
