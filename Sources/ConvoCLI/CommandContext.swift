import ArgumentParser
import ConvoKit
import ConvoStore
import Foundation

/// What a command runs with: the environment, and the repository once opened.
struct CommandContext {
    let environment: ConvoEnvironment

    /// Opens the repository of the working folder.
    func workspace() throws -> Workspace { try Workspace.open(environment) }

    /// Standard output.
    var out: TextSink { environment.output }
    /// Standard error.
    var err: TextSink { environment.errors }

    /// Colours for standard output: only on a terminal, never with NO_COLOR.
    var style: Style {
        Style(enabled: environment.outputIsTerminal && (environment.variables["NO_COLOR"] ?? "").isEmpty)
    }

    /// Prints one JSON object on one line.
    func json(_ value: JSONValue) { out.line(value.canonicalString) }
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

/// ANSI colours, or none.
struct Style {
    var enabled: Bool

    func paint(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[m" : text }
    func id(_ text: String) -> String { paint(text, "33") }
    func head(_ text: String) -> String { paint(text, "1;36") }
    func branch(_ text: String) -> String { paint(text, "1;32") }
    func dim(_ text: String) -> String { paint(text, "2") }
    func graph(_ text: String) -> String { paint(text, "31") }
}

/// Parses a branch name for `@Argument(transform:)`, so a bad name is a usage error that says which rule it breaks.
func branchName(_ text: String) throws -> BranchName { try BranchName(text) }
