import Foundation

/// A message for `say` that cannot be read as given; nothing was opened, sent or written.
public enum MessageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `-` appears more than once among the arguments: standard input can be read only once.
    case standardInputTwice
    /// `-` was given while standard input is a terminal, where reading it would wait for ^D.
    case standardInputIsTerminal

    /// A message naming the problem and the next step.
    public var description: String {
        switch self {
        case .standardInputTwice:
            "'-' (standard input) is given more than once; standard input can be read only once\nhint: keep one '-' where the piped text belongs"
        case .standardInputIsTerminal:
            "'-' reads the message from standard input, but standard input is a terminal\nhint: pipe or redirect the text in (convo say \"Summarize:\" - < notes.md), or drop '-' to write the message in $EDITOR"
        }
    }
}
