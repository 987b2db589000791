import ConvoStore
import Foundation

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

    /// The answer's text.
    public var outputText: String { output.compactMap(\.text).joined() }

    /// Reads the texts of `turn` (stored as `id`).
    init(_ reader: StoreReader, id: ObjectID, turn: Turn, refs: [String]) throws {
        self.id = id
        self.turn = turn
        self.refs = refs
        instructions = try turn.request.instructions.map { try reader.text($0) }
        input = try turn.request.input.map { DraftMessage(role: $0.role, text: try reader.text($0.content)) }
        output = try turn.response.output.map {
            DraftOutputItem(type: $0.type, id: $0.id, role: $0.role, text: try $0.content.map { try reader.text($0) })
        }
        raw = try turn.response.raw.map { try reader.text($0) }
    }
}

/// Where HEAD stands, for `status`.
public struct StatusReport: Sendable {
    /// HEAD.
    public var head: Head
    /// HEAD's turn, when there is one.
    public var tip: TurnSummary?
    /// Turns from the first up to HEAD.
    public var depth: Int
    /// The configured or default model.
    public var model: String?
    /// The configured provider.
    public var provider: String
    /// The configured base URL, if any.
    public var baseURL: String?
    /// Retention in days (config `retention_days`, default 30).
    public var retentionDays: Int
    /// The server state of HEAD's response.
    public var remote: RemoteState
    /// How the next `say` travels (nil when the server settings are incomplete).
    public var nextSay: SayRoute?
}

/// What the server holds for a turn's response, as far as the local record knows.
public enum RemoteState: Equatable, Sendable {
    /// No turn yet.
    case none
    /// Stored and within retention; expires at the given unix time.
    case live(expiresAt: Int64)
    /// Stored, but past retention.
    case expired(at: Int64)
    /// Never stored (`--no-store`, imported, or failed).
    case notStored

    /// Classifies a turn from its record and the retention period.
    public static func of(_ summary: TurnSummary, retentionDays: Int, now: Int64) -> RemoteState {
        guard summary.stored, summary.responseID != nil, summary.status == "completed" || summary.status == "incomplete" else {
            return .notStored
        }
        let expiry = summary.createdAt + Int64(retentionDays) * 86_400
        return expiry > now ? .live(expiresAt: expiry) : .expired(at: expiry)
    }
}

/// Reading single turns and the repository's state.
public enum Inspection {
    /// The turn a revision names, with its texts.
    public static func show(_ workspace: Workspace, _ revision: String) throws -> TurnDetails {
        try workspace.repository.read { reader in
            let id = try reader.resolve(revision)
            return try TurnDetails(reader, id: id, turn: try reader.turn(id), refs: try Decorations(reader, for: [id])[id])
        }
    }

    /// Branch, HEAD, settings and the server state of HEAD.
    public static func status(_ workspace: Workspace) throws -> StatusReport {
        let now = Int64(workspace.environment.now().timeIntervalSince1970)
        return try workspace.repository.read { reader in
            let head = try reader.head()
            let tip = try head.tip.flatMap { try reader.summary($0) }
            let retention = Int(try reader.config(ConfigKey.retentionDays.rawValue) ?? "") ?? 30
            var config = [ConfigKey: String]()
            for key in ConfigKey.allCases { config[key] = try reader.config(key.rawValue) }
            let endpoint = try? APIEndpoint.resolve(
                config: { config[$0] }, variables: workspace.environment.variables, allowInsecureHTTP: true)
            let nextSay = endpoint.map {
                SayPlan.route(
                    tip: tip.map(TipRecord.init), origin: $0.origin, retentionDays: retention, now: now, forceReplay: false)
            }
            return StatusReport(
                head: head, tip: tip, depth: try head.tip.map { try reader.ancestry(of: $0).count } ?? 0,
                model: try reader.config(ConfigKey.model.rawValue), provider: try reader.config(ConfigKey.provider.rawValue) ?? "xai",
                baseURL: try reader.config(ConfigKey.baseURL.rawValue), retentionDays: retention,
                remote: tip.map { RemoteState.of($0, retentionDays: retention, now: now) } ?? .none, nextSay: nextSay)
        }
    }

    /// Re-hashes every object and checks every reference; rebuilds the derived index first when asked.
    public static func fsck(_ workspace: Workspace, rebuildIndex: Bool, progress: @escaping (Int) -> Void = { _ in }) throws
        -> (report: FsckReport, reindexed: Int?)
    {
        var reindexed: Int?
        if rebuildIndex {
            reindexed = try workspace.repository.write { try $0.rebuildIndex() }
        }
        let report = try workspace.repository.read { try $0.fsck(progress: progress) }
        return (report, reindexed)
    }
}
