import ConvoStore

/// Errors of the use-case layer, with messages that name the value and the next step.
public enum ConvoError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An import file line that is not a valid transcript line; nothing was imported.
    case invalidTranscript(source: String, line: Int, reason: String)
    /// An import file that cannot be read.
    case unreadableFile(path: String, reason: String)
    /// A configuration key that convo does not know.
    case unknownConfigKey(String)
    /// A configuration value that is not valid for its key.
    case invalidConfigValue(key: String, value: String, reason: String)
    /// An option value that does not make sense (e.g. `--format pdf`).
    case invalidOption(String)
    /// A setting stored in the repository (edited by hand, or by an older convo) that is not valid for its key.
    case invalidStoredConfig(key: String, value: String, reason: String)
    /// A row of another program's database (llm's logs) with a column convo cannot read; nothing was imported.
    case invalidDatabaseRow(path: String, row: String, column: String, reason: String)

    public var description: String {
        switch self {
        case .invalidTranscript(let source, let line, let reason):
            "\(source):\(line): \(reason)\nnothing was imported; fix the line and run the import again"
        case .unreadableFile(let path, let reason):
            "cannot read \(path): \(reason)"
        case .unknownConfigKey(let key):
            "unknown configuration key '\(key)'\nhint: known keys: \(ConfigKey.allCases.map(\.rawValue).joined(separator: ", ")), preset.NAME.instructions|model|temperature, branch.NAME.preset"
        case .invalidConfigValue(let key, let value, let reason):
            "invalid value '\(value)' for '\(key)': \(reason)"
        case .invalidOption(let message):
            message
        case .invalidStoredConfig(let key, let value, let reason):
            "the setting \(key) is '\(value)', which is not valid: \(reason)\nhint: run 'convo config --unset \(key)' for the default, or 'convo config \(key) <value>'"
        case .invalidDatabaseRow(let path, let row, let column, let reason):
            "\(path): \(row): column '\(column)' \(reason)\nnothing was imported; fix or delete the row and run the import again"
        }
    }
}
