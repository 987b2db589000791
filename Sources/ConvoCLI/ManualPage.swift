import ArgumentParser
import ConvoKit
import Foundation

/// The man pages (`man/convo.1` and one `convo-<command>.1` per command, as git has), generated from the same
/// command definitions as `--help` and the completion scripts, through ArgumentParser's description of the
/// command tree. `scripts/generate-man.sh` writes them; a test fails when the committed pages are stale.
enum ManualPage {
    /// The hidden option that writes the pages: `convo --generate-manual [DIR]` (default `man`).
    static let option = "--generate-manual"

    /// A page: its file name and its roff text.
    struct Page: Equatable {
        var name: String
        var text: String
    }

    /// Every page, `convo.1` first.
    static func pages() -> [Page] {
        let root = commandTree()
        let commands = (root.subcommands ?? []).filter { $0.shouldDisplay != false && $0.commandName != "help" }
        return [overview(root, commands: commands)] + commands.map { page($0, commands: commands) }
    }

    /// Writes every page into the folder named by `arguments` (default `man`) and deletes stale `convo*.1` pages.
    static func write(_ arguments: ArraySlice<String>, environment: ConvoEnvironment) -> ExitStatus {
        guard arguments.count <= 1 else {
            environment.errors.line("error: \(option) takes at most one folder, not \(arguments.count) arguments")
            return .usage
        }
        let folder = environment.path(arguments.first ?? "man")
        let pages = pages()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let names = Set(pages.map(\.name))
            for stale in try FileManager.default.contentsOfDirectory(atPath: folder.path)
            where stale.hasPrefix("convo") && stale.hasSuffix(".1") && !names.contains(stale) {
                try FileManager.default.removeItem(at: folder.appendingPathComponent(stale))
            }
            for page in pages {
                try Data(page.text.utf8).write(to: folder.appendingPathComponent(page.name))
            }
        } catch {
            environment.errors.line("error: cannot write the manual pages into \(folder.path): \(error.localizedDescription)")
            return .failure
        }
        environment.errors.line("wrote \(pages.count) pages into \(folder.path)")
        return .ok
    }

    // MARK: - The command tree, as ArgumentParser describes it

    // Why a generator of our own on `_dumpHelp()` (the JSON `--experimental-dump-help` prints) rather than the
    // library's `swift package generate-manual` plugin: the plugin writes mdoc pages of its own layout, with no
    // EXIT STATUS (ExitStatus.swift's table), ENVIRONMENT or FILES sections and no examples block, so the
    // committed pages would lose what README and the tests check; it also runs a separately built tool through
    // `swift package`, which a test cannot call in-process. The schema's Swift types (ArgumentParserToolInfo's
    // `ToolInfoV0`) are not a product of the package, so the fields read are declared below; ManualPageTests'
    // `theDescriptionStillHasTheShapeThePagesRead` fails when the underscored API changes the shape they read.
    struct Tool: Decodable { var command: Command }

    struct Command: Decodable {
        var commandName: String
        var abstract: String?
        var discussion: String?
        var shouldDisplay: Bool?
        var subcommands: [Command]?
        var arguments: [Argument]?
    }

    struct Argument: Decodable {
        struct Name: Decodable {
            var kind: String
            var name: String
            var spelled: String { (kind == "long" ? "--" : "-") + name }
        }
        var kind: String
        var shouldDisplay: Bool
        var isOptional: Bool
        var isRepeating: Bool
        var names: [Name]?
        var valueName: String?
        var defaultValue: String?
        var allValues: [String]?
        var abstract: String?

        var isHelp: Bool { names?.contains { $0.kind == "long" && ["help", "version"].contains($0.name) } ?? false }
    }

    static func commandTree() -> Command {
        do {
            return try JSONDecoder().decode(Tool.self, from: Data(Convo._dumpHelp().utf8)).command
        } catch {
            preconditionFailure("ArgumentParser's description of the commands did not decode: \(error)")
        }
    }

    // MARK: - Pages

    private static let version = Convo.configuration.version

    private static func header(_ name: String, _ abstract: String) -> String {
        """
        .TH \(name.uppercased()) 1 "" "convo \(version)" "Convo Manual"
        .SH NAME
        \(name) \\- \(escape(abstract.hasSuffix(".") ? String(abstract.dropLast()) : abstract))

        """
    }

    private static func overview(_ root: Command, commands: [Command]) -> Page {
        var text = header("convo", root.abstract ?? "")
        text += ".SH SYNOPSIS\n.B convo\n[\\fB\\-C\\fR \\fIdir\\fR] [\\fB\\-\\-no\\-pager\\fR] \\fIcommand\\fR [\\fIargs\\fR]\n"
        text += ".br\n.B convo\n\\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n"
        let (description, examples) = sections(root.discussion)
        text += ".SH DESCRIPTION\n" + description
        text += ".SH COMMANDS\n"
        for command in commands {
            text += ".TP\n\\fBconvo\\-\(escapeOption(command.commandName))\\fR(1)\n\(escape(command.abstract ?? ""))\n"
        }
        text += ".SH EXIT STATUS\n"
        for status in ExitStatus.allCases {
            text += ".TP\n.B \(status.rawValue)\n\(escape(status.manualMeaning))\n"
        }
        text += ".SH ENVIRONMENT\n"
        for (name, meaning) in environment {
            text += ".TP\n.B \(escapeOption(name))\n\(escape(meaning))\n"
        }
        text += ".SH FILES\n.TP\n.I .convo/store.sqlite\n"
        text += "The repository: one SQLite database holding every turn, text, ref and reflog entry.\n"
        if !examples.isEmpty { text += ".SH EXAMPLES\n" + examples }
        text += ".SH SEE ALSO\n" + commands.map { "\\fBconvo\\-\(escapeOption($0.commandName))\\fR(1)" }.joined(separator: ",\n")
        text += ",\n\\fBgit\\fR(1)\n"
        return Page(name: "convo.1", text: text)
    }

    private static func page(_ command: Command, commands: [Command]) -> Page {
        let name = "convo-\(command.commandName)"
        var text = header(name, command.abstract ?? "")
        let arguments = (command.arguments ?? []).filter { $0.shouldDisplay && !$0.isHelp }
        text += ".SH SYNOPSIS\n.B convo \(escapeOption(command.commandName))\n"
        text += arguments.map(synopsis).joined(separator: "\n") + (arguments.isEmpty ? "" : "\n")
        let (description, examples) = sections(command.discussion)
        text += ".SH DESCRIPTION\n.PP\n\(escape(command.abstract ?? ""))\n" + description
        if !arguments.isEmpty {
            text += ".SH OPTIONS\n"
            for argument in arguments {
                text += ".TP\n\(term(argument))\n\(escape(argument.abstract ?? ""))"
                if let values = argument.allValues, !values.isEmpty, argument.kind != "flag" {
                    text += " One of: \(values.map(escapeOption).joined(separator: ", "))."
                }
                if let value = argument.defaultValue, argument.kind == "option" || argument.kind == "positional" {
                    text += " Default: \\fB\(escapeOption(value))\\fR."
                }
                text += "\n"
            }
        }
        if !examples.isEmpty { text += ".SH EXAMPLES\n" + examples }
        text += ".SH SEE ALSO\n\\fBconvo\\fR(1)\n"
        return Page(name: name + ".1", text: text)
    }

    /// The variables convo reads, for the ENVIRONMENT section.
    static let environment = [
        ("CONVO_DIR", "The repository folder (default: .convo in the working folder or the nearest parent that has one)."),
        ("CONVO_API_KEY", "The API key; else XAI_API_KEY or OPENAI_API_KEY for the provider, else the output of config api_key_command. Never stored."),
        ("XAI_API_KEY, OPENAI_API_KEY", "The provider's API key."),
        ("CONVO_BASE_URL", "The API base URL, over config base_url and the provider's."),
        ("VISUAL, EDITOR", "The editor say composes a message in when there is none on the command line or stdin."),
        ("CONVO_PAGER, PAGER", "The pager of log and show on a terminal (default: less -FRX); empty or cat for none."),
        ("LESS, LV", "Set to FRX and -c for the pager when unset, as git does."),
        ("NO_COLOR", "When set and not empty, no colours unless --color=always."),
        ("TERM", "dumb means no colours unless --color=always."),
    ]

    /// `[--format <format>]`, `[-n <n>]`, `<file>`, `[<revision> ...]`.
    private static func synopsis(_ argument: Argument) -> String {
        var text = term(argument, firstNameOnly: true)
        if argument.isRepeating { text += " ..." }
        return argument.isOptional ? "[\(text)]" : text
    }

    /// The option's names and value, in roff: `\fB\-n\fR \fIn\fR`.
    private static func term(_ argument: Argument, firstNameOnly: Bool = false) -> String {
        let value = "\\fI<\(escapeOption(argument.valueName ?? "value"))>\\fR"
        guard argument.kind != "positional" else { return value }
        var names = (argument.names ?? []).sorted { $0.kind == "short" && $1.kind != "short" }
        if firstNameOnly { names = Array(names.prefix(1)) }
        let spelled = names.map { "\\fB\(escapeOption($0.spelled))\\fR" }.joined(separator: ", ")
        return argument.kind == "option" ? "\(spelled) \(value)" : spelled
    }

    /// Splits a discussion into DESCRIPTION paragraphs and the EXAMPLES block. A paragraph starting with
    /// "Examples:" is the examples; indented lines are kept as they are (no filling).
    private static func sections(_ discussion: String?) -> (description: String, examples: String) {
        var description = "", examples = ""
        for paragraph in (discussion ?? "").components(separatedBy: "\n\n") where !paragraph.isEmpty {
            var lines = paragraph.components(separatedBy: "\n")
            if lines[0] == "Examples:" {
                lines.removeFirst()
                examples += ".PP\n.RS 4\n.nf\n" + lines.map { escapeLiteral(String($0.drop { $0 == " " })) + "\n" }.joined() + ".fi\n.RE\n"
                continue
            }
            let literal = lines.dropFirst().filter { $0.hasPrefix("  ") }
            description += ".PP\n"
            if literal.isEmpty {
                description += escape(lines.joined(separator: " ")) + "\n"
            } else {
                let heading = lines.prefix { !$0.hasPrefix("  ") }
                let rest = lines.dropFirst(heading.count)
                description += heading.map { escape($0) + "\n" }.joined()
                description += ".RS 4\n.nf\n" + rest.map { escapeLiteral(String($0.dropFirst(2))) + "\n" }.joined() + ".fi\n.RE\n"
            }
        }
        return (description, examples)
    }

    // MARK: - roff escaping

    /// Prose: backslashes, leading dots and quotes, and every character outside ASCII as `\[uXXXX]`.
    static func escape(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\e"
            case _ where scalar.value > 0x7E || (scalar.value < 0x20 && scalar != "\n"):
                out += "\\[u" + String(format: "%04X", scalar.value) + "]"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out.components(separatedBy: "\n").map { line in
            line.hasPrefix(".") || line.hasPrefix("'") ? "\\&" + line : line
        }.joined(separator: "\n")
    }

    /// Option names, values and commands: also hyphens as minus signs, so they can be searched and copied.
    static func escapeOption(_ text: String) -> String { escape(text).replacingOccurrences(of: "-", with: "\\-") }

    /// A line of an example or of indented text.
    static func escapeLiteral(_ text: String) -> String { escapeOption(text) }
}

extension ExitStatus {
    /// ``meaning`` as a sentence of the manual: capitalised, ended, without Markdown's code spans.
    var manualMeaning: String {
        let plain = meaning.replacingOccurrences(of: "`", with: "")
        return plain.prefix(1).uppercased() + plain.dropFirst() + "."
    }
}
