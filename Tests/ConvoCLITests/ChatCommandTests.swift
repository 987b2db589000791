import ConvoKit
import Foundation
import ResponsesEmulator
import Testing

@Suite struct ChatCommandTests {
    /// Each slash command against the subcommand it maps to, run on two identical repositories: the same
    /// stdout, the same exit status, the same error, and the same repository afterwards.
    static let slashCommands: [(line: String, subcommand: [String])] = [
        ("/log", ["log"]),
        ("/log --oneline --all", ["log", "--oneline", "--all"]),
        ("/log --format='%h %s' travel", ["log", "--format=%h %s", "travel"]),
        ("/show", ["show"]),
        ("/show HEAD~1 --json", ["show", "HEAD~1", "--json"]),
        ("/show nosuch", ["show", "nosuch"]),
        ("/status", ["status"]),
        ("/status --json", ["status", "--json"]),
        ("/branch", ["branch"]),
        ("/branch --json", ["branch", "--json"]),
        ("/branch rome HEAD~1", ["branch", "rome", "HEAD~1"]),
        ("/checkout travel", ["checkout", "travel"]),
        ("/checkout HEAD~1", ["checkout", "HEAD~1"]),
        ("/fork rome HEAD~1", ["checkout", "-b", "rome", "HEAD~1"]),
        ("/fork main", ["checkout", "-b", "main"]),
        ("/diff main travel", ["diff", "main", "travel"]),
        ("/diff HEAD~1", ["diff", "HEAD~1"]),
        ("/search Alice", ["search", "Alice"]),
        ("/search \"no such words\"", ["search", "no such words"]),
    ]

    @Test(arguments: slashCommands)
    func aSlashCommandPrintsWhatItsSubcommandPrints(line: String, subcommand: [String]) async throws {
        let inChat = try await Harness.withHistory()
        let alone = try await Harness.withHistory()
        let chat = await inChat.run("chat", stdin: Data((line + "\n").utf8))
        let command = await alone.run(arguments: subcommand)
        func same(_ text: String, _ harness: Harness) -> String { text.replacingOccurrences(of: harness.folder.path, with: "<folder>") }
        #expect(same(chat.out, inChat) == same(command.out, alone), "\(line)")
        #expect(chat.status == command.status, "\(line): \(chat.err)")
        if command.status == 0 {
            #expect(same(chat.err, inChat) == same(command.err, alone), "\(line)")
        } else {
            // A failure in batch mode also names the line that failed.
            #expect(same(chat.err, inChat).hasSuffix(same(command.err, alone)), "\(line)")
            #expect(chat.err.contains("chat stopped at message 1 ('\(line)')"))
        }
        for check in [["log", "--all", "--oneline"], ["status"], ["reflog"]] {
            let after = await inChat.run(arguments: check), expected = await alone.run(arguments: check)
            #expect(same(after.out, inChat) == same(expected.out, alone), "\(line): \(check)")
        }
    }

    @Test func slashCommandErrorsAreUsageErrorsThatNameTheCommand() async throws {
        let harness = try await Harness.withHistory()
        for (line, message) in [
            ("/nope", "unknown chat command '/nope': /help lists them"), ("/back two", "/back takes a number of turns"),
            ("/log 'open", "unterminated quote"), ("/copy", "/copy copies the last answer"),
        ] {
            let result = await harness.run("chat", stdin: Data((line + "\n").utf8))
            #expect(result.status == 2, "\(line): \(result.err)")
            #expect(result.err.contains(message), "\(line): \(result.err)")
            #expect(result.out.isEmpty)
        }
    }

    @Test func helpListsEveryCommandOfTheIssue() async throws {
        let harness = try await Harness.withHistory()
        let help = await harness.run("chat", stdin: Data("/help\n".utf8))
        #expect(help.status == 0)
        for name in [
            "help", "log", "show", "status", "branch", "checkout", "new", "fork", "back", "regenerate", "at", "diff",
            "search", "model", "instructions", "attach", "copy", "edit", "quit",
        ] {
            #expect(help.out.contains("  /\(name)"), "\(name)")
        }
    }

    @Test func backMovesTheBranchAndTheNextMessageContinuesFromThere() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            let input = "Hello, my name is Alice.\nMy name is Bob.\n/back\nWhat's my name?\n/quit\nnever sent\n"
            let result = await harness.run("chat", stdin: Data(input.utf8))
            #expect(result.status == 0, "\(result.err)")
            #expect(result.lines == ["Nice to meet you, Alice.", "Nice to meet you, Bob.", "Your name is Alice."])
            #expect(result.err.contains("HEAD (main) is now at "))
            let log = await harness.run("log", "--format=%s")
            #expect(log.lines == ["What's my name?", "Hello, my name is Alice."])
            // Nothing is deleted: the reflog still names the turn /back left.
            #expect(await harness.run("reflog").out.contains("say: My name is Bob."))
        }
    }

    @Test func modelNewAndRegenerateGoThroughSay() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            let input = "/model gpt-test\n/model\nHello\n/regenerate\n/new side\nA new topic\n/at main~0 From the start\n"
            let result = await harness.run("chat", "--json", stdin: Data(input.utf8))
            #expect(result.status == 0, "\(result.err)")
            #expect(result.lines.first == "gpt-test")
            let turns = try result.lines.dropFirst().map(jsonObject)
            #expect(turns.map { $0["branch"] as? String } == ["main", "main-regen-1", "side", "at-\(String((turns[0]["turn"] as? String ?? "").prefix(7)))"])
            let models = try posts(emulator).map { $0.body["model"] as? String }
            #expect(models == ["gpt-test", "gpt-test", "gpt-test", "gpt-test"])
            #expect(await harness.run("log", "--format=%s", "side").lines == ["A new topic"])
        }
    }

    @Test func ctrlCStopsOneAnswerCommitsNothingAndTheSessionGoesOn() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            harness.inputIsTerminal = true
            harness.outputIsTerminal = true
            harness.variables["NO_COLOR"] = "1"
            // Ctrl-C arrives during the first answer only.
            let presses = Presses()
            harness.interrupts = InterruptSource { handler in
                if presses.next() == 1 { handler() }
                return {}
            }
            let result = await harness.run("chat", stdin: Data("Tell me something long\nHello, my name is Alice.\n".utf8))
            #expect(result.status == 0, "\(result.err)")
            #expect(result.err.contains("nothing was committed"), "\(result.err)")
            #expect(result.out.contains("Nice to meet you, Alice."))
            harness.outputIsTerminal = false
            let log = await harness.run("log", "--format=%s")
            #expect(log.lines == ["Hello, my name is Alice."], "\(result.err)")
            // The prompt came back after the interrupted answer: once before each message and once at the end.
            #expect(result.err.components(separatedBy: "main> ").count - 1 == 3, "\(result.err)")
        }
    }
}

/// Counts Ctrl-C handlers installed (one per answer).
final class Presses: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int { lock.withLock { count += 1; return count } }
}
