import ConvoKit
import Foundation

/// A `log --format` template, parsed once: literal text, placeholders and colour changes.
///
/// Placeholders follow git's pretty formats where git has one (`%H`, `%h`, `%s`, `%d`, `%cr`, `%C(…)`);
/// `%r`, `%a`, `%m`, `%t` and `%k` are convo's own.
struct LogFormat: Equatable, Sendable {
    /// A value of the turn that a placeholder prints.
    enum Field: String, CaseIterable, Sendable {
        case fullID = "H"
        case shortID = "h"
        case parentID = "P"
        case shortParentID = "p"
        case responseID = "r"
        case subject = "s"
        case answer = "a"
        case model = "m"
        case tokens = "t"
        case cachedTokens = "k"
        case decorations = "d"
        case bareDecorations = "D"
        case relativeDate = "cr"
        case isoDate = "ci"
        case strictISODate = "cI"
        case unixDate = "ct"
        case remoteState = "R"

        /// One line for the error that lists the valid placeholders.
        var meaning: String {
            switch self {
            case .fullID: "full id"
            case .shortID: "short id"
            case .parentID: "parent's full id"
            case .shortParentID: "parent's short id"
            case .responseID: "response id"
            case .subject: "first line of the input"
            case .answer: "first line of the answer"
            case .model: "model"
            case .tokens: "tokens, input + output"
            case .cachedTokens: "input tokens served from the prompt cache"
            case .decorations: "refs, \" (HEAD -> main, x)\""
            case .bareDecorations: "refs without the parentheses"
            case .relativeDate: "relative date"
            case .isoDate: "ISO 8601 date"
            case .strictISODate: "RFC 3339 date"
            case .unixDate: "unix time"
            case .remoteState: "server state: live, expired, deleted, not stored, failed"
            }
        }
    }

    /// One part of a template.
    enum Piece: Equatable, Sendable {
        case literal(String)
        case field(Field)
        /// An SGR escape sequence without its `ESC [` and `m`; `""` resets.
        case color(String)
    }

    /// The parsed template.
    var pieces: [Piece]
    /// The built-in layouts shorten first lines to 50 characters for a person; a user's `%s` and `%a` are
    /// the whole first line, as git's `%s` is, so scripts get what `log --json` carries.
    var shortensLines = false

    /// `--oneline`: `a81d0b4 (HEAD -> main) What's my name?  →  Your name is Alice.`
    static let oneline = LogFormat(pieces: [
        .color("33"), .field(.shortID), .color(""), .field(.decorations), .literal(" "), .field(.subject),
        .color("2"), .literal("  →  "), .color(""), .field(.answer),
    ], shortensLines: true)

    /// `--oneline --remote`: the server state after the short id, `a81d0b4 [expired] (HEAD -> main) …`.
    static let onelineRemote = LogFormat(pieces: [
        .color("33"), .field(.shortID), .color(""), .literal(" "), .color("2"), .literal("["), .field(.remoteState),
        .literal("]"), .color(""), .field(.decorations), .literal(" "), .field(.subject),
        .color("2"), .literal("  →  "), .color(""), .field(.answer),
    ], shortensLines: true)

    /// The placeholders a template may use, for help and errors.
    static let validPlaceholders =
        Field.allCases.map { "%\($0.rawValue)" } + ["%n", "%%", "%C(<colour>)", "%Creset", "%Cred", "%Cgreen", "%Cblue"]

    /// Parses `template`; any `%` that does not start a known placeholder is an error naming it.
    static func parse(_ template: String) throws(LogFormatError) -> LogFormat {
        var pieces = [Piece]()
        var literal = ""
        func flush() {
            if !literal.isEmpty { pieces.append(.literal(literal)) }
            literal = ""
        }
        var rest = Substring(template)
        while let percent = rest.firstIndex(of: "%") {
            literal += rest[..<percent]
            rest = rest[rest.index(after: percent)...]
            if rest.hasPrefix("%") {
                literal += "%"
                rest = rest.dropFirst()
            } else if rest.hasPrefix("n") {
                literal += "\n"
                rest = rest.dropFirst()
            } else if rest.hasPrefix("C") {
                flush()
                let (code, remainder) = try colour(after: rest.dropFirst())
                pieces.append(.color(code))
                rest = remainder
            } else if let field = Field.allCases.filter({ rest.hasPrefix($0.rawValue) }).max(by: { $0.rawValue.count < $1.rawValue.count }) {
                flush()
                pieces.append(.field(field))
                rest = rest.dropFirst(field.rawValue.count)
            } else {
                let shown = rest.first.map { "%\($0)" } ?? "%"
                throw .unknownPlaceholder(shown)
            }
        }
        literal += rest
        flush()
        return LogFormat(pieces: pieces)
    }

