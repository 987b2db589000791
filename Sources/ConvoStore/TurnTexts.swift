import Foundation

// A turn's texts live in blobs; this is the one way every reader (show, export, say's replay, the editor's
// template) turns a decoded turn's references into them.
extension StoreReader {
    /// The input messages of `turn`, with their texts and attachments.
    public func inputMessages(of turn: Turn) throws -> [DraftMessage] {
        try turn.request.input.map {
            DraftMessage(role: $0.role, text: try text($0.content), attachments: try $0.attachments.map(attachment))
        }
    }

    /// A stored attachment with its bytes, as a replay sends it again and an export writes it.
    public func attachment(_ stored: AttachmentRef) throws -> DraftAttachment {
        DraftAttachment(
            kind: stored.kind, name: stored.name, mediaType: stored.mediaType, bytes: try stored.content.map(bytes),
            url: stored.url)
    }

    /// The output items of `turn`, with their texts.
    public func outputItems(of turn: Turn) throws -> [DraftOutputItem] {
        try turn.response.output.map {
            DraftOutputItem(type: $0.type, id: $0.id, role: $0.role, text: try $0.content.map { try text($0) })
        }
    }

    /// The UTF-8 length of the text of blob `id` (`text(id).utf8.count`), read from its object row without
    /// inflating its pack: convo stores a text as its UTF-8 bytes (``StoreWriter/putBlob(_:)``), so the blob's
    /// size is the text's length. `status` predicts a replay from these lengths (issue 11).
    public func textSize(_ id: ObjectID) throws -> Int {
        guard let place = try place(of: id) else { throw StoreError.objectNotFound(id) }
        guard place.kind == .blob else { throw StoreError.corruptObject(detail: "\(id.hex) is a \(place.kind.rawValue), expected a blob") }
        // A damaged row read the slow way holds its bytes already.
        return place.inflated ? String(decoding: place.loose, as: UTF8.self).utf8.count : place.size
    }

    /// The byte count of blob `id` (`bytes(id).count`), read from its object row without inflating its pack.
    public func blobSize(_ id: ObjectID) throws -> Int {
        guard let place = try place(of: id) else { throw StoreError.objectNotFound(id) }
        guard place.kind == .blob else { throw StoreError.corruptObject(detail: "\(id.hex) is a \(place.kind.rawValue), expected a blob") }
        return place.inflated ? place.loose.count : place.size
    }

    /// The answer of `turn`: the texts of its output items, joined.
    public func answer(of turn: Turn) throws -> String {
        try turn.response.output.compactMap(\.content).map { try text($0) }.joined()
    }
}
