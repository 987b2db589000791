import ConvoStore
import Foundation
import ResponsesAPI

/// What `convo gc` does about server-side state.
public struct RemoteGCOptions: Sendable {
    /// `--remote`: delete the server copies no branch, HEAD or unexpired reflog entry reaches.
    public var deleteUnreachable: Bool
    /// `--all` (with `--remote`): delete every live server copy, reachable ones too.
    public var all: Bool
    /// `--check-remote`: ask the server about the tip of every branch and HEAD.
    public var check: Bool

    /// Creates options; the default touches no network.
    public init(deleteUnreachable: Bool = false, all: Bool = false, check: Bool = false) {
        self.deleteUnreachable = deleteUnreachable
        self.all = all
        self.check = check
    }
}

/// A server request that failed; recorded and retried by the next run.
public struct RemoteFailure: Sendable, Equatable {
    /// Which response, where.
    public var key: RemoteKey
    /// The error, naming what the server said.
    public var message: String
}

/// What `convo gc` did (or, in a dry run, would do) about server-side state.
public struct RemoteGcOutcome: Sendable {
    /// Responses marked expired because their retention passed (`gc`, no network).
    public var markedExpired: [RemoteKey] = []
    /// Tips asked about (`--check-remote`; in a dry run, the ones that would be).
    public var checked: [RemoteKey] = []
    /// Tips the server no longer had, now marked expired.
    public var missing: [RemoteKey] = []
    /// Server copies deleted (in a dry run: that would be deleted).
    public var deleted: [RemoteKey] = []
    /// Server copies that were already gone (404), now marked deleted.
    public var alreadyGone: [RemoteKey] = []
    /// Requests that failed; nothing local changed because of them.
    public var failures: [RemoteFailure] = []
    /// Unreachable stored responses without an origin (imported), which cannot be deleted.
    public var withoutOrigin = 0
}

extension Maintenance {
    /// `convo gc` with server-side state: asks about the tips (`check`), marks responses past retention expired,
    /// runs the local gc, then deletes unreachable server copies (`deleteUnreachable`).
    ///
    /// Network requests happen outside every transaction: plans are read first, results written after in short
    /// write transactions. A failed request is reported and recorded, never undoes or blocks local work.
    public static func gc(
        _ workspace: Workspace, _ options: GCOptions, remote: RemoteGCOptions,
        progress: @escaping (String) -> Void = { _ in }
    ) async throws -> (local: GcOutcome, remote: RemoteGcOutcome) {
        let repository = workspace.repository
        let now = Int64(workspace.environment.now().timeIntervalSince1970)
        var report = RemoteGcOutcome()
        let access = try (remote.check || remote.deleteUnreachable ? ServerAccess(workspace) : nil)

        if remote.check, let access {
            let tips = try repository.read { reader in try liveTips(reader, now: now) }
            report.checked = tips
            if !options.dryRun {
                let asked = try await ask(tips, access: access, progress: { progress("checking the server: \($0)") }) {
                    _ = try await $0.retrieve($1)
                }
                report.missing = asked.gone
                report.failures += asked.failures
                let missing = report.missing
                if !missing.isEmpty {
                    try repository.write { writer in
                        for key in missing { try writer.recordRemote(key, state: .expired, reason: "check-remote") }
                    }
                }
            }
        }

        // Marking needs no network: every stored response past retention is expired.
        let (expired, universe, pending) = try repository.read { reader in
            let cutoff = Seconds.sum(Seconds.difference(now, Seconds.days(Int64(try Retention.days(reader)))), 1)
            let expired = unique(try reader.remoteCandidates(createdBefore: cutoff).map(\.key))
            let universe = remote.deleteUnreachable ? try reader.remoteCandidates().filter { $0.createdAt >= cutoff } : []
            let pending = remote.deleteUnreachable ? try reader.pendingDeletions() : []
            return (expired, universe, pending)
        }
        report.markedExpired = expired
        if !options.dryRun, !expired.isEmpty {
            try repository.write { writer in
                for key in expired { try writer.recordRemote(key, state: .expired, reason: "gc") }
            }
        }

        let local = try gc(workspace, options, progress: progress)
        guard remote.deleteUnreachable, let access else { return (local, report) }

        // Reachability after the local gc: its expired reflog entries no longer keep anything alive.
        let skip = Set(report.missing)
        let targets = try repository.read { reader -> [RemoteKey] in
            let dropped = Set(local.plan.expiredReflogEntries)
            var roots = try reader.roots(includingReflog: false)
            for entry in try reader.reflog(nil) where !dropped.contains(entry.sequence) {
                roots.formUnion([entry.old, entry.new].compactMap { $0 })
            }
            let reachable = try reader.reachableTurns(from: roots)
            var reachableKeys = Set<RemoteKey>(), keys = [RemoteKey]()
            for candidate in universe where !skip.contains(candidate.key) {
                if reachable.contains(candidate.turn) { reachableKeys.insert(candidate.key) }
                keys.append(candidate.key)
            }
            keys += pending.map(\.key)
            return unique(keys).filter { remote.all || !reachableKeys.contains($0) }
        }
        report.withoutOrigin = targets.filter { $0.origin.isEmpty }.count
        let deletable = targets.filter { !$0.origin.isEmpty }
        if options.dryRun {
            report.deleted = deletable
            return (local, report)
        }

        let deletion = try await ask(deletable, access: access, progress: { progress("deleting on the server: \($0)") }) {
            _ = try await $0.delete($1)
        }
        report.deleted = deletion.answered
        report.alreadyGone = deletion.gone
        report.failures += deletion.failures
        try repository.write { writer in
            for key in deletion.answered { try writer.recordRemote(key, state: .deleted, reason: "gc --remote") }
            for key in deletion.gone { try writer.recordRemote(key, state: .deleted, reason: "server 404") }
            for failure in deletion.failures { try writer.recordDeleteFailure(failure.key, error: failure.message) }
        }
        return (local, report)
    }

