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

    /// The commands that change what the following messages send, against the says with the same options: the
    /// same requests, answers, exit status, errors, turns (parent links, branches, models) and reflog kinds.
    static let sayCommands: [(lines: String, says: [[String]])] = [
        ("/preset reviewer\nLook at this\nAgain\n", [["--preset", "reviewer", "Look at this"], ["--preset", "reviewer", "Again"]]),
        ("/preset reviewer\n/model gpt-5\nLook at this\n", [["--preset", "reviewer", "--model", "gpt-5", "Look at this"]]),
        ("/preset reviewer\n/preset --none\nLook at this\n", [["Look at this"]]),
        ("/new side\n/preset reviewer\nA new topic\nMore\n", [["--new", "-b", "side", "--preset", "reviewer", "A new topic"], ["More"]]),
        ("Hello\n/preset reviewer\n/regenerate\n", [["Hello"], ["--preset", "reviewer", "--regenerate"]]),
        ("Hello\n/preset reviewer\n/at HEAD From here\n", [["Hello"], ["--preset", "reviewer", "--at", "HEAD", "From here"]]),
        ("/preset translator\n", [["--preset", "translator", "Bonjour"]]),
        ("/preset a.b\n", [["--preset", "a.b", "Bonjour"]]),
        ("/model gpt-test\nHello\n", [["--model", "gpt-test", "Hello"]]),
        ("/instructions Be brief.\nHello\nAgain\n", [["--instructions", "Be brief.", "Hello"], ["--instructions", "Be brief.", "Again"]]),
    ]

    @Test(arguments: sayCommands)
    func aSessionChoiceSendsWhatSaysOptionSends(lines: String, says: [[String]]) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: "test-key")) { chatServer in
            try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: "test-key")) { sayServer in
                let inChat = try await sayHarness(chatServer, provider: "openai")
                let alone = try await sayHarness(sayServer, provider: "openai")
                for harness in [inChat, alone] {
                    #expect(await harness.run("config", "preset.reviewer.instructions", "Review strictly.").status == 0)
                    #expect(await harness.run("config", "preset.reviewer.model", "grok-3-mini").status == 0)
                    #expect(await harness.run("config", "preset.reviewer.temperature", "0.2").status == 0)
                }
                let chat = await inChat.run("chat", stdin: Data(lines.utf8))
                var said = (status: Int32(0), out: "", err: "")
                for arguments in says where said.status == 0 {
                    let result = await alone.run(arguments: ["say"] + arguments)
                    said = (result.status, said.out + result.out, result.err)
                }
                #expect(chat.out == said.out, "\(lines)")
                #expect(chat.status == said.status, "\(lines): \(chat.err)")
                if said.status != 0 { #expect(chat.err.hasSuffix(said.err), "\(lines): \(chat.err)") }
                let bodies = try [chatServer, sayServer].map { try posts($0).map { masked(canonical($0.body)) } }
                #expect(bodies[1].count == says.count - (said.status == 0 ? 0 : 1))
                #expect(bodies[0] == bodies[1], "\(lines)")
                // HEAD's chain in parent order, and every turn (sorted: turns made at the same pinned time are
                // listed in the order of their ids, which the servers' response ids make differ).
                for check in [["log", "--format=%s -> %a [%m]%d"], ["log", "--all", "--json"], ["reflog"], ["config", "--list"]] {
                    let after = await inChat.run(arguments: check), expected = await alone.run(arguments: check)
                    func seen(_ text: String) -> [String] { check.contains("--all") ? masked(text).split(separator: "\n").map(String.init).sorted() : [masked(text)] }
                    #expect(seen(after.out) == seen(expected.out), "\(lines): \(check)")
                }
            }
        }
    }

    @Test func presetWithoutANameListsThePresetsAndMarksTheOneInUse() async throws {
        let harness = try await Harness.withHistory()
        let none = await harness.run("chat", stdin: Data("/preset\n".utf8))
        #expect(none.status == 0)
        #expect(none.out.isEmpty)
        #expect(none.err.contains("no presets are defined; define one with: convo config preset.NAME.instructions"))
        #expect(await harness.run("config", "preset.reviewer.instructions", "Review strictly.\nThen say why.").status == 0)
        #expect(await harness.run("config", "preset.reviewer.model", "grok-3-mini").status == 0)
        #expect(await harness.run("config", "preset.terse.temperature", "0.5").status == 0)
        let listed = await harness.run("chat", stdin: Data("/preset\n/preset reviewer\n/preset\n/preset --none\n/preset\n".utf8))
        #expect(listed.status == 0, "\(listed.err)")
        let plain = ["  reviewer (model grok-3-mini, instructions \"Review strictly.…\")", "  terse (temperature 0.5)"]
        #expect(listed.lines == plain + ["* reviewer (model grok-3-mini, instructions \"Review strictly.…\")", "  terse (temperature 0.5)"] + plain)
        #expect(listed.err.contains("the following messages use preset reviewer (model grok-3-mini"))
        #expect(listed.err.contains("the following messages use no preset of their own"))
        let tooMany = await harness.run("chat", stdin: Data("/preset reviewer terse\n".utf8))
        #expect(tooMany.status == 2)
        #expect(tooMany.err.contains("/preset takes one preset name, or --none"))
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
            "search", "model", "instructions", "preset", "attach", "copy", "edit", "quit",
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

/// `text` with the server's response ids and convo's turn ids replaced by `<id>`: they differ between two servers.
func masked(_ text: String) -> String {
    text.replacing(/resp_[0-9a-f]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{7,64}\b/, with: "<id>")
}

/// A request body as sorted, compact JSON.
func canonical(_ body: [String: Any]) -> String {
    String(decoding: (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
}

/// Counts Ctrl-C handlers installed (one per answer).
final class Presses: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func next() -> Int { lock.withLock { count += 1; return count } }
}
