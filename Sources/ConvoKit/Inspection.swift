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
        input = try turn.request.input.map { DraftMessage(role: $0.role, text: try reader.text($0.content), attachments: try $0.attachments.map(reader.attachment)) }
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
    /// What a replay of HEAD's conversation would send, when the next `say` replays.
    public var replay: ReplayEstimate?
}

/// The size of a replay: how many turns, and about how many tokens.
public struct ReplayEstimate: Equatable, Sendable {
    /// Earlier turns re-sent.
    public var turns: Int
    /// About this many input tokens.
    public var tokens: Int64
    /// Where the figure comes from: `usage` (HEAD's billed input + output tokens, which count the whole chained
    /// context) or `text` (the conversation's characters / 4, when HEAD has no usage).
    public var source: String
}

/// Reading single turns and the repository's state.
public enum Inspection {
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

    /// Branch, HEAD, settings and the server state of HEAD.
    public static func status(_ workspace: Workspace) throws -> StatusReport {
        let now = Int64(workspace.environment.now().timeIntervalSince1970)
        return try workspace.repository.read { reader in
            let head = try reader.head()
            let tip = try head.tip.flatMap { try reader.summary($0) }
            let settings = try Settings(reader)
            let retention = try settings.retentionDays()
            let tipRecord = try tip.map { try TipRecord.read($0, reader) }
            let config = try settings.checked()
            let endpoint = try? APIEndpoint.resolve(
                config: { config[$0] }, variables: workspace.environment.variables, allowInsecureHTTP: true)
            let nextSay = endpoint.map {
                SayPlan.route(
                    tip: tipRecord, origin: $0.origin, retentionDays: retention, now: now, forceReplay: false)
            }
            let depth = try head.tip.map { try reader.depth(of: $0) } ?? 0
            var replay: ReplayEstimate?
            if let tip, nextSay?.isReplay ?? true {
                replay = try estimateReplay(reader, tip: tip, depth: depth)
            }
            return StatusReport(
                head: head, tip: tip, depth: depth,
                model: config[.model], provider: config[.provider] ?? "xai",
                baseURL: config[.baseURL], retentionDays: retention,
                remote: try tip.map { try RemoteState.of($0, reader: reader, retentionDays: retention, now: now) } ?? .none,
                nextSay: nextSay, replay: replay)
        }
    }

    /// About how many tokens replaying the conversation up to `tip` sends: HEAD's billed input + output (servers
    /// bill the whole chained context as input), else the characters of every message and answer / 4.
    static func estimateReplay(_ reader: StoreReader, tip: TurnSummary, depth: Int) throws -> ReplayEstimate {
        if let input = tip.inputTokens, let output = tip.outputTokens {
            // Counts from a server or a damaged store may be near Int64's limits: an estimate saturates.
            let (sum, overflow) = input.addingReportingOverflow(output)
            let tokens = overflow ? (input > 0 ? Int64.max : Int64.min) : sum
            if tokens > 0 { return ReplayEstimate(turns: depth, tokens: tokens, source: "usage") }
        }
        let characters = try ReplayHistory.messages(ReplayHistory.load(reader, tip: tip.id)).reduce(0) { $0 + $1.text.count }
        return ReplayEstimate(turns: depth, tokens: Int64((characters + 3) / 4), source: "text")
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
