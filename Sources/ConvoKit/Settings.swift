import ConvoStore
import Foundation

extension ConfigKey {
    /// The day counts a setting may hold: a hundred years is beyond any retention, and keeps every date
    /// computed from it (`days * 86_400` seconds from now) far inside `Int64`.
    public static let days = 1...36_500

    /// Every setting of the repository, each checked as `config KEY VALUE` checks it: a value edited into the
    /// database by hand (or written by an older convo) is ``ConvoError/invalidStoredConfig(key:value:reason:)``,
    /// naming the key and how to clear it, rather than a silent default or a crash further on.
    public static func stored(_ reader: StoreReader) throws -> [ConfigKey: String] {
        var settings = [ConfigKey: String]()
        for key in allCases { settings[key] = try key.stored(reader) }
        return settings
    }

    /// This setting's checked value, or nil when unset.
    public func stored(_ reader: StoreReader) throws -> String? {
        try checked(reader.config(rawValue))
    }

    /// `value` when it is valid for this key (or nil); otherwise the stored-value error.
    public func checked(_ value: String?) throws -> String? {
        guard let value else { return nil }
        do {
            try validate(value)
        } catch let ConvoError.invalidConfigValue(_, _, reason) {
            throw ConvoError.invalidStoredConfig(key: rawValue, value: value, reason: reason)
        }
        return value
    }

    /// A day-count setting (`retention_days`, `reflog_expire_*`), checked, or `defaultValue` when unset.
    public func days(_ value: String?, default defaultValue: Int) throws -> Int {
        guard let text = try checked(value), let days = Int(text) else { return defaultValue }
        return days
    }
}

/// Date arithmetic on unix seconds that saturates at the ends of `Int64` instead of trapping, for every
/// time computed from a setting or an argument (`--prune=N.weeks.ago`).
public enum Seconds {
    /// `days` days in seconds, saturated.
    public static func days(_ days: Int64) -> Int64 { product(days, 86_400) }

    /// `a * b`, saturated.
    public static func product(_ a: Int64, _ b: Int64) -> Int64 {
        let (result, overflow) = a.multipliedReportingOverflow(by: b)
        guard overflow else { return result }
        return (a < 0) == (b < 0) ? .max : .min
    }

    /// `a + b`, saturated.
    public static func sum(_ a: Int64, _ b: Int64) -> Int64 {
        let (result, overflow) = a.addingReportingOverflow(b)
        guard overflow else { return result }
        return b > 0 ? .max : .min
    }

    /// `a - b`, saturated.
    public static func difference(_ a: Int64, _ b: Int64) -> Int64 {
        let (result, overflow) = a.subtractingReportingOverflow(b)
        guard overflow else { return result }
        return b > 0 ? .min : .max
    }
}
