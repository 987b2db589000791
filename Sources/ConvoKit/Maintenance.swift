import ConvoStore
import Foundation

/// What `convo gc` was asked to do.
public struct GCOptions: Sendable {
    /// `--prune`: `now`, `never`, an RFC 3339 time, or `N.days.ago` / `N.weeks.ago` (default 2 weeks ago).
    public var prune: String?
    /// `--dry-run`: report, change nothing.
    public var dryRun: Bool

    /// Creates options.
    public init(prune: String? = nil, dryRun: Bool = false) {
        self.prune = prune
        self.dryRun = dryRun
    }
}

/// What `convo gc` did (or would do).
public struct GCReport: Sendable {
    /// The plan carried out.
    public var plan: PrunePlan
    /// Objects moved into new packs.
    public var repacked: Int
    /// Database size before and after, in bytes (nil in memory or in a dry run).
    public var sizeBefore: Int64?
    /// After compaction.
    public var sizeAfter: Int64?
}

/// Local housekeeping: git's gc rules for reflogs and unreachable objects, then repacking and compaction.
public enum Maintenance {
    /// Expires reflog entries (`reflog_expire_days`, default 90; `reflog_expire_unreachable_days`, default
    /// 30), deletes unreachable objects older than the grace period, packs loose objects, and vacuums.
    /// `progress` receives one line per phase, for a person watching a long run.
    public static func gc(
        _ workspace: Workspace, _ options: GCOptions, progress: (String) -> Void = { _ in }
    ) throws -> GCReport {
        let now = Int64(workspace.environment.now().timeIntervalSince1970)
        let repository = workspace.repository
        let rules = try repository.read { reader in
            PruneRules(
                pruneBefore: try pruneTime(options.prune ?? "2.weeks.ago", now: now),
                reflogExpireBefore: Seconds.difference(now, Seconds.days(Int64(try days(reader, .reflogExpireDays, default: 90)))),
                reflogUnreachableExpireBefore: Seconds.difference(
                    now, Seconds.days(Int64(try days(reader, .reflogExpireUnreachableDays, default: 30)))))
        }
        progress("planning: finding reachable turns")
        if options.dryRun {
            return GCReport(plan: try repository.read { try $0.planPrune(rules) }, repacked: 0)
        }
        let before = repository.fileSize()
        // Planning and pruning happen in one write transaction, so no writer can slip in between.
        let (plan, repacked) = try repository.write { writer in
            let plan = try writer.read.planPrune(rules)
            progress("pruning \(plan.turns.count) turns, repacking")
            return (plan, try writer.prune(plan))
        }
        progress("compacting the database")
        try repository.vacuum()
        return GCReport(plan: plan, repacked: repacked, sizeBefore: before, sizeAfter: repository.fileSize())
    }

    private static func days(_ reader: StoreReader, _ key: ConfigKey, default value: Int) throws -> Int {
        try key.days(reader.config(key.rawValue), default: value)
    }

    /// Parses `--prune`: nil for `never`.
    public static func pruneTime(_ text: String, now: Int64) throws -> Int64? {
        switch text {
        case "now": return now + 1
        case "never": return nil
        default:
            if let date = Timestamps.parse(text) { return Int64(date.timeIntervalSince1970) }
            let parts = text.split(separator: ".")
            if parts.count == 3, parts[2] == "ago", let count = Int64(parts[0]), count >= 0 {
                let unit: Int64? = switch parts[1] {
                case "second", "seconds": 1
                case "minute", "minutes": 60
                case "hour", "hours": 3_600
                case "day", "days": 86_400
                case "week", "weeks": 604_800
                default: nil
                }
                // Saturated: 99999999999999999.weeks.ago is before any turn, not an overflow trap.
                if let unit { return Seconds.difference(now, Seconds.product(count, unit)) }
            }
            throw ConvoError.invalidOption("--prune=\(text) is not 'now', 'never', an RFC 3339 time or N.days.ago / N.weeks.ago")
        }
    }
}
