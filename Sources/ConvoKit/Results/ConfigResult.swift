/// One setting, as `config KEY --json` prints it.
public struct ConfigEntry: Sendable, Encodable {
    /// The key.
    public var key: String
    /// Its value.
    public var value: String
}

/// Every setting, as `config --list` shows them; `--json` prints one object of every key.
public struct ConfigList: Sendable, Encodable {
    /// The settings, sorted by key.
    public var entries: [ConfigEntry]

    /// `{"<key>": "<value>", …}`.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        for entry in entries { try json.set(entry.key, entry.value) }
    }
}

extension Setup {
    /// `convo config --list`.
    public static func configList(_ workspace: Workspace) throws -> ConfigList {
        ConfigList(entries: try list(workspace).map { ConfigEntry(key: $0.key, value: $0.value) })
    }

    /// `convo config KEY`: the setting, or nil when it is unset.
    public static func configEntry(_ workspace: Workspace, key: String) throws -> ConfigEntry? {
        try get(workspace, key: key).map { ConfigEntry(key: key, value: $0) }
    }
}
