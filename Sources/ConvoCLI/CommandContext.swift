import ArgumentParser
import ConvoKit
import Foundation

/// What a command runs with: the environment, and the repository once opened.
struct CommandContext {
    var environment: ConvoEnvironment
    /// False after the global `--no-pager` (`convo --no-pager log`).
    var pagerAllowed = true
    /// The repository `convo chat` holds open: its slash commands use it instead of opening another connection.
    var session: Workspace?

    /// Opens the repository of the working folder: `.read` for commands that only read (they then work
    /// on a read-only repository and never migrate or write), `.write` for commands that change it.
    func workspace(_ access: Access = .write) throws -> Workspace {
        if let session { return session }
        return try Workspace.open(environment, for: access)
    }

    /// Standard output (the pager's input while paging).
    var out: TextSink { environment.output }
    /// Standard error.
    var err: TextSink { environment.errors }

    /// Colours for standard output. `auto`: only on a terminal, and never with NO_COLOR set or TERM=dumb;
    /// `always` wins over NO_COLOR, as git's `--color=always` does. Untrusted text is escaped whenever stdout
    /// is a terminal (or the pager in front of it), whatever the colours, and never through a pipe.
    func style(_ when: ColorWhen) -> Style {
        let terminal = environment.outputIsTerminal
        return switch when {
        case .always: Style(enabled: true, escapes: terminal)
        case .never: Style(enabled: false, escapes: terminal)
        case .auto:
            Style(
                enabled: terminal && (environment.variables["NO_COLOR"] ?? "").isEmpty && environment.variables["TERM"] != "dumb",
                escapes: terminal)
        }
    }

    /// Colours for a command without `--color`: the `auto` rule.
    var style: Style { style(.auto) }

    /// Writes a message for a person to stderr with any control characters in it visible (``VisibleText``):
    /// such messages quote stored and server text, and stderr carries no data whose bytes must stay exact,
    /// so this holds whether stderr is a terminal or a log file someone will `cat` later.
    func note(_ text: String) { err.line(VisibleText.block(text)) }

    /// Prints a command's result as one JSON object on one line (ConvoKit's one JSON writer).
    func json(_ value: some Encodable) throws { out.line(try JSONOutput.text(value)) }

    /// Prints `value`'s JSON, written by the value itself (``CanonicalJSONWriting``).
    func json(_ value: some CanonicalJSONWriting) { out.line(JSONOutput.text(value)) }

    /// Runs `body` with standard output going through the pager (`CONVO_PAGER`, else `PAGER`, else `less -FRX`)
    /// when `enabled`, stdout is a terminal and the pager is not empty or `cat`; otherwise straight to stdout.
    /// Waits for the pager to quit. Compute everything that can fail before, so errors reach a plain stderr.
    func paging(_ enabled: Bool, _ body: (CommandContext) throws -> Void) throws {
        guard enabled, pagerAllowed, environment.outputIsTerminal, let command = PagerChoice.command(environment.variables) else {
            return try body(self)
        }
        let session: PagerSession
        do {
            session = try environment.pager.start(command, PagerChoice.variables(environment.variables))
        } catch {
            note("warning: \(error); printing without a pager")
            return try body(self)
        }
        defer { session.finish() }
        var paged = self
        paged.environment.output = session.input
        try body(paged)
    }
}

/// `--color=auto|always|never`.
enum ColorWhen: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, always, never
}

/// The options of a command that colours its output.
struct ColorOptions: ParsableArguments {
    @Option(
        name: .customLong("color"),
        help: ArgumentHelp(
            "When to colour: auto (stdout is a terminal and NO_COLOR is unset), always (even through a pipe, e.g. for a pager), never.",
            valueName: "when"))
    var color: ColorWhen = .auto
}

/// The option of a command that pages its output.
struct PagerOptions: ParsableArguments {
    @Flag(name: .customLong("no-pager"), help: "Print straight to stdout even on a terminal (default: page through $CONVO_PAGER, $PAGER or less -FRX).")
    var noPager = false
}

/// A command that runs against an injected context.
protocol ConvoCommand: AsyncParsableCommand {
    func run(_ context: CommandContext) async throws
}

extension ConvoCommand {
    mutating func run() async throws {
        try await run(CommandContext(environment: .live()))
    }
}

/// ANSI colours, or none; and whether untrusted text is shown with its control characters visible.
struct Style {
    var enabled: Bool
    /// Stdout is a terminal: text from models, imports and settings goes through ``VisibleText``.
    var escapes = false

    /// One line of untrusted text as it may be shown (a newline shows as `^J`).
    func text(_ text: String) -> String { escapes ? VisibleText.line(text) : text }
    /// Several lines of untrusted text as they may be shown (newlines and tabs stay).
    func block(_ text: String) -> String { escapes ? VisibleText.block(text) : text }

    func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[m" : text }
    func id(_ text: String) -> String { paint(text, "33") }
    func head(_ text: String) -> String { paint(text, "1;36") }
    func branch(_ text: String) -> String { paint(text, "1;32") }
    func dim(_ text: String) -> String { paint(text, "2") }
    func graph(_ text: String) -> String { paint(text, "31") }
}

/// Parses a branch name for `@Argument(transform:)`, so a bad name is a usage error that says which rule it breaks.
func branchName(_ text: String) throws -> NewBranchName { try NewBranchName(text) }
