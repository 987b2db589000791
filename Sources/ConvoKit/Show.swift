import ConvoStore
import Foundation

extension Inspection {
    /// The turn a revision names, with its texts.
    public static func show(_ workspace: Workspace, _ revision: String) throws -> TurnDetails {
        try workspace.repository.read { reader in
            let id = try reader.resolve(revision)
            var details = try TurnDetails(reader, id: id, turn: try reader.turn(id), refs: try Decorations(reader, for: [id])[id])
            if let summary = try reader.summary(id) {
                details.remote = try RemoteState.of(
                    summary, reader: reader, retentionDays: try Retention.days(reader),
                    now: Int64(workspace.environment.now().timeIntervalSince1970))
            }
            return details
        }
    }
}

/// A turn with its texts, for `show`.
public struct TurnDetails: Sendable {
    /// Its id.
    public var id: ObjectID
    /// The turn object.
    public var turn: Turn
    /// Refs pointing at it.
    public var refs: [String]
    /// The instructions in force, if any.
    public var instructions: String?
    /// The input messages, with their texts.
    public var input: [DraftMessage]
    /// The output items, with their texts.
    public var output: [DraftOutputItem]
    /// The server's own JSON, if kept.
    public var raw: String?
    /// What the server holds of its response (set by `Inspection.show`).
    public var remote: RemoteState = .none

    /// The answer's text.
    public var outputText: String { output.compactMap(\.text).joined() }

    /// Reads the texts of `turn` (stored as `id`).
    init(_ reader: StoreReader, id: ObjectID, turn: Turn, refs: [String]) throws {
        self.id = id
        self.turn = turn
        self.refs = refs
        instructions = try turn.request.instructions.map { try reader.text($0) }
        input = try reader.inputMessages(of: turn)
        output = try reader.outputItems(of: turn)
        raw = try turn.response.raw.map { try reader.text($0) }
    }
}
