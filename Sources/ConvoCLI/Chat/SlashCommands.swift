import ArgumentParser
import ConvoKit
import Foundation

/// One command of the chat prompt: `/NAME ARGS`.
struct SlashCommand: Sendable {
    /// The name after the slash.
    let name: String
    /// Its arguments, for /help.
    let arguments: String
    /// What it does, for /help.
    let summary: String
    /// What tab completes after it; nil: nothing.
    let completes: Completes?
    /// Runs it with the words after the name and the rest of the line as typed.
    let run: @Sendable (ChatLoop, [String], String) async throws -> ChatLoop.Outcome

    /// Runs the subcommand `convo SUBCOMMAND ARGS...`: the same output and errors, on the session's repository.
    static func mapped(
        _ name: String, _ arguments: String, _ summary: String, completes: Completes? = .revision,
        to subcommand: [String]? = nil, movesHead: Bool = false
    ) -> SlashCommand {
        SlashCommand(name: name, arguments: arguments, summary: summary, completes: completes) { loop, words, _ in
            try await loop.subcommand((subcommand ?? [name]) + words)
            if movesHead { loop.session.followHead() }
            return .next
        }
    }

    /// Every command, in the order /help lists them.
    static let table: [SlashCommand] = [
        SlashCommand(name: "help", arguments: "", summary: "list these commands", completes: nil) { loop, _, _ in
            loop.context.out.write(help())
            return .next
        },
        mapped("log", "[ARGS]", "convo log ARGS (e.g. /log --oneline -n 5)"),
        mapped("show", "[REV]", "convo show REV"),
        mapped("status", "", "convo status", completes: nil),
        mapped("branch", "[ARGS]", "convo branch ARGS", completes: .branch),
        mapped("checkout", "REV", "convo checkout REV; the session moves with HEAD", movesHead: true),
        SlashCommand(name: "new", arguments: "[NAME]", summary: "the next message starts a new conversation (on branch NAME, else named from it)", completes: nil) {
            loop, words, _ in
            guard words.count <= 1 else { throw ChatError.badArguments(command: "new", expected: "at most one branch name") }
            loop.session.startNew(try words.first.map(NewBranchName.init))
            loop.context.note("the next message starts a new conversation\(words.first.map { " on branch \($0)" } ?? "")")
            return .next
        },
        mapped("fork", "NAME [REV]", "convo checkout -b NAME [REV]: a new branch at REV (default HEAD)", to: ["checkout", "-b"], movesHead: true),
        SlashCommand(name: "back", arguments: "[N]", summary: "move HEAD (and its branch) N turns back (default 1); the reflog keeps the rest", completes: nil) {
            loop, words, _ in
            guard words.count <= 1, let count = Int(words.first ?? "1"), count >= 1 else {
                throw ChatError.badArguments(command: "back", expected: "a number of turns, 1 or more (got '\(words.joined(separator: " "))')")
            }
            let moved = try loop.session.back(count)
            loop.context.note("HEAD\(moved.branch.map { " (\($0))" } ?? "") is now at \(moved.to), \(count) turn\(count == 1 ? "" : "s") back from \(moved.from); 'convo reflog' keeps \(moved.from)")
            return .next
        },
        SlashCommand(name: "regenerate", arguments: "", summary: "convo say --regenerate: ask HEAD's question again, on a new branch", completes: nil) {
            loop, words, _ in
            guard words.isEmpty else { throw ChatError.badArguments(command: "regenerate", expected: "no arguments") }
            try await loop.answer { onText, notice in
                try await loop.session.answer(from: .regenerate, stream: loop.stream, onText: onText, notice: notice)
            }
            return .next
        },
        SlashCommand(name: "at", arguments: "REV MESSAGE", summary: "convo say --at REV MESSAGE: answer from an earlier turn, on a new branch", completes: .revision) {
            loop, words, rest in
            guard let revision = words.first, words.count >= 2 else { throw ChatError.badArguments(command: "at", expected: "a revision and a message: /at HEAD~2 MESSAGE") }
            let message = ChatWords.rest(rest, skipping: 0)
            try await loop.answer { onText, notice in
                try await loop.session.answer(from: .at(revision), message: message, stream: loop.stream, onText: onText, notice: notice)
            }
            return .next
        },
        mapped("diff", "[REV [REV]]", "convo diff"),
        mapped("search", "QUERY", "convo search QUERY", completes: nil),
        SlashCommand(name: "model", arguments: "[NAME]", summary: "the model of the following messages (without NAME: say which)", completes: nil) {
            loop, words, _ in
            guard words.count <= 1 else { throw ChatError.badArguments(command: "model", expected: "one model name") }
            if let name = words.first {
                loop.session.model = name
            } else {
                loop.context.out.line(try loop.session.model ?? Inspection.statusResult(loop.session.workspace).model ?? "")
            }
            return .next
        },
        SlashCommand(name: "instructions", arguments: "[TEXT]", summary: "the instructions of the following messages (without TEXT: show them)", completes: nil) {
            loop, words, rest in
            if words.isEmpty {
                loop.context.out.line(loop.context.style.block(loop.session.instructions ?? "(the configured instructions)"))
            } else {
                loop.session.instructions = rest
            }
            return .next
        },
        SlashCommand(
            name: "preset", arguments: "[NAME|--none]",
            summary: "say --preset NAME for the following messages (--none: stop; alone: list the presets)", completes: .preset
        ) { loop, words, _ in
            guard words.count <= 1 else { throw ChatError.badArguments(command: "preset", expected: "one preset name, or --none") }
            switch words.first {
            case nil: try ChatPresets.list(loop)
            case "--none":
                loop.session.dropPreset()
                loop.context.note("the following messages use no preset of their own (a branch's preset still applies)")
            case let name?:
                let preset = try loop.session.usePreset(name)
                loop.context.note("the following messages use preset \(ChatPresets.describe(preset))")
            }
            return .next
        },
        SlashCommand(name: "attach", arguments: "PATH", summary: "send this file or image with the next message (as say -a)", completes: nil) {
            loop, words, _ in
            guard words.count == 1 else { throw ChatError.badArguments(command: "attach", expected: "one path (quote a path with spaces)") }
            try loop.session.attach(words[0])
            loop.context.note("\(words[0]) goes with the next message")
            return .next
        },
        SlashCommand(name: "copy", arguments: "", summary: "copy the last answer (OSC 52 on a terminal; always also a file)", completes: nil) {
            loop, _, _ in
            try ChatCopy.copy(loop)
            return .next
        },
        SlashCommand(name: "edit", arguments: "", summary: "write the next message in $VISUAL or $EDITOR, then send it", completes: nil) {
            loop, _, _ in
            var environment = loop.context.environment
            environment.inputIsTerminal = true
            let workspace = loop.session.workspace
            let text = try MessageSource.read(environment, arguments: []) { try MessageSource.previousTurn(workspace) }
            try await loop.answer { onText, notice in
                try await loop.session.say(text, stream: loop.stream, onText: onText, notice: notice)
            }
            return .next
        },
        SlashCommand(name: "quit", arguments: "", summary: "leave (as Ctrl-D does)", completes: nil) { _, _, _ in .quit },
    ]

