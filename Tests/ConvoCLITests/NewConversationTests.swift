import ConvoCLI
import ConvoKit
import Foundation
import ResponsesEmulator
import Testing

/// Issue 12, "New conversations and where they live": `say --new`, `checkout --orphan`, `say --on`.
@Suite struct NewConversationTests {
    func head(_ harness: Harness) async -> String { await harness.run("rev-parse", "HEAD").out }

    @Test func sayNewStartsARootOnABranchNamedFromTheMessage() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            let first = await harness.run("say", "--new", "Plan a trip to Rome, please")
            #expect(first.status == 0, "\(first.err)")
            #expect(first.err.contains("new conversation on branch 'plan-a-trip-to-rome'"))
            #expect(first.err.contains("[plan-a-trip-to-rome "))
            #expect(try posts(emulator).last?.body["previous_response_id"] == nil)
            let status = try jsonObject(await harness.run("status", "--json").out)
            #expect(status["branch"] as? String == "plan-a-trip-to-rome")
            #expect(status["turns"] as? Int == 1)
            #expect(try await harness.turnJSON("HEAD")["parent"] is NSNull)
            // The same first words again: a unique name.
            let second = await harness.run("say", "--new", "--json", "Plan a trip to Rome, please")
            #expect(try jsonObject(second.out)["branch"] as? String == "plan-a-trip-to-rome-2")
            // -b names it.
            #expect(await harness.run("say", "--new", "-b", "ideas", "Something else").status == 0)
            #expect(try jsonObject(await harness.run("status", "--json").out)["branch"] as? String == "ideas")
            // Four roots, each shown as one in the graph: no line joins them (an empty row between two stars that
            // would otherwise read as parent and child).
            let graph = await harness.run("log", "--graph", "--all", "--oneline")
            #expect(graph.status == 0)
            #expect(graph.lines.count == 7)
            #expect(graph.lines.enumerated().allSatisfy { $0.offset % 2 == 0 ? $0.element.hasPrefix("* ") : $0.element.isEmpty })
            let branches = await harness.run("branch")
            for name in ["main", "plan-a-trip-to-rome", "plan-a-trip-to-rome-2", "ideas"] { #expect(branches.out.contains(name)) }
        }
    }

    @Test func checkoutOrphanPutsHeadOnAnUnbornBranch() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            let main = await head(harness)
            let orphan = await harness.run("checkout", "--orphan", "ideas")
            #expect(orphan.status == 0, "\(orphan.err)")
            #expect(orphan.err.contains("Switched to a new branch 'ideas'"))
            #expect(await harness.run("status").out.hasPrefix("On branch ideas (no turns yet)"))
            let said = await harness.run("say", "What's my name?")
            #expect(said.status == 0, "\(said.err)")
            #expect(!said.out.contains("Alice"), "a new conversation knows nothing of main's")
            #expect(try await harness.turnJSON("HEAD")["parent"] is NSNull)
            #expect(await harness.run("rev-parse", "main").out == main)
        }
    }

    /// After `checkout --orphan notes`, `say --on notes` names HEAD's own branch, which has no ref yet: it gets
    /// its first turn as a plain say would give it (it used to be "branch 'notes' not found", exit 4).
    @Test func sayOnHeadsOwnUnbornBranchMakesItsFirstTurn() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            #expect(await harness.run("checkout", "--orphan", "notes").status == 0)
            let said = await harness.run("say", "--on", "notes", "First note")
            #expect(said.status == 0, "\(said.err)")
            #expect(try await harness.turnJSON("notes")["parent"] is NSNull)
            #expect(await harness.run("rev-parse", "HEAD").out == (await harness.run("rev-parse", "notes").out))
            #expect(await harness.run("status").out.hasPrefix("On branch notes\n"))
            // Another unborn name is still not a branch.
            #expect(await harness.run("say", "--on", "elsewhere", "Hi").status == 4)
        }
    }

    @Test func checkoutOrphanOntoAnExistingBranchIsRefused() async throws {
        let harness = try await Harness.withHistory()
        let before = await harness.run("rev-parse", "HEAD").out
        let result = await harness.run("checkout", "--orphan", "travel")
        #expect(result.status == 1)
        #expect(result.err.contains("a branch named 'travel' already exists"))
        #expect(await harness.run("rev-parse", "HEAD").out == before)
        #expect(await harness.run("status").out.hasPrefix("On branch main"))
        #expect(await harness.run("checkout", "--orphan", "x", "HEAD").status == 2)
        #expect(await harness.run("checkout", "--orphan", "x", "-b", "y").status == 2)
    }

    @Test func sayOnMovesTheBranchAndNotHead() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            #expect(await harness.run("say", "--new", "-b", "bob", "Hello, my name is Bob.").status == 0)
            #expect(await harness.run("checkout", "main").status == 0)
            let mainTip = await head(harness)
            let bobTip = await harness.run("rev-parse", "bob").out
            let result = await harness.run("say", "--on", "bob", "What's my name?")
            #expect(result.status == 0, "\(result.err)")
            #expect(result.out == "Your name is Bob.\n")
            #expect(result.err.contains("HEAD stays on 'main'"))
            #expect(await head(harness) == mainTip)
            #expect(await harness.run("status").out.hasPrefix("On branch main"))
            #expect(try await harness.turnJSON("bob")["parent"] as? String == bobTip.trimmingCharacters(in: .newlines))
            // The reflog of HEAD did not move; bob's did.
            #expect(await harness.run("reflog").lines.first?.contains("checkout: moving from bob to main") == true)
            #expect(await harness.run("reflog", "bob").lines.first?.contains("say: What's my name?") == true)
        }
    }

    @Test(arguments: [
        (["say", "--on", "nowhere", "Hi"], Int32(4), "branch 'nowhere' not found"),
        (["say", "--new", "--at", "HEAD", "Hi"], 2, "--new starts a conversation with no parent"),
        (["say", "--new", "--regenerate"], 2, "--new starts a conversation with no parent"),
        (["say", "--on", "main", "-b", "x", "Hi"], 2, "--on main answers on an existing branch"),
        (["say", "--new", "-b", "travel", "Hi"], 1, "a branch named 'travel' already exists"),
        // As `config model ''` is refused, an empty --model is, before any request.
        (["say", "--model", "", "Hi"], 2, "--model is empty"),
        (["say", "--model", " ", "Hi"], 2, "--model is empty"),
    ])
    func badCombinationsWriteNothing(arguments: [String], status: Int32, message: String) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await Harness.withHistory()
            harness.variables = ["CONVO_BASE_URL": emulator.baseURL, "CONVO_API_KEY": SayCommandTests.key]
            let reflog = await harness.run("reflog")
            let result = await harness.run(arguments: arguments)
            #expect(result.status == status, "\(result.err)")
            #expect(result.err.contains(message), "\(result.err)")
            #expect(emulator.requestLog().isEmpty)
            #expect(await harness.run("reflog").out == reflog.out)
            #expect(await harness.run("branch").out.split(separator: "\n").count == 2)
        }
    }
}
