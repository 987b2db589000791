import ArgumentParser
import ConvoKit
import Foundation

/// The read–answer loop of `convo chat`: messages become turns through ``ChatSession``, slash commands run
/// the subcommand of the same name with the session's repository. Used by one task at a time (the loop awaits
/// each turn before reading the next line); only the cancellable turn task sees it from elsewhere.
final class ChatLoop: @unchecked Sendable {
    let context: CommandContext
    let session: ChatSession
    let json: Bool
    /// Standard input is not a terminal: the first failure ends the session with say's exit status.
    var batch: Bool { !context.environment.inputIsTerminal }
    /// Messages read so far (slash commands included), to name the one that failed.
    private var count = 0

    init(context: CommandContext, session: ChatSession, json: Bool) {
        self.context = context
        self.session = session
        self.json = json
    }

    /// Reads and answers until the input ends or `/quit`.
    func run(_ input: any ChatInput) async throws {
        while true {
            let entry = input.next(prompt: batch ? "" : promptText())
            switch entry {
            case .end:
                if !batch { context.err.line() }
                return
            case .interrupt:
                context.note("(to leave, press Ctrl-D or type /quit)")
            case .text(let text):
                let line = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !line.isEmpty else { continue }
                count += 1
                do {
                    if line.hasPrefix("/") {
                        if try await slash(line) == .quit { return }
                    } else {
                        try await say(text)
                    }
                } catch {
                    try handle(error, line: line)
                }
            }
        }
    }

    /// The prompt: `main> `, a detached HEAD's short id, `(replay)` when the server no longer holds HEAD's
    /// response, `(new)` when the next message starts a conversation.
    func promptText() -> String {
        guard let prompt = try? session.prompt() else { return "convo> " }
        let marks = (prompt.newConversation ? " (new)" : "") + (prompt.replays ? " (replay)" : "")
        return context.style.branch(prompt.place) + (marks.isEmpty ? "" : context.style.dim(marks)) + "> "
    }

    private func say(_ text: String) async throws {
        try await answer { onText, notice in
            try await self.session.say(text, stream: self.stream, onText: onText, notice: notice)
        }
    }

    /// Streamed as `say` streams: when stdout is a terminal.
    var stream: Bool { context.environment.outputIsTerminal }

    func answer(
        _ turn: @escaping @Sendable (_ onText: (String) -> Void, _ notice: (String) -> Void) async throws -> SayReport
    ) async throws {
        // Only the binary's own terminal hangs up; a test's in-process session has no descriptor of its own.
        let hangUps = HangUpGuard(enabled: context.environment.inputIsTerminal && context.environment.input.descriptor != nil)
        defer { hangUps.release() }
        try await SayRendering.answer(context, json: json, stream: stream && !json, turn)
    }

    /// On a terminal an error is shown and the session goes on; in batch mode it ends the session, naming
    /// the message, with the status the error has in `say`.
    private func handle(_ error: any Error, line: String) throws {
        let firstLine = String(line.prefix { !$0.isNewline }.prefix(60))
        if batch {
            context.note("convo: chat stopped at message \(count) ('\(firstLine)'); every turn before it is committed")
            throw error
        }
        _ = ConvoMain.report(error, environment: context.environment)
    }

    enum Outcome { case next, quit }

    /// Runs one slash command.
    func slash(_ line: String) async throws -> Outcome {
        let words = try ChatWords.split(String(line.dropFirst()))
        guard let name = words.first else { throw ChatError.unknownCommand("/") }
        guard let command = SlashCommand.table.first(where: { $0.name == name }) else { throw ChatError.unknownCommand(name) }
        let rest = ChatWords.rest(String(line.dropFirst()))
        return try await command.run(self, Array(words.dropFirst()), rest)
    }

    /// Runs `convo ARGUMENTS` in-process on the session's repository: the same parsing, output and errors as the
    /// subcommand. A failure throws as the subcommand's would.
    func subcommand(_ arguments: [String]) async throws {
        if let command = Convo.parseAlone(arguments) {
            try await command.run(context)
            return
        }
        let environment = context.environment
        let parsed = try DynamicCompletion.$environment.withValue(environment) { try Convo.parseAsRoot(arguments) }
        if let command = parsed as? any ConvoCommand {
            try await command.run(context)
        } else {
            var help = parsed
            try help.run()
        }
    }
}

/// Splits a slash command's arguments as a shell would split words: spaces separate, single and double quotes
/// group, a backslash escapes the next character.
enum ChatWords {
    static func split(_ line: String) throws -> [String] {
        var words = [String](), word = "", inWord = false
        var quote: Character?
        var escaped = false
        for character in line {
            if escaped {
                word.append(character)
                escaped = false
            } else if character == "\\" && quote != "'" {
                escaped = true
                inWord = true
            } else if let open = quote {
                if character == open { quote = nil } else { word.append(character) }
            } else if character == "'" || character == "\"" {
                quote = character
                inWord = true
            } else if character.isWhitespace {
                if inWord { words.append(word) }
                word = ""
                inWord = false
            } else {
                word.append(character)
                inWord = true
            }
        }
        if quote != nil || escaped { throw ChatError.unterminatedQuote(line) }
        if inWord { words.append(word) }
        return words
    }

    /// Everything after the command's name and the `skipping` words after it, as typed (for messages and texts).
    static func rest(_ line: String, skipping: Int = 0) -> String {
        var remainder = Substring(line)
        for _ in 0...skipping {
            remainder = remainder.drop { $0.isWhitespace }
            remainder = remainder.drop { !$0.isWhitespace }
        }
        return remainder.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
