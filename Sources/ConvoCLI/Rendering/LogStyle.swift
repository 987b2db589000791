import ConvoKit
import Foundation

/// What `--format` / `--pretty` selects.
enum LogStyle: Equatable {
    /// git's medium: several lines per turn (the default).
    case medium
    /// A template (the `oneline` preset is one).
    case template(LogFormat)

    /// Whether this is one of convo's layouts (medium, oneline), which fit the terminal's width, rather than a
    /// user's template, which is printed whole as git prints `--format`.
    var isBuiltIn: Bool {
        switch self {
        case .medium: true
        case .template(let format): format.shortensLines
        }
    }

    /// Whether it prints the newest user message's first line whole (a user's `%s`), which the index keeps only the
    /// start of when the line is long; the built-in layouts print shortened lines.
    var printsWholeInputLines: Bool { prints(.subject) }

    /// Whether it prints the answer's first line whole (`%a`).
    var printsWholeOutputLines: Bool { prints(.answer) }

    private func prints(_ field: LogFormat.Field) -> Bool {
        switch self {
        case .medium: false
        case .template(let format): !format.shortensLines && format.pieces.contains(.field(field))
        }
    }

    /// Reads `oneline`, `medium`, `format:<t>`, `tformat:<t>`, or a bare template containing `%`.
    static func parse(_ text: String) throws(LogFormatError) -> LogStyle {
        switch text {
        case "oneline": return .template(.oneline)
        case "medium": return .medium
        default:
            for prefix in ["format:", "tformat:"] where text.hasPrefix(prefix) {
                return .template(try LogFormat.parse(String(text.dropFirst(prefix.count))))
            }
            guard text.contains("%") else { throw .unknownPreset(text) }
            return .template(try LogFormat.parse(text))
        }
    }
}
