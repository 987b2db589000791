import ArgumentParser
import ConvoKit
import ConvoStore

struct Gc: ConvoCommand {
    static let configuration = CommandConfiguration(
        abstract: "Expire old reflog entries, prune unreachable turns and texts, repack, compact.",
        discussion: """
            As git's gc: branches, HEAD and reflog entries keep turns alive. Reflog entries expire after \
            reflog_expire_days (90), or reflog_expire_unreachable_days (30) when no branch reaches their \
            turns. Unreachable objects are deleted only when older than the grace period (--prune, default \
            2.weeks.ago), so a concurrent 'convo say' never loses what it is writing. Loose objects are \
            packed and the database is compacted. Server-side state is not touched yet.

            Examples:
              convo gc --dry-run
              convo gc --prune=now
              convo gc --json
            """)

    @Option(help: "Prune unreachable objects written before: now, never, an RFC 3339 time, or N.days.ago.")
    var prune: String?
    @Flag(help: "Print what would be expired and pruned; change nothing.") var dryRun = false
    @Flag(help: "Print one JSON object.") var json = false

    func run(_ context: CommandContext) async throws {
        let report = try Maintenance.gc(context.workspace(), GCOptions(prune: prune, dryRun: dryRun))
        let plan = report.plan
        if json {
            context.json(.object([
                "dry_run": .bool(dryRun),
                "expired_reflog_entries": .int(Int64(plan.expiredReflogEntries.count)),
                "pruned_turns": .array(plan.turns.map { .string($0.hex) }),
                "pruned_blobs": .int(Int64(plan.blobs.count)),
                "kept_for_grace": .int(Int64(plan.keptForGrace)),
                "repacked": .int(Int64(dryRun ? plan.looseToPack : report.repacked)),
                "size_before": report.sizeBefore.map(JSONValue.int) ?? .null,
                "size_after": report.sizeAfter.map(JSONValue.int) ?? .null,
            ]))
            return
        }
        let verb = dryRun ? "would " : ""
        for turn in plan.turns { context.out.line("\(verb)prune turn \(turn.hex)") }
        context.err.line(
            "\(dryRun ? "dry run: " : "")\(verb)expire \(plan.expiredReflogEntries.count) reflog entries, "
                + "\(verb)prune \(plan.turns.count) turns and \(plan.blobs.count) texts; "
                + "\(plan.keptForGrace) unreachable objects are kept for the grace period")
        if let before = report.sizeBefore, let after = report.sizeAfter {
            context.err.line("repacked \(report.repacked) objects; database \(before / 1024) KiB → \(after / 1024) KiB")
        }
    }
}
