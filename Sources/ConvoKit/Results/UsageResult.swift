import ConvoStore
import Foundation

/// One row of `convo usage --by`.
public struct UsageGroup: Sendable, Equatable {
    /// The branch, model or day (`YYYY-MM-DD`, UTC).
    public var name: String
    /// Its turns' totals.
    public var totals: UsageTotals
}

/// `convo usage`: what it prints as text and as `--json`.
public struct UsageResult: Sendable, Encodable {
    /// The revision whose conversation was added up; nil with `--all`.
    public var revision: String?
    /// `--all`.
    public var all: Bool
    /// `--by`.
    public var by: UsageGrouping?
    /// Every turn counted, each once.
    public var total = UsageTotals()
    /// The rows of `--by`, in order (a turn on two branches is in both rows).
    public var groups: [UsageGroup] = []
    /// Price settings that would give the turns without a cost one, sorted.
    public var missingPrices: [String] = []

    init(revision: String?, all: Bool, by: UsageGrouping?) {
        self.revision = revision
        self.all = all
        self.by = by
    }

    /// `usage --json`'s object: stable keys, documented in README.md.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("revision", revision)
        try json.set("all", all)
        try json.set("by", by?.rawValue)
        try json.set("total", total.json)
        try json.set("groups", JSONValue.array(groups.map { group in
            var object = group.totals.json.objectValue ?? [:]
            object["group"] = .string(group.name)
            return .object(object)
        }))
        try json.set("missing_prices", missingPrices)
    }
}

extension UsageTotals {
    /// `{"turns", "input_tokens", "cached_tokens", "output_tokens", "reasoning_tokens", "replays", "compactions",
    /// "cost_usd", "cost_source", "turns_without_cost"}`; `cost_usd` is an exact decimal number, or null.
    public var json: JSONValue {
        .object([
            "turns": .int(Int64(turns)), "input_tokens": .int(inputTokens), "cached_tokens": .int(cachedTokens),
            "output_tokens": .int(outputTokens), "reasoning_tokens": .int(reasoningTokens),
            "replays": .int(Int64(replays)), "compactions": .int(Int64(compactions)),
            "cost_usd": cost.map { JSONValue.number(Self.plain($0)) } ?? .null,
            "cost_source": costSource.map(JSONValue.string) ?? .null,
            "turns_without_cost": .int(Int64(turnsWithoutCost)),
        ])
    }

    /// The cost as a person reads it: `$0.004512`, to the millionth of a dollar (rounded).
    public var dollars: String? {
        guard var cost else { return nil }
        var rounded = Decimal()
        NSDecimalRound(&rounded, &cost, 6, .plain)
        let text = Self.plain(rounded)
        let parts = text.split(separator: ".", maxSplits: 1)
        let fraction = parts.count > 1 ? String(parts[1]) : ""
        return "$" + parts[0] + "." + fraction.padding(toLength: 6, withPad: "0", startingAt: 0)
    }

    /// A decimal in plain notation (`0.0038935`, never `3.8935e-3`).
    static func plain(_ value: Decimal) -> String {
        NSDecimalNumber(decimal: value).description(withLocale: Locale(identifier: "en_US_POSIX"))
    }
}

extension UsageTotals {
    /// One line for a person: `3 turns, 1234 in (512 cached) / 345 out (20 reasoning), $0.004512`; the cost
    /// says when it covers only some turns, and is left out when no turn's is known.
    public var summary: String {
        var text = "\(turns) turn\(turns == 1 ? "" : "s"), \(inputTokens) in (\(cachedTokens) cached) / \(outputTokens) out"
        if reasoningTokens > 0 { text += " (\(reasoningTokens) reasoning)" }
        if let dollars {
            text += ", " + dollars + (turnsWithoutCost > 0 ? " for \(turns - turnsWithoutCost) of \(turns) turns" : "")
        } else {
            text += ", cost unknown"
        }
        return text
    }
}
