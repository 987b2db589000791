import ConvoStore

/// A conversation's history as a replay re-sends it: loading it from the store, and the one rule for which of
/// its messages count. Used by `say` (the replay input), `status` (the replay estimate) and `fetch` (the
/// context a server's input items may repeat).
public enum ReplayHistory {
    /// The conversation ending at `tip`, oldest first, with texts; empty without a tip.
    static func load(_ reader: StoreReader, tip: ObjectID?) throws -> [HistoryTurn] {
        guard let tip else { return [] }
        return try reader.ancestry(of: tip).reversed().map { summary in
            let turn = try reader.turn(summary.id)
            return HistoryTurn(
                input: try turn.request.input.map {
                    DraftMessage(role: $0.role, text: try reader.text($0.content), attachments: try $0.attachments.map(reader.attachment))
                },
                answer: try turn.response.output.compactMap { try $0.content.map { try reader.text($0) } }.joined(),
                replay: turn.replay)
        }
    }

    /// The replay rule: the conversation as a server holds it, oldest first — each turn's user messages and its
    /// answer. A turn that was itself a replay contributes only its own (newest) user message, not the history
    /// its input re-sent.
    public static func messages(_ history: [HistoryTurn]) -> [DraftMessage] {
        var messages = [DraftMessage]()
        for turn in history {
            let users = turn.input.filter { $0.role == "user" }
            messages += turn.replay ? Array(users.suffix(1)) : users
            messages.append(DraftMessage(role: "assistant", text: turn.answer))
        }
        return messages
    }
}

extension StoreReader {
    /// A stored attachment with its bytes, as a replay sends it again and an export writes it.
    func attachment(_ stored: AttachmentRef) throws -> DraftAttachment {
        DraftAttachment(
            kind: stored.kind, name: stored.name, mediaType: stored.mediaType, bytes: try stored.content.map(bytes),
            url: stored.url)
    }
}
