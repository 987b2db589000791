import ConvoStore
import Foundation
import ResponsesAPI

/// How `convo usage` groups turns.
public enum UsageGrouping: String, CaseIterable, Sendable {
    /// One row per branch: the turns of the branch's conversation (a turn shared by two branches counts in both).
    case branch
    /// One row per model that answered (else the model asked for).
    case model
    /// One row per day the turn was made, UTC.
    case day
}

/// What `convo usage` adds up.
public struct UsageOptions: Sendable {
    /// The conversation up to this revision (default HEAD); ignored with `all`.
    public var revision: String?
    /// Every turn a branch or HEAD reaches, each once.
    public var all: Bool
    /// Rows by branch, model or day.
    public var by: UsageGrouping?

    /// Creates options.
    public init(revision: String? = nil, all: Bool = false, by: UsageGrouping? = nil) {
        self.revision = revision
        self.all = all
        self.by = by
    }
}

/// Tokens, replays, compactions and cost of a set of turns.
public struct UsageTotals: Sendable, Equatable {
    /// Turns counted.
    public var turns = 0
    /// Input tokens billed (the whole context of each request).
    public var inputTokens: Int64 = 0
    /// Of which served from the provider's prompt cache.
    public var cachedTokens: Int64 = 0
    /// Output tokens billed.
    public var outputTokens: Int64 = 0
    /// Of which spent on reasoning.
    public var reasoningTokens: Int64 = 0
    /// Turns sent as a replay of the local history.
    public var replays = 0
    /// Compaction turns (an output item of type `compaction`).
    public var compactions = 0
    /// The cost of the turns whose cost is known, in US dollars; nil when no turn's is.
    public var cost: Decimal?
    /// Turns whose cost the server reported (xAI's `cost_in_usd_ticks`).
    public var costFromServer = 0
    /// Turns priced from the `price.MODEL.*` settings.
    public var costFromConfig = 0
    /// Turns whose cost is not known: no server figure and no price (or no usage).
    public var turnsWithoutCost = 0

    /// Creates empty totals.
    public init() {}

    /// Where the cost comes from: `server`, `config`, `server+config`, or nil when no cost is known.
    public var costSource: String? {
        switch (costFromServer > 0, costFromConfig > 0) {
        case (true, true): "server+config"
        case (true, false): "server"
        case (false, true): "config"
        case (false, false): nil
        }
    }

    mutating func add(_ turn: CostedTurn) {
        turns += 1
        if let usage = turn.usage {
            // Counts from a server or a damaged store may be near Int64's limits: totals saturate.
            inputTokens = Self.adding(inputTokens, usage.inputTokens)
            cachedTokens = Self.adding(cachedTokens, usage.cachedTokens ?? 0)
            outputTokens = Self.adding(outputTokens, usage.outputTokens)
            reasoningTokens = Self.adding(reasoningTokens, usage.reasoningTokens ?? 0)
        }
        if turn.replay { replays += 1 }
        if turn.compaction { compactions += 1 }
        switch turn.cost {
        case .server(let dollars):
            cost = (cost ?? 0) + dollars
            costFromServer += 1
        case .config(let dollars):
            cost = (cost ?? 0) + dollars
            costFromConfig += 1
        case .unknown:
            turnsWithoutCost += 1
        }
    }

    private static func adding(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(max(0, b))
        return overflow ? .max : sum
    }
}

/// One turn as usage counts it.
struct CostedTurn: Sendable {
    enum Cost: Sendable, Equatable {
        case server(Decimal)
        case config(Decimal)
        case unknown
    }

    var id: ObjectID
    var createdAt: Int64
    var model: String?
    var usage: TokenUsage?
    var replay: Bool
    var compaction: Bool
    var cost: Cost
    /// The price setting that would have priced it, when its cost is unknown for want of one.
    var missingPrice: String?

    init(
        id: ObjectID, createdAt: Int64, model: String?, usage: TokenUsage?, replay: Bool, compaction: Bool, cost: Cost,
        missingPrice: String?
    ) {
        self.id = id
        self.createdAt = createdAt
        self.model = model
        self.usage = usage
        self.replay = replay
        self.compaction = compaction
        self.cost = cost
        self.missingPrice = missingPrice
    }

