import ConvoStore

/// One entry of `convo reflog`: what the list shows and `reflog --json` prints.
public struct ReflogItem: Sendable, Encodable {
    let entry: ReflogEntry
    /// The new turn's short id (`0000000` when the ref was deleted).
    public let shortID: String
    /// `HEAD@{0}`, `main@{2}`: how a revision names it.
    public let selector: String
    /// Why the ref moved.
    public var message: String { entry.message }

    /// `{"selector", "old", "new", "at", "message"}`.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("selector", selector)
        try json.set("old", entry.old?.hex)
        try json.set("new", entry.new?.hex)
        try json.set("at", Timestamps.format(entry.at))
        try json.set("message", message)
    }
}

extension History {
    /// `convo reflog [REF]`: the moves of `ref` (default HEAD), newest first.
    public static func reflogItems(_ workspace: Workspace, ref: String?) throws -> [ReflogItem] {
        try reflog(workspace, ref: ref).map { ReflogItem(entry: $0.entry, shortID: $0.shortID, selector: $0.name) }
    }
}