    /// The tips of every branch and HEAD whose responses the local record believes live, with an origin.
    static func liveTips(_ reader: StoreReader, now: Int64) throws -> [RemoteKey] {
        var tips = try reader.branches().map(\.tip)
        if let head = try reader.head().tip { tips.append(head) }
        let retention = try Retention.days(reader)
        var keys = [RemoteKey]()
        for tip in tips {
            guard let summary = try reader.summary(tip), let responseID = summary.responseID, let origin = summary.origin else {
                continue
            }
            guard try RemoteState.of(summary, reader: reader, retentionDays: retention, now: now).isLive else { continue }
            keys.append(RemoteKey(responseID: responseID, origin: origin))
        }
        return unique(keys)
    }

    /// Keys in their first order, without repeats.
    static func unique(_ keys: [RemoteKey]) -> [RemoteKey] {
        var seen = Set<RemoteKey>()
        return keys.filter { seen.insert($0).inserted }
    }

    /// Sends `request` for every key, one kept-alive client per origin, reporting `done/total` to `progress`.
    /// Keys the server answered, keys it does not have (404), and the requests that failed otherwise.
    private static func ask(
        _ keys: [RemoteKey], access: ServerAccess, progress: (String) -> Void,
        _ request: (any ResponsesService, String) async throws -> Void
    ) async throws -> (answered: [RemoteKey], gone: [RemoteKey], failures: [RemoteFailure]) {
        var answered = [RemoteKey](), gone = [RemoteKey](), failures = [RemoteFailure]()
        var done = 0
        for (origin, group) in group(keys) {
            try await access.withClient(origin: origin) { client in
                for key in group {
                    done += 1
                    progress("\(done)/\(keys.count)")
                    do {
                        try await request(client, key.responseID)
                        answered.append(key)
                    } catch ResponsesAPIError.notFound {
                        gone.append(key)
                    } catch {
                        // Redacted before it is shown or stored in remote_state.delete_error.
                        failures.append(RemoteFailure(key: key, message: access.workspace.environment.redact("\(error)")))
                    }
                }
            }
        }
        return (answered, gone, failures)
    }

    /// Keys grouped by origin, origins sorted, each group in its given order.
    static func group(_ keys: [RemoteKey]) -> [(origin: String, keys: [RemoteKey])] {
        var groups = [String: [RemoteKey]]()
        for key in keys { groups[key.origin, default: []].append(key) }
        return groups.keys.sorted().map { ($0, groups[$0]!) }
    }
}