    /// Parses what follows `%C`: `(spec)`, `reset`, `red`, `green` or `blue`.
    private static func colour(after text: Substring) throws(LogFormatError) -> (String, Substring) {
        for (word, code) in [("reset", ""), ("red", "31"), ("green", "32"), ("blue", "34")] where text.hasPrefix(word) {
            return (code, text.dropFirst(word.count))
        }
        guard text.hasPrefix("("), let close = text.firstIndex(of: ")") else {
            throw .unknownPlaceholder("%C" + text.prefix(1))
        }
        let spec = text[text.index(after: text.startIndex)..<close]
        return (try sgr(String(spec)), text[text.index(after: close)...])
    }

    /// Turns git's colour words (`bold red`, `dim`, `reset`, `brightblue`, `ul`, a number 0–255) into SGR
    /// parameters: attributes first, then the foreground, then the background, as git writes them.
    static func sgr(_ spec: String) throws(LogFormatError) -> String {
        let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]
        let attributes = ["bold": "1", "dim": "2", "italic": "3", "ul": "4", "underline": "4", "blink": "5", "reverse": "7", "strike": "9"]
        var attributeCodes = [String](), colours = [String]()
        for word in spec.lowercased().split(separator: " ").map(String.init) {
            if word == "reset" {
                guard spec.split(separator: " ").count == 1 else { throw .badColour(spec) }
                return ""
            } else if let code = attributes[word] {
                attributeCodes.append(code)
            } else if word == "normal" || word == "default" {
                colours.append(colours.isEmpty ? "39" : "49")
            } else if let index = names.firstIndex(of: word) {
                colours.append(String((colours.isEmpty ? 30 : 40) + index))
            } else if word.hasPrefix("bright"), let index = names.firstIndex(of: String(word.dropFirst(6))) {
                colours.append(String((colours.isEmpty ? 90 : 100) + index))
            } else if let number = Int(word), (0...255).contains(number) {
                colours.append((colours.isEmpty ? "38;5;" : "48;5;") + String(number))
            } else {
                throw .badColour(spec)
            }
            if colours.count > 2 { throw .badColour(spec) }
        }
        guard !(attributeCodes.isEmpty && colours.isEmpty) else { throw .badColour(spec) }
        return (attributeCodes + colours).joined(separator: ";")
    }

    /// Renders one entry; colours only when `style` is enabled, and the turn's texts escaped when it escapes
    /// (the template's own literal text is the user's and stays as written). `now` is for relative dates.
    func render(_ entry: LogItem, style: Style, now: Int64) -> String {
        var text = ""
        for piece in pieces {
            switch piece {
            case .literal(let literal): text += literal
            case .color(let code): if style.enabled { text += "\u{1B}[\(code)m" }
            case .field(let field): text += value(field, entry, style: style, now: now)
            }
        }
        return text
    }

    private func value(_ field: Field, _ entry: LogItem, style: Style, now: Int64) -> String {
        let summary = entry
        switch field {
        case .fullID: return summary.id
        case .shortID: return entry.shortID
        case .parentID: return summary.parent ?? ""
        case .shortParentID: return summary.shortParent ?? ""
        case .responseID: return style.text(summary.responseID ?? "")
        case .subject: return style.text(shortensLines ? summary.shortInputLine : summary.inputLine)
        case .answer: return style.text(shortensLines ? summary.shortOutputLine : summary.outputLine)
        case .model: return style.text(summary.model ?? "")
        case .tokens:
            guard let input = summary.inputTokens, let output = summary.outputTokens else { return "" }
            // Decimal: counts from a server or a damaged store may be near Int64's limits, and their sum beyond.
            return "\(Decimal(input) + Decimal(output))"
        case .cachedTokens: return summary.cachedTokens.map { String($0) } ?? ""
        case .decorations: return LogRenderer(style: style).decoration(entry.refs)
        case .bareDecorations: return style.text(entry.refs.joined(separator: ", "))
        case .relativeDate: return RelativeDate.describe(summary.createdAt, now: now)
        case .isoDate: return RelativeDate.iso(summary.createdAt)
        case .strictISODate: return Timestamps.format(summary.createdAt)
        case .unixDate: return String(summary.createdAt)
        case .remoteState: return entry.remote.name.replacingOccurrences(of: "_", with: " ")
        }
    }
}

/// A template that cannot be parsed; a usage error.
enum LogFormatError: Error, Equatable, CustomStringConvertible {
    /// `%x` that is no placeholder.
    case unknownPlaceholder(String)
    /// `%C(…)` with a word that is no colour or attribute.
    case badColour(String)
    /// `--format NAME` that is neither a preset nor a template.
    case unknownPreset(String)

    var description: String {
        switch self {
        case .unknownPlaceholder(let placeholder):
            "unknown placeholder '\(placeholder)' in --format; valid: \(LogFormat.validPlaceholders.joined(separator: " "))"
        case .badColour(let spec):
            "invalid colour '%C(\(spec))' in --format; use words such as red, bold blue, dim, brightgreen, 208 or reset"
        case .unknownPreset(let name):
            "unknown format '\(name)'; use oneline, medium, or a template with placeholders such as 'format:%h %s'"
        }
    }
}