    /// What /help prints.
    static func help() -> String {
        let width = table.map { $0.name.count + $0.arguments.count + 2 }.max() ?? 0
        var text = ""
        for command in table {
            let left = "/\(command.name)\(command.arguments.isEmpty ? "" : " " + command.arguments)"
            text += "  " + left.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + command.summary + "\n"
        }
        return text + "Any other line is a message. \"\"\" on a line of its own starts and ends a block; a trailing \\ continues.\n"
    }
}

/// What tab completes after a slash command.
enum Completes: Sendable {
    /// Branch names.
    case branch
    /// Any revision: branches and turns.
    case revision
    /// The defined presets' names.
    case preset
}

/// `/preset` without a name: the defined presets, one a line, `*` before the one the session uses.
enum ChatPresets {
    static func list(_ loop: ChatLoop) throws {
        let presets = try Presets.list(loop.session.workspace)
        guard !presets.isEmpty else {
            loop.context.note("no presets are defined; define one with: convo config preset.NAME.instructions \"…\" (or .model, .temperature)")
            return
        }
        for preset in presets {
            loop.context.out.line((preset.name == loop.session.preset ? "* " : "  ") + describe(preset))
        }
    }

    /// `reviewer (model grok-3-mini, temperature 0.2, instructions "Review strictly.")`: the name and what it sets.
    static func describe(_ preset: Preset) -> String {
        let instructions = preset.instructions.map { text in
            let line = text.prefix { !$0.isNewline }
            return "instructions \"\(line.prefix(40))\(line.count > 40 || line.count < text.count ? "…" : "")\""
        }
        let fields = [preset.model.map { "model \($0)" }, preset.temperature.map { "temperature \($0)" }, instructions].compactMap { $0 }
        return preset.name + (fields.isEmpty ? "" : " (\(fields.joined(separator: ", ")))")
    }
}

/// `/copy`: the last answer to the clipboard through the terminal (OSC 52, which many terminals take and some
/// ignore without telling), and always into a file beside the repository whose path is printed.
enum ChatCopy {
    static func copy(_ loop: ChatLoop) throws {
        guard let answer = loop.session.lastAnswer else {
            throw ChatError.nothingToCopy
        }
        let folder = loop.session.folder ?? loop.context.environment.files.temporaryDirectory()
        let file = folder.appendingPathComponent("chat-copy.txt")
        try Data(answer.utf8).write(to: file, options: .atomic)
        _ = chmod(file.path, 0o600)
        if loop.context.environment.outputIsTerminal {
            loop.context.out.write("\u{1B}]52;c;\(Data(answer.utf8).base64EncodedString())\u{07}")
            loop.context.note("copied the last answer to the clipboard (if your terminal allows OSC 52), and to \(file.path)")
        } else {
            loop.context.note("the last answer is in \(file.path)")
        }
    }
}
