/// Usage errors of `convo chat`'s own slash commands (the mapped subcommands throw their own errors).
public enum ChatError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A slash command that does not exist.
    case unknownCommand(String)
    /// A slash command given arguments it does not take; the text says what it takes.
    case badArguments(command: String, expected: String)
    /// A quote or a trailing backslash left open in a slash command.
    case unterminatedQuote(String)
    /// `/copy` before any answer in this session.
    case nothingToCopy

    /// The message, naming the offending input and what to do instead.
    public var description: String {
        switch self {
        case .unknownCommand(let name): "unknown chat command '/\(name)': /help lists them"
        case .badArguments(let command, let expected): "/\(command) takes \(expected)"
        case .unterminatedQuote(let line): "unterminated quote in '/\(line)': close it, or escape it with \\"
        case .nothingToCopy: "/copy copies the last answer of this session, and there is none yet"
        }
    }
}
