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
public struct GcOutcome: Sendable {
    /// The plan carried out.
    public var plan: PrunePlan
    /// Objects moved into new packs.
    public var repacked: Int
    /// Database size before and after, in bytes (nil in memory or in a dry run).
    public var sizeBefore: Int64?
    /// After compaction.
    public var sizeAfter: Int64?
    /// How long each write transaction took, in order: gc never holds the write lock longer than one of these.
    public var transactions: [Duration] = []
    /// How many times a batch found that another writer had committed and checked reachability again.
    public var recheckedReachability = 0
}

extension Collection {
    /// Consecutive slices of at most `size` elements.
    func chunks(of size: Int) -> [SubSequence] {
        var chunks = [SubSequence](), start = startIndex
        while start != endIndex {
            let end = index(start, offsetBy: size, limitedBy: endIndex) ?? endIndex
            chunks.append(self[start..<end])
            start = end
        }
        return chunks
    }
}

/// Local housekeeping: git's gc rules for reflogs and unreachable objects, then repacking and compaction.
public enum Maintenance {
    /// Expires reflog entries (`reflog_expire_days`, default 90; `reflog_expire_unreachable_days`, default
    /// 30), deletes unreachable objects older than the grace period, packs loose objects, and vacuums.
    /// `progress` receives one line per phase, for a person watching a long run.
    public static func gc(
        _ workspace: Workspace, _ options: GCOptions, progress: (String) -> Void = { _ in }
    ) throws -> GcOutcome {
        let now = Int64(workspace.environment.now().timeIntervalSince1970)
        let repository = workspace.repository
        let settings = try repository.read { try Settings($0) }
        let rules = PruneRules(
            pruneBefore: try pruneTime(options.prune ?? "2.weeks.ago", now: now),
            reflogExpireBefore: Seconds.difference(now, Seconds.days(Int64(try settings.days(.reflogExpireDays, default: 90)))),
            reflogUnreachableExpireBefore: Seconds.difference(
                now, Seconds.days(Int64(try settings.days(.reflogExpireUnreachableDays, default: 30)))))
        progress("planning: finding reachable turns")
        // Planning only reads: WAL readers do not take the write lock, so says and other commands go on.
        let plan = try repository.read { try $0.planPrune(rules) }
        if options.dryRun { return GcOutcome(plan: plan, repacked: 0) }
        let before = repository.fileSize()
        var report = GcOutcome(plan: plan, repacked: 0, sizeBefore: before)
        report.plan.turns = []
        report.plan.blobs = []
        // Every change below is a short transaction of a bounded batch, so that a say whose answer arrived
        // meanwhile waits well under a second for the write lock, never for the whole gc.
        func batch<T>(_ body: (StoreWriter) throws -> T) throws -> T {
            // A pause between batches, longer than a waiting convo's 2 ms between tries, lets it in.
            if !report.transactions.isEmpty { usleep(5_000) }
            let start = ContinuousClock.now
            defer { report.transactions.append(start.duration(to: .now)) }
            return try repository.write(body)
        }
        for chunk in plan.expiredReflogEntries.chunks(of: Self.batchSize) {
            try batch { try $0.expireReflog(chunk) }
        }
        // Each batch re-checks that its objects are still unreachable and still old (a say may have
        // stored a text again, or put a branch on a turn, since the plan).
        let state = PruneGuard(pruneBefore: rules.pruneBefore ?? .min)
        for (index, chunk) in plan.turns.chunks(of: Self.turnsPerBatch).enumerated() {
            progress("pruning turns: \(index * Self.turnsPerBatch)/\(plan.turns.count)")
            report.plan.turns += try batch { try $0.pruneBatch(chunk, guard: state) }
        }
        for chunk in plan.blobs.chunks(of: Self.batchSize) {
            report.plan.blobs += try batch { try $0.pruneBatch(chunk, guard: state) }
        }
        report.plan.keptForGrace += plan.turns.count + plan.blobs.count - report.plan.turns.count - report.plan.blobs.count
        report.recheckedReachability = state.rechecks
        progress("repacking")
        var moved = 0
        repeat {
            moved = try batch { try $0.packLoose(limit: Self.batchSize) }
            report.repacked += moved
        } while moved > 0
        while !state.sparsePacks.isEmpty {
            report.repacked += try batch { try $0.repackSparse(state, limit: Self.packsPerBatch) }
        }
        progress("compacting the database")
        try repository.compact(pagesPerStep: Self.pagesPerBatch) { report.transactions.append($0) }
        report.sizeAfter = repository.fileSize()
        return report
    }

    /// Turns one gc transaction prunes: each is read (with its texts) to drop its search document, which
    /// costs up to a few milliseconds for a packed turn.
    static let turnsPerBatch = 100
    /// Texts (or loose objects to pack, or reflog entries) one gc transaction handles.
    static let batchSize = 500
    /// Packs (about 256 KiB of objects each since issue 11's store-size work, 64 KiB before) one gc transaction
    /// rewrites: 1 MiB, as 16 of the smaller packs were.
    static let packsPerBatch = 4
    /// Free pages one compaction step returns to the file system.
    static let pagesPerBatch = 2_000

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
