import ConvoStore

/// `convo gc`: what was (or, in a dry run, would be) expired, deleted on the server and pruned, as text
/// shows it and `gc --json` prints it.
public struct GcResult: Sendable, Encodable {
    let local: GcOutcome
    let server: RemoteGcOutcome
    /// `--dry-run`: nothing was changed.
    public let dryRun: Bool

    /// Response ids marked expired because their retention passed.
    public var markedExpired: [String] { server.markedExpired.map(\.responseID) }
    /// Tips asked about (`--check-remote`).
    public var checked: Int { server.checked.count }
    /// Tips the server no longer had.
    public var missing: [String] { server.missing.map(\.responseID) }
    /// Server copies deleted.
    public var deleted: [String] { server.deleted.map(\.responseID) }
    /// Server copies that were already gone.
    public var alreadyGone: [String] { server.alreadyGone.map(\.responseID) }
    /// Unreachable stored responses without an origin, which cannot be deleted.
    public var withoutOrigin: Int { server.withoutOrigin }
    /// Failed requests: which response, at which server, and the error.
    public var failures: [(responseID: String, origin: String, message: String)] {
        server.failures.map { ($0.key.responseID, $0.key.origin, $0.message) }
    }
    /// Turns pruned, by full id.
    public var prunedTurns: [String] { local.plan.turns.map(\.hex) }
    /// Texts pruned.
    public var prunedBlobs: Int { local.plan.blobs.count }
    /// Reflog entries expired.
    public var expiredReflogEntries: Int { local.plan.expiredReflogEntries.count }
    /// Unreachable objects kept for the grace period.
    public var keptForGrace: Int { local.plan.keptForGrace }
    /// Objects packed.
    public var repacked: Int { local.repacked }
    /// The database's size before and after, in bytes, when it was compacted.
    public var sizes: (before: Int64, after: Int64)? {
        guard let before = local.sizeBefore, let after = local.sizeAfter else { return nil }
        return (before, after)
    }
    /// How long each write transaction took.
    public var transactions: [Duration] { local.transactions }

    /// `{"dry_run", "expired_reflog_entries", "pruned_turns", "pruned_blobs", "kept_for_grace", "repacked",
    /// "size_before", "size_after", "marked_expired", "remote"}`, documented in README.md.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("dry_run", dryRun)
        try json.set("expired_reflog_entries", expiredReflogEntries)
        try json.set("pruned_turns", prunedTurns)
        try json.set("pruned_blobs", prunedBlobs)
        try json.set("kept_for_grace", keptForGrace)
        try json.set("repacked", dryRun ? local.plan.looseToPack : repacked)
        try json.set("size_before", local.sizeBefore)
        try json.set("size_after", local.sizeAfter)
        try json.set("marked_expired", markedExpired.count)
        try json.set("remote", Remote(result: self))
    }

    private struct Remote: Encodable {
        var result: GcResult

        func encode(to encoder: Encoder) throws {
            var json = JSONFields(encoder)
            try json.set("checked", result.checked)
            try json.set("missing", result.missing)
            try json.set("deleted", result.deleted)
            try json.set("already_gone", result.alreadyGone)
            try json.set("without_origin", result.withoutOrigin)
            try json.set("failed", result.failures.map { ["response_id": $0.responseID, "origin": $0.origin, "error": $0.message] })
        }
    }
}

extension Maintenance {
    /// `convo gc` with its server-side part (see ``gc(_:_:remote:progress:)``).
    public static func gcResult(
        _ workspace: Workspace, _ options: GCOptions, remote: RemoteGCOptions, progress: @escaping (String) -> Void = { _ in }
    ) async throws -> GcResult {
        let (local, server) = try await gc(workspace, options, remote: remote, progress: progress)
        return GcResult(local: local, server: server, dryRun: options.dryRun)
    }
}
