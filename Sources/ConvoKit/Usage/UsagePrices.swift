import ConvoStore
import Foundation

/// A price setting, `price.MODEL.input`, `price.MODEL.cached_input` or `price.MODEL.output`: US dollars per
/// million tokens, for models whose server does not report what a request cost. The model is everything
/// between `price.` and the last dot, so `price.grok-4.3.input` prices `grok-4.3`.
public struct PriceKey: Hashable, Sendable {
    /// What a price applies to.
    public enum Field: String, CaseIterable, Sendable {
        /// Input tokens not served from the cache.
        case input
        /// Input tokens served from the provider's prompt cache.
        case cachedInput = "cached_input"
        /// Generated tokens, reasoning included.
        case output
    }

    /// The model priced, as the server reports it or as it was asked for.
    public var model: String
    /// Which tokens.
    public var field: Field

    /// The setting's name.
    public var name: String { "price.\(model).\(field.rawValue)" }

    /// Creates a key.
    public init(model: String, field: Field) {
        self.model = model
        self.field = field
    }

    /// The price key `text` names; nil when it does not start with `price.` (another kind of key); an error
    /// naming the valid fields when it does but is no price.
    public static func parse(_ text: String) throws -> PriceKey? {
        guard text.hasPrefix("price.") else { return nil }
        let rest = text.dropFirst("price.".count)
        guard let dot = rest.lastIndex(of: "."), dot != rest.startIndex,
            let field = Field(rawValue: String(rest[rest.index(after: dot)...]))
        else {
            throw ConvoError.invalidOption(
                "unknown price setting '\(text)'; use price.MODEL.input, price.MODEL.cached_input or price.MODEL.output (US dollars per million tokens)")
        }
        return PriceKey(model: String(rest[..<dot]), field: field)
    }

    /// A price as written in config: a plain decimal number of dollars per million tokens, at least 0.
    public func value(_ text: String) throws -> Decimal {
        guard let price = Self.decimal(text) else {
            throw ConvoError.invalidConfigValue(
                key: name, value: text, reason: "expected US dollars per million tokens as a plain number such as 1.25 or 0.2")
        }
        return price
    }

    /// `text` as a price: digits with at most one decimal point and at most 12 digits, no sign or exponent (so
    /// that `1e3`, `-1`, `NaN` and `$1` are refused rather than read as something else).
    static func decimal(_ text: String) -> Decimal? {
        let digits = text.filter(\.isASCII).filter(\.isNumber)
        guard !digits.isEmpty, digits.count <= 12, text.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == "." }),
            text.filter({ $0 == "." }).count <= 1
        else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}

/// The prices configured for each model, read once per command.
struct PriceTable {
    private var prices: [String: [PriceKey.Field: Decimal]] = [:]

    /// Every `price.*` setting; a stored value that is no price (hand-edited) is an error naming it.
    init(_ reader: StoreReader) throws {
        for (key, value) in try reader.configEntries() {
            guard let price = try? PriceKey.parse(key) else { continue }
            guard let amount = PriceKey.decimal(value) else {
                throw ConvoError.invalidStoredConfig(
                    key: key, value: value,
                    reason: "expected US dollars per million tokens as a plain number such as 1.25; fix it with 'convo config \(key) 1.25'")
            }
            prices[price.model, default: [:]][price.field] = amount
        }
    }

    init() {}

    /// The cost in dollars of `usage` at the first of `models` that has prices; nil with the setting that is
    /// missing when none can price it (a cached price is needed only when tokens were cached).
    func cost(_ usage: TokenUsage, models: [String]) -> (cost: Decimal?, missing: String?) {
        guard let model = models.first(where: { prices[$0] != nil }) ?? models.first else { return (nil, nil) }
        let table = prices[model] ?? [:]
        // A negative count (a server reported one; the turn keeps it) costs nothing, as the totals count it as 0.
        let inputTokens = max(0, usage.inputTokens), outputTokens = max(0, usage.outputTokens)
        let cached = max(0, min(usage.cachedTokens ?? 0, inputTokens))
        guard let input = table[.input] else { return (nil, PriceKey(model: model, field: .input).name) }
        guard let output = table[.output] else { return (nil, PriceKey(model: model, field: .output).name) }
        var cachedPrice = Decimal(0)
        if cached > 0 {
            guard let price = table[.cachedInput] else { return (nil, PriceKey(model: model, field: .cachedInput).name) }
            cachedPrice = price
        }
        let perMillion = Decimal(inputTokens - cached) * input + Decimal(cached) * cachedPrice + Decimal(outputTokens) * output
        return (perMillion / 1_000_000, nil)
    }
}