    /// Reads turn `id`, its cost from the server's recorded response, else from `prices`.
    init(_ id: ObjectID, _ reader: StoreReader, prices: PriceTable) throws {
        let turn = try reader.turn(id)
        self.id = id
        createdAt = turn.createdAt
        model = turn.response.model ?? turn.request.model
        usage = turn.response.usage
        replay = turn.replay
        compaction = turn.response.output.contains { $0.type == "compaction" }
        missingPrice = nil
        if let raw = turn.response.raw, let body = try reader.object(raw)?.bytes,
            let ticks = ResponsesAPI.Usage.costInUSDTicks(responseBody: Data(body))
        {
            cost = .server(Decimal(ticks) / Self.ticksPerDollar)
        } else if let usage {
            let priced = prices.cost(usage, models: [turn.response.model, turn.request.model].compactMap { $0 })
            cost = priced.cost.map(Cost.config) ?? .unknown
            missingPrice = priced.missing
        } else {
            cost = .unknown
        }
    }

    /// xAI: "1 USD = 10,000,000,000 ticks" (docs.x.ai/developers/cost-tracking).
    static let ticksPerDollar = Decimal(10_000_000_000)
}

/// `convo usage`: tokens, replays, compactions and cost of a conversation or of the whole repository.
public enum UsageReport {
    /// Adds up the turns `options` names, in rows when it asks for them.
    public static func run(_ workspace: Workspace, _ options: UsageOptions) throws -> UsageResult {
        try workspace.repository.read { reader in
            let prices = try PriceTable(reader)
            let head = try reader.head()
            var tips: [ObjectID] = []
            if options.all {
                tips = try reader.branches().map(\.tip) + (head.tip.map { [$0] } ?? [])
            } else if let revision = options.revision {
                tips = [try reader.resolve(revision)]
            } else if let tip = head.tip {
                tips = [tip]
            }
            let ids = try Self.turns(reachableFrom: tips, reader)
            var turns = [CostedTurn]()
            turns.reserveCapacity(ids.count)
            for id in ids { turns.append(try CostedTurn(id, reader, prices: prices)) }

            var result = UsageResult(revision: options.all ? nil : options.revision ?? "HEAD", all: options.all, by: options.by)
            for turn in turns { result.total.add(turn) }
            result.missingPrices = Array(Set(turns.compactMap(\.missingPrice))).sorted()
            switch options.by {
            case nil: break
            case .model: result.groups = Self.grouped(turns) { [$0.model ?? "(unknown)"] }.sorted { $0.name < $1.name }
            case .day: result.groups = Self.grouped(turns) { [String(Timestamps.format($0.createdAt).prefix { $0 != "T" })] }.sorted { $0.name < $1.name }
            case .branch:
                var branchesOf: [ObjectID: [String]] = [:]
                let counted = Set(ids)
                for (name, tip) in try reader.branches() {
                    for id in try Self.turns(reachableFrom: [tip], reader) where counted.contains(id) {
                        branchesOf[id, default: []].append(name.rawValue)
                    }
                }
                result.groups = Self.grouped(turns) { branchesOf[$0.id] ?? ["(no branch)"] }.sorted { $0.name < $1.name }
            }
            return result
        }
    }

    /// The longest conversation `status` adds up: cached tokens and costs are not in the index, so each turn
    /// is read, and status stays quick on long conversations (issue 11) by pointing to `convo usage` instead.
    public static let statusLimit = 1_000

    /// The totals of the conversation up to `tip`, for `status`.
    static func conversation(_ reader: StoreReader, tip: ObjectID) throws -> UsageTotals {
        let prices = (try? PriceTable(reader)) ?? PriceTable()
        var totals = UsageTotals()
        for id in try turns(reachableFrom: [tip], reader) { totals.add(try CostedTurn(id, reader, prices: prices)) }
        return totals
    }

    /// Every turn the tips and their ancestors are, each once, from the index.
    private static func turns(reachableFrom tips: [ObjectID], _ reader: StoreReader) throws -> [ObjectID] {
        var seen = Set<ObjectID>()
        var order = [ObjectID]()
        for tip in tips {
            var next: ObjectID? = tip
            while let id = next, seen.insert(id).inserted {
                guard let summary = try reader.summary(id) else {
                    throw StoreError.corruptObject(detail: "turn \(id.hex) is not in the index; run 'convo fsck --rebuild-index'")
                }
                order.append(id)
                next = summary.parent
            }
        }
        return order
    }

    private static func grouped(_ turns: [CostedTurn], by keys: (CostedTurn) -> [String]) -> [UsageGroup] {
        var groups: [String: UsageTotals] = [:]
        for turn in turns {
            for key in keys(turn) { groups[key, default: UsageTotals()].add(turn) }
        }
        return groups.map { UsageGroup(name: $0.key, totals: $0.value) }
    }
}
