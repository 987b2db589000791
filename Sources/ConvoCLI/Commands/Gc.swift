import ArgumentParser
import ConvoKit

struct Gc: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Mark expired server state, delete unreachable server copies, prune, repack, compact.",
        discussion: """
            As git's gc: branches, HEAD and reflog entries keep turns alive. Reflog entries expire after \
            reflog_expire_days (90), or reflog_expire_unreachable_days (30) when no branch reaches their \
            turns. Unreachable objects are deleted only when older than the grace period (--prune, default \
            2.weeks.ago), so a concurrent 'convo say' never loses what it is writing. Loose objects are \
            packed and the database is compacted.

            Server state: every stored response past retention_days (30) is marked expired, without the \
            network, so the next say replays at once. --check-remote asks the server (GET) about the tip of \
            every branch and HEAD and marks the missing ones expired. --remote deletes (DELETE) every live \
            server copy that no branch, HEAD or unexpired reflog entry reaches, at the server it came from; \
            --remote --all deletes every live server copy. A 404 counts as already gone. A failed request is \
            reported on stderr, recorded and retried by the next run; the local history is never touched by \
            it, and gc exits 1.

            Examples:
              convo gc --dry-run --remote
              convo gc --prune=now
              convo gc --remote --check-remote
              convo gc --json
            """)

    @Option(help: "Prune unreachable objects written before: now, never, an RFC 3339 time, or N.days.ago.")
    var prune: String?
    @Flag(help: "Print what would be expired, deleted on the server and pruned; change nothing, send nothing.")
    var dryRun = false
    @Flag(help: "Delete the server copies of responses no branch, HEAD or reflog entry reaches.") var remote = false
    @Flag(help: "With --remote: delete every live server copy, reachable ones too.") var all = false
    @Flag(help: "Ask the server about the tip of every branch and HEAD; mark missing ones expired.") var checkRemote = false
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        if all && !remote { throw ValidationError("--all needs --remote (convo gc --remote --all)") }
    }

    func run(_ context: CommandContext) async throws {
        let showProgress = context.environment.outputIsTerminal && !json
        let line = ProgressLine(variables: context.environment.variables)
        let result = try await Maintenance.gcResult(
            context.workspace(), GCOptions(prune: prune, dryRun: dryRun),
            remote: RemoteGCOptions(deleteUnreachable: remote, all: all, check: checkRemote),
            progress: { if showProgress { context.err.write(line.show($0)) } })
        if showProgress { context.err.write(line.clear()) }
        for failure in result.failures {
            context.err.line(
                "error: response '\(failure.responseID)' at \(failure.origin): \(failure.message)"
                    + (remote ? "\nhint: recorded; the next 'convo gc --remote' tries again" : ""))
        }
        if json {
            try context.json(result)
        } else {
            render(result, context)
        }
        if !result.failures.isEmpty { throw CommandExit(status: .failure) }
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    private func render(_ server: GcResult, _ context: CommandContext) {
        let verb = dryRun ? "would " : ""
        let id = { (responseID: String) in context.style.text(responseID) }
        for key in server.markedExpired { context.out.line("\(verb)mark expired \(id(key))") }
        for key in server.missing { context.out.line("missing on the server, marked expired \(id(key))") }
        for key in server.deleted { context.out.line("\(verb)delete on the server \(id(key))") }
        for key in server.alreadyGone { context.out.line("already gone from the server \(id(key))") }
        for turn in server.prunedTurns { context.out.line("\(verb)prune turn \(turn)") }
        var remoteParts = ["\(verb)mark \(Self.count(server.markedExpired.count, "response")) expired"]
        if checkRemote {
            let tips = Self.count(server.checked, "tip")
            remoteParts.append(dryRun ? "would ask the server about \(tips)" : "asked the server about \(tips) (\(server.missing.count) missing)")
        }
        if remote {
            var deleted = "\(verb)delete \(server.deleted.count) server \(server.deleted.count == 1 ? "copy" : "copies")"
            if !server.alreadyGone.isEmpty { deleted += " (\(server.alreadyGone.count) more were already gone)" }
            if server.withoutOrigin > 0 { deleted += "; \(server.withoutOrigin) without an origin cannot be deleted" }
            remoteParts.append(deleted)
        }
        if !server.failures.isEmpty { remoteParts.append("\(Self.count(server.failures.count, "request")) failed") }
        context.err.line((dryRun ? "dry run: " : "") + remoteParts.joined(separator: ", "))
        context.err.line(
            "\(verb)expire \(server.expiredReflogEntries) reflog entries, "
                + "\(verb)prune \(server.prunedTurns.count) turns and \(server.prunedBlobs) texts; "
                + "\(server.keptForGrace) unreachable objects are kept for the grace period")
        if let (before, after) = server.sizes {
            context.err.line("repacked \(server.repacked) objects; database \(before / 1024) KiB → \(after / 1024) KiB")
        }
        let times = server.transactions.sorted()
        if let longest = times.last {
            let milliseconds = { (time: Duration) in
                Int((Double(time.components.seconds) * 1_000 + Double(time.components.attoseconds) / 1e15).rounded(.up))
            }
            context.err.line(
                "\(Self.count(times.count, "write transaction")), the longest \(milliseconds(longest)) ms "
                    + "(median \(milliseconds(times[times.count / 2])) ms)")
        }
    }
}
