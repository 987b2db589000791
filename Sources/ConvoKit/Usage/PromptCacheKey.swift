import ConvoStore

/// The `prompt_cache_key` of a conversation: one name for all its requests (chained, replayed, regenerated,
/// on any branch forked from it), so the provider routes them to the machine that caches its prefix.
///
/// It comes from the root turn's creation time, not its id: the first request goes out before the root turn
/// exists, and a key taken from the root's id would change between the first turn and the second, which then
/// misses the first turn's cached prefix. The creation time is fixed before the first request and is part of
/// the root's canonical bytes, so every machine that holds the conversation derives the same key. It is never
/// taken from text (a key must not change with what was said, nor carry it). Two conversations started in the
/// same second share a key, which costs nothing: both providers match cached prefixes token by token, and the
/// key only steers routing.
public enum PromptCacheKey {
    /// The key of a conversation whose first turn was created at `rootCreatedAt` (unix seconds).
    public static func forConversation(rootCreatedAt: Int64) -> String {
        "convo-" + ObjectID.hashing(kind: .blob, payload: Array("prompt_cache_key \(rootCreatedAt)".utf8)).hex.prefix(32)
    }

    /// The key of the next request after `base` (nil: a new conversation, whose first turn is created `now`).
    static func next(after base: ObjectID?, now: Int64, _ reader: StoreReader) throws -> String {
        guard let base else { return forConversation(rootCreatedAt: now) }
        return forConversation(rootCreatedAt: try reader.root(of: base).createdAt)
    }
}
