import ConvoStore
import Foundation

extension ConfigKey {
    /// The day counts a setting may hold: a hundred years is beyond any retention, and keeps every date
    /// computed from it (`days * 86_400` seconds from now) far inside `Int64`.
    public static let days = 1...36_500

    /// Every setting of the repository, each checked: ``Settings/checked()``.
    public static func stored(_ reader: StoreReader) throws -> [ConfigKey: String] {
        try Settings(reader).checked()
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

/// The settings of a repository as they are stored, read in one query; each is checked as `config KEY VALUE`
/// checks it when a command asks for it. A value edited into the database by hand (or written by an older
/// convo) is then ``ConvoError/invalidStoredConfig(key:value:reason:)``, naming the key and how to clear it,
/// rather than a silent default or a crash further on; a command fails only on the settings it uses.
public struct Settings: Sendable {
    /// The stored values of the keys convo knows, unchecked.
    private let stored: [ConfigKey: String]

    /// Reads every setting of the repository.
    public init(_ reader: StoreReader) throws {
        var stored = [ConfigKey: String]()
        for (key, value) in try reader.configEntries() {
            if let key = ConfigKey(rawValue: key) { stored[key] = value }
        }
        self.stored = stored
    }

    /// Every setting, each checked (the first invalid one, in ``ConfigKey/allCases`` order, is the error).
    public func checked() throws -> [ConfigKey: String] {
        var settings = [ConfigKey: String]()
        for key in ConfigKey.allCases { settings[key] = try value(key) }
        return settings
    }

    /// One setting, checked, or nil when unset.
    public func value(_ key: ConfigKey) throws -> String? { try key.checked(stored[key]) }

    /// A day-count setting (`retention_days`, `reflog_expire_*`), checked, or `defaultValue` when unset.
    public func days(_ key: ConfigKey, default defaultValue: Int) throws -> Int {
        try key.days(stored[key], default: defaultValue)
    }

    /// `retention_days`, checked, or ``Retention/defaultDays``.
    public func retentionDays() throws -> Int { try days(.retentionDays, default: Retention.defaultDays) }
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

extension Settings {
    /// The server the checked settings `config` and the environment name: `CONVO_BASE_URL` over `base_url`
    /// over the provider's; the one resolution `say`, `fetch`, `status` and the remote commands share.
    static func endpoint(
        _ config: [ConfigKey: String], _ environment: ConvoEnvironment, allowInsecureHTTP: Bool
    ) throws(SayError) -> APIEndpoint {
        try APIEndpoint.resolve(config: { config[$0] }, variables: environment.variables, allowInsecureHTTP: allowInsecureHTTP)
    }
}
