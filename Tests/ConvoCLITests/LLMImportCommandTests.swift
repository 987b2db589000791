import ConvoCLI
import Foundation
import ResponsesEmulator
import Testing

/// `import --from-llm` on logs databases written by the real llm package (Tests/Fixtures/llm-generated).
@Suite struct LLMImportCommandTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/llm-generated")
    static let alice = "llm/hello-my-name-is-alice-rememb"

    /// A fresh repository and a copy of one fixture in its folder.
    func harness(_ version: String) async throws -> (Harness, String) {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        let name = "llm-\(version)-logs.db"
        try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: harness.folder.appendingPathComponent(name))
        return (harness, name)
    }

    func inputs(_ harness: Harness, _ revision: String) async throws -> [String] {
        try await harness.run("log", "--json", revision).lines.map { try jsonObject($0)["input"] as? String ?? "" }
    }

    @Test(arguments: ["0.19", "0.36"])
    func conversationsBecomeBranchesWithTheirTurnsInOrder(version: String) async throws {
        let (harness, file) = try await harness(version)
        let result = await harness.run("import", "--from-llm", file)
        #expect(result.status == 0, "\(result.err)")
        let conversations = version == "0.19" ? 3 : 4
        let turns = version == "0.19" ? 6 : 7
        #expect(result.err.hasPrefix("imported \(conversations) llm conversations from \(file): \(turns) turns, \(turns) new\n"), "\(result.err)")
        #expect(result.err.contains("  \(Self.alice) -> "))
        #expect(result.out == "")

        #expect(try await inputs(harness, Self.alice) == [
            "Back to the first conversation", "Plan three days in Rome", "What's my name?", "Hello, my name is Alice. Remember this.",
        ])
        #expect(try await inputs(harness, "llm/a-separate-question-what-is-2") == ["A separate question: what is 2+2?"])
        let tip = try jsonObject(await harness.run("show", "--json", Self.alice).out)
        #expect(tip["model"] as? String == "parrot")
        #expect(tip["output"] as? String == "Parrot heard: Back to the first conversation\n(turn 4 of this conversation)")
        #expect(tip["origin"] as? String == "llm")
        #expect(tip["stored"] as? Bool == false)
        let usage = tip["usage"] as? [String: Any]
        #expect(usage?["input_tokens"] as? Int == 8)  // 5 words + 3 earlier turns, as the parrot model counts
        #expect(usage?["output_tokens"] as? Int == 12)
        #expect((tip["created_at"] as? String)?.hasPrefix("2026-") == true)

        let french = try jsonObject(await harness.run("show", "--json", "llm/bonjour").out)
        #expect(french["instructions"] as? String == "Answer in French.")
        #expect((french["input"] as? [[String: Any]])?.map { $0["content"] as? String } == ["Bonjour"])
        #expect(french["output"] as? String == "Parrot heard: Bonjour\n(turn 1 of this conversation)\nSystem said: Answer in French.")

        if version == "0.36" {
            // The thread forked at the first answer shares the first turn.
            #expect(try await inputs(harness, "llm/paris-instead") == ["Plan a trip to Paris instead", "Hello, my name is Alice. Remember this."])
            #expect(await harness.run("rev-parse", "llm/paris-instead~1").out == (await harness.run("rev-parse", "\(Self.alice)~3").out))
        }
        // HEAD stays where it was.
        #expect(try jsonObject(await harness.run("status", "--json").out)["branch"] as? String == "main")
        #expect(await harness.run("fsck").status == 0)
    }

    /// A database begun by llm 0.19 and continued by llm 0.36, which re-wrote the continued conversation's
    /// history as messages of a thread with the conversation's id.
    @Test func aConversationContinuedAfterUpgradingLLMKeepsItsTurns() async throws {
        let (harness, file) = try await harness("0.19-then-0.36")
        let result = await harness.run("import", "--from-llm", file)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.hasPrefix("imported 4 llm conversations from \(file): 8 turns, 8 new\n"), "\(result.err)")
        #expect(try await inputs(harness, "llm/bonjour") == ["Continued after upgrading llm", "Bonjour"])
        let tip = try jsonObject(await harness.run("show", "--json", "llm/bonjour").out)
        #expect((tip["input"] as? [[String: Any]])?.map { $0["content"] as? String } == ["Continued after upgrading llm"])
        #expect(tip["instructions"] is NSNull)
        #expect(tip["output"] as? String == "Parrot heard: Continued after upgrading llm\n(turn 2 of this conversation)")
        let first = try jsonObject(await harness.run("show", "--json", "llm/bonjour~1").out)
        #expect(first["instructions"] as? String == "Answer in French.")
        #expect(try await inputs(harness, Self.alice).count == 4)
        #expect(try await inputs(harness, "llm/a-new-conversation-after-upgrad") == ["A new conversation after upgrading"])
        #expect(await harness.run("branch").lines.count == 4)  // the four llm branches; main has no turn yet
    }

    @Test func importingTheSameDatabaseAgainChangesNothing() async throws {
        let (harness, file) = try await harness("0.36")
        #expect(await harness.run("import", "--from-llm", file).status == 0)
        let before = try harness.databaseDump()
        let again = await harness.run("import", "--json", "--from-llm", file)
        #expect(again.status == 0, "\(again.err)")
        let json = try jsonObject(again.out)
        #expect(json["new_turns"] as? Int == 0)
        #expect(json["turns"] as? Int == 7)
        #expect((json["branches"] as? [String: Any])?.isEmpty == true)
        #expect((json["unchanged"] as? [String])?.count == 4)
        #expect(try harness.databaseDump() == before)
    }

    @Test func theDefaultPathIsLLMsOwn() async throws {
        let (harness, file) = try await harness("0.19")
        let llmFolder = harness.folder.appendingPathComponent("llm-home")
        try FileManager.default.createDirectory(at: llmFolder, withIntermediateDirectories: true)
        try FileManager.default.moveItem(at: harness.folder.appendingPathComponent(file), to: llmFolder.appendingPathComponent("logs.db"))
        harness.variables["LLM_USER_PATH"] = llmFolder.path
        let result = await harness.run("import", "--from-llm")
        #expect(result.status == 0, "\(result.err)")
        #expect(result.err.contains("llm-home/logs.db: 6 turns"))
        let folder = await harness.run("import", "--json", "--from-llm", "llm-home")
        #expect(folder.status == 0, "\(folder.err)")
        #expect(try jsonObject(folder.out)["new_turns"] as? Int == 0)
    }

    @Test func aFileThatIsNotLLMsIsRefusedAndNothingIsWritten() async throws {
        let harness = try await Harness.withHistory()
        let before = try harness.databaseDump()
        let ours = await harness.run("import", "--from-llm", ".convo/store.sqlite")
        #expect(ours.status == 5)
        #expect(ours.err.contains("error: cannot read .convo/store.sqlite: it is not an llm logs database"), "\(ours.err)")
        let text = try harness.file("notes.txt", ["just some text"])
        let notSQLite = await harness.run("import", "--from-llm", text)
        #expect(notSQLite.status == 5)
        #expect(notSQLite.err.contains("it is not an llm logs database"), "\(notSQLite.err)")
        let missing = await harness.run("import", "--from-llm", "nowhere/logs.db")
        #expect(missing.status == 5)
        #expect(missing.err.contains("no such file"))
        #expect(await harness.run("import", "--from-llm", "-").status == 2)
        #expect(try harness.databaseDump() == before)
    }

    @Test func sayOnAnImportedConversationReplaysItsHistory() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            let name = "llm-0.19-logs.db"
            try FileManager.default.copyItem(at: Self.fixtures.appendingPathComponent(name), to: harness.folder.appendingPathComponent(name))
            #expect(await harness.run("import", "--from-llm", name).status == 0)
            #expect(await harness.run("checkout", Self.alice).status == 0)
            let result = await harness.run("say", "What's my name?")
            #expect(result.status == 0, "\(result.err)")
            #expect(result.err.contains("replaying 4 earlier turns"), "\(result.err)")
            let body = try #require(try posts(emulator).last?.body)
            #expect(body["previous_response_id"] == nil)
            let sent = inputTexts(body)
            #expect(sent.first == "user: Hello, my name is Alice. Remember this.")
            #expect(sent.count == 9)
            #expect(sent.last == "user: What's my name?")
        }
    }
}
