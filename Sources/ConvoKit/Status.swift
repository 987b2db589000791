import ConvoStore
import Foundation

/// Where HEAD stands, for `status`.
public struct StatusOutcome: Sendable {
    /// HEAD.
    public var head: Head
    /// HEAD's turn, when there is one.
    public var tip: TurnSummary?
    /// Turns from the first up to HEAD.
    public var depth: Int
    /// The model the next `say` asks for (the branch's preset, config `model`, else the provider's default);
    /// nil only while the server settings are incomplete and no model is configured.
    public var model: String?
    /// Where ``model`` comes from, for a person: `config model`, `provider default`, `preset NAME of the branch`
    /// (nil while the server settings are incomplete).
    public var modelSource: String?
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
    /// What the conversation up to HEAD has used and cost (see `convo usage`).
    public var usage: UsageTotals? = nil
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
    /// What the context window makes of it ("84 of 120 turns compacted, 36 verbatim, …"), when the window is known.
    public var fit: String? = nil
}

/// Reading single turns and the repository's state.
public enum Inspection {
    /// Branch, HEAD, settings and the server state of HEAD.
    public static func status(_ workspace: Workspace) throws -> StatusOutcome {
        let now = Int64(workspace.environment.now().timeIntervalSince1970)
        return try workspace.repository.read { reader in
            let head = try reader.head()
            let tip = try head.tip.flatMap { try reader.summary($0) }
            let settings = try Settings(reader)
            let retention = try settings.retentionDays()
            let tipRecord = try tip.map { try TipRecord.read($0, reader) }
            let config = try settings.checked()
            let endpoint = try? Settings.endpoint(config, workspace.environment, allowInsecureHTTP: true)
            var nextSay = endpoint.map {
                SayPlan.route(
                    tip: tipRecord, origin: $0.origin, retentionDays: retention, now: now, forceReplay: false)
            }
            // What say decides the same way: past compact_threshold it compacts first (a message adds to that).
            if case .chain? = nextSay, let tip, let endpoint,
                let limit = try ContextSettings.read(reader).compactsFirst(
                    size: (tip.inputTokens ?? 0) &+ (tip.outputTokens ?? 0), message: 0, provider: endpoint.profile.provider)
            {
                nextSay = .replay(.compactThreshold(limit))
            }
            let branchPreset = try head.branch.flatMap { try Presets.ofBranch($0, reader) }
            let choices = endpoint.map { Presets.plainSay(branch: branchPreset, endpoint: $0, configuredModel: config[.model]) }
            let depth = try head.tip.map { try reader.depth(of: $0) } ?? 0
            var replay: ReplayEstimate?
            if let tip, nextSay?.isReplay ?? true {
                replay = try estimateReplay(reader, tip: tip, depth: depth)
                if let model = config[.model] ?? endpoint?.model {
                    replay?.fit = try ContextSettings.predict(reader, tip: tip.id, model: model, instructions: config[.instructions])
                }
            }
            return StatusOutcome(
                head: head, tip: tip, depth: depth,
                model: choices?.model ?? branchPreset?.model ?? config[.model], modelSource: choices?.modelSource,
                provider: config[.provider] ?? "xai",
                baseURL: config[.baseURL], retentionDays: retention,
                remote: try tip.map { try RemoteState.of($0, reader: reader, retentionDays: retention, now: now) } ?? .none,
                nextSay: nextSay, replay: replay,
                // Best effort: a damaged turn or price setting is for `convo usage` and fsck to report, not status.
                usage: depth > UsageReport.statusLimit ? nil : head.tip.flatMap { try? UsageReport.conversation(reader, tip: $0) })
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
}
