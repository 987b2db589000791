import ConvoStore

/// `convo fsck`: what was checked and what is wrong, as text shows it and `fsck --json` prints it.
public struct FsckResult: Sendable, Encodable {
    /// One problem found.
    public struct Problem: Sendable, Equatable, Encodable {
        /// `missing`, `hash-mismatch`, `bad-ref`…
        public var kind: String
        /// The object or ref.
        public var subject: String
        /// What is wrong.
        public var detail: String
    }

    /// Objects checked.
    public var objects: Int
    /// Of which turns.
    public var turns: Int
    /// Of which blobs.
    public var blobs: Int
    /// Refs checked.
    public var refs: Int
    /// Turns whose index was rebuilt first (`--rebuild-index`), nil when not asked.
    public var reindexed: Int?
    /// The problems, empty when the repository is sound.
    public var problems: [Problem]

    /// `{"objects", "turns", "blobs", "refs", "reindexed", "problems"}`.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("objects", objects)
        try json.set("turns", turns)
        try json.set("blobs", blobs)
        try json.set("refs", refs)
        try json.set("reindexed", reindexed)
        try json.set("problems", problems)
    }
}

extension Inspection {
    /// `convo fsck [--rebuild-index]` (see ``fsck(_:rebuildIndex:progress:)``).
    public static func fsckResult(_ workspace: Workspace, rebuildIndex: Bool, progress: @escaping (Int) -> Void = { _ in }) throws
        -> FsckResult
    {
        let (report, reindexed) = try fsck(workspace, rebuildIndex: rebuildIndex, progress: progress)
        return FsckResult(
            objects: report.objects, turns: report.turns, blobs: report.blobs, refs: report.refs, reindexed: reindexed,
            problems: report.problems.map { FsckResult.Problem(kind: $0.kind, subject: $0.subject, detail: $0.detail) })
    }
}
