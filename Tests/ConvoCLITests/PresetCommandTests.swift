import ConvoKit
import Foundation
import ResponsesEmulator
import Testing

/// Presets: `config preset.NAME.*`, `say --preset`, `branch --preset`, and what status says the next say uses.
@Suite struct PresetCommandTests {
    static let key = "test-key"

    func definePreset(_ harness: Harness) async {
        #expect(await harness.run("config", "preset.reviewer.instructions", "Review strictly.").status == 0)
        #expect(await harness.run("config", "preset.reviewer.model", "grok-3-mini").status == 0)
        #expect(await harness.run("config", "preset.reviewer.temperature", "0.2").status == 0)
    }

    @Test func sayPresetSendsItsModelInstructionsAndTemperatureAndOptionsWin() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            await definePreset(harness)
            let first = await harness.run("say", "--preset", "reviewer", "Look at this")
            #expect(first.status == 0, "\(first.err)")
            let second = await harness.run("say", "--preset", "reviewer", "--model", "gpt-5", "--temperature", "1", "Again")
            #expect(second.status == 0, "\(second.err)")
            let bodies = try posts(emulator).map(\.body)
            #expect(bodies.count == 2)
            #expect(bodies.first?["model"] as? String == "grok-3-mini")
            #expect(bodies.first?["instructions"] as? String == "Review strictly.")
            #expect(bodies.first?["temperature"] as? Double == 0.2)
            #expect(bodies.last?["model"] as? String == "gpt-5", "--model wins over the preset")
            #expect(bodies.last?["temperature"] as? Double == 1)
            #expect(bodies.last?["instructions"] as? String == "Review strictly.")
            let show = try jsonObject(await harness.run("show", "--json").out)
            #expect(show["model"] as? String == "gpt-5")
            #expect(show["instructions"] as? String == "Review strictly.")
        }
    }

    /// The preset's instructions follow the provider's rule: OpenAI does not carry instructions over a chain, so
    /// they go with every turn; xAI keeps the first turn's and refuses them with previous_response_id.
    @Test(arguments: ["openai", "xai"])
    func aBranchPresetFollowsTheProvidersInstructionsRule(provider: String) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: provider == "xai" ? .xai : .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: provider)
            await definePreset(harness)
            let set = await harness.run("branch", "--preset", "reviewer")
            #expect(set.status == 0, "\(set.err)")
            #expect(set.err.contains("Branch main uses preset reviewer."))
            for message in ["one", "two", "three"] {
                let said = await harness.run("say", message)
                #expect(said.status == 0, "\(said.err)")
            }
            let bodies = try posts(emulator).map(\.body)
            #expect(bodies.map { $0["model"] as? String } == Array(repeating: "grok-3-mini", count: 3))
            let sent = bodies.map { $0["instructions"] as? String }
            let expected: [String?] = provider == "xai" ? ["Review strictly.", nil, nil] : Array(repeating: "Review strictly.", count: 3)
            #expect(sent == expected)
            #expect(bodies.dropFirst().allSatisfy { $0["previous_response_id"] != nil }, "the turns chain")
        }
    }

    @Test func sayOnABranchUsesThatBranchsPresetAndHeadsBranchKeepsItsOwn() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            await definePreset(harness)
            #expect(await harness.run("say", "hello").status == 0)
            #expect(await harness.run("branch", "review").status == 0)
            #expect(await harness.run("branch", "--preset", "reviewer", "review").status == 0)
            #expect(await harness.run("say", "--on", "review", "on review").status == 0)
            #expect(await harness.run("say", "on main").status == 0)
            let models = try posts(emulator).map { $0.body["model"] as? String }
            #expect(models == ["grok-4", "grok-3-mini", "grok-4"])
        }
    }

    @Test func aMissingPresetIsExit4NamingItAndTheDefinedOnesAndNothingIsSent() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            await definePreset(harness)
            let say = await harness.run("say", "--preset", "translator", "Bonjour")
            #expect(say.status == 4, "\(say.err)")
            #expect(say.err.contains("no preset 'translator'"))
            #expect(say.err.contains("convo config preset.translator.instructions"))
            #expect(say.err.contains("defined presets: reviewer"))
            #expect(try posts(emulator).isEmpty)
            #expect(try await harness.depth() == 0)

            let branch = await harness.run("branch", "--preset", "translator")
            #expect(branch.status == 4, "\(branch.err)")
            #expect(await harness.run("config", "branch.main.preset").status == 1, "nothing was set")
        }
    }

    @Test(arguments: [
        (["say", "--preset", "a.b", "hi"], "'a.b'"),
        (["say", "--preset", "", "hi"], "''"),
        (["config", "preset.reviewer.colour", "red"], "'preset.reviewer.colour'"),
        (["config", "preset.reviewer.temperature", "3"], "'3'"),
        (["config", "preset.reviewer.temperature", "warm"], "'warm'"),
        (["config", "preset.reviewer.model", " "], "'preset.reviewer.model'"),
        (["config", "preset.a/b.model", "m"], "'a/b'"),
        (["config", "branch.main.preset", "a b"], "'a b'"),
        (["branch", "--preset", "reviewer", "-d", "main"], "--preset"),
    ])
    func badPresetInputIsAUsageErrorNamingIt(arguments: [String], named: String) async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        await definePreset(harness)
        let result = await harness.run(arguments: arguments)
        #expect(result.status == 2, "\(arguments): \(result.err)")
        #expect(result.err.contains(named), "\(result.err)")
    }

    @Test func aBranchPresetOnAMissingBranchIsExit4() async throws {
        let harness = try await Harness.withHistory()
        await definePreset(harness)
        let result = await harness.run("branch", "--preset", "reviewer", "nosuch")
        #expect(result.status == 4, "\(result.err)")
        #expect(result.err.contains("'nosuch'"))
    }

    @Test func renamingABranchCarriesItsPresetAndDeletingItDropsIt() async throws {
        let harness = try await Harness.withHistory()
        await definePreset(harness)
        #expect(await harness.run("branch", "--preset", "reviewer", "travel").status == 0)
        #expect(await harness.run("config", "branch.travel.preset").out == "reviewer\n")
        #expect(await harness.run("branch", "-m", "travel", "trips").status == 0)
        #expect(await harness.run("config", "branch.travel.preset").status == 1)
        #expect(await harness.run("config", "branch.trips.preset").out == "reviewer\n")
        #expect(await harness.run("branch", "-D", "trips").status == 0)
        #expect(await harness.run("config", "branch.trips.preset").status == 1)
        #expect(await harness.run("branch", "trips", "HEAD").status == 0)
        #expect(await harness.run("config", "branch.trips.preset").status == 1, "a new branch of that name starts without it")
    }

    @Test func statusNamesTheModelTheNextSayUsesAndWhy() async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        #expect(await harness.run("status").out.contains("Model:    grok-4 (provider default)\n"))
        #expect(try jsonObject(await harness.run("status", "--json").out)["model"] as? String == "grok-4")
        #expect(await harness.run("config", "model", "grok-4-fast").status == 0)
        #expect(await harness.run("status").out.contains("Model:    grok-4-fast (config model)\n"))
        await definePreset(harness)
        #expect(await harness.run("branch", "--preset", "reviewer").status == 0)
        #expect(await harness.run("status").out.contains("Model:    grok-3-mini (preset reviewer of the branch)\n"))
        #expect(try jsonObject(await harness.run("status", "--json").out)["model"] as? String == "grok-3-mini")
        #expect(await harness.run("config", "--unset", "model").status == 0)
        #expect(await harness.run("config", "provider", "openai").status == 0)
        #expect(await harness.run("config", "--unset", "branch.main.preset").status == 0)
        #expect(await harness.run("status").out.contains("Model:    gpt-4.1-mini (provider default)\n"))
    }

    @Test func configListsPresetsAndUnsetsThem() async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        await definePreset(harness)
        let list = await harness.run("config", "--list")
        #expect(list.out.contains("preset.reviewer.instructions=Review strictly.\n"))
        #expect(list.out.contains("preset.reviewer.temperature=0.2\n"))
        #expect(await harness.run("config", "preset.reviewer.model").out == "grok-3-mini\n")
        #expect(await harness.run("config", "--unset", "preset.reviewer.model").status == 0)
        #expect(await harness.run("config", "preset.reviewer.model").status == 1)
    }

    @Test(arguments: ["say", "branch"])
    func presetNamesCompleteAfterPreset(command: String) async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        await definePreset(harness)
        #expect(await harness.run("config", "preset.translator.model", "m").status == 0)
        let result = await harness.run("---completion", command, "--", "--preset", "3", "2", "convo", command, "--preset", "re")
        #expect(result.lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty } == ["reviewer"], "\(result.out)")
    }

    /// A branch's preset removed from config afterwards: say and status name the setting (exit 1), nothing is sent.
    @Test func aBranchPresetWhosePresetWasRemovedIsNamed() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            await definePreset(harness)
            #expect(await harness.run("branch", "--preset", "reviewer").status == 0)
            for field in ["instructions", "model", "temperature"] {
                #expect(await harness.run("config", "--unset", "preset.reviewer.\(field)").status == 0)
            }
            let say = await harness.run("say", "hello")
            #expect(say.status == 1, "\(say.err)")
            #expect(say.err.contains("branch.main.preset") && say.err.contains("no preset 'reviewer'"), "\(say.err)")
            #expect(try posts(emulator).isEmpty)
            #expect(await harness.run("status").status == 1)
            #expect(await harness.run("config", "--unset", "branch.main.preset").status == 0)
            #expect(await harness.run("say", "hello").status == 0)
        }
    }

    /// `say --new --preset NAME` starts a conversation that keeps the preset: OpenAI gets its instructions on every
    /// later turn too. `--preset` on a turn of an existing conversation is for that turn only.
    @Test func aNewConversationStartedWithAPresetKeepsIt() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            await definePreset(harness)
            #expect(await harness.run("say", "--new", "-b", "review", "--preset", "reviewer", "first").status == 0)
            #expect(await harness.run("say", "second").status == 0)
            #expect(await harness.run("config", "branch.review.preset").out == "reviewer\n")
            #expect(await harness.run("checkout", "--orphan", "plain").status == 0)
            #expect(await harness.run("say", "third").status == 0)
            #expect(await harness.run("say", "--preset", "reviewer", "fourth").status == 0)
            #expect(await harness.run("say", "fifth").status == 0)
            #expect(await harness.run("config", "branch.plain.preset").status == 1)
            let bodies = try posts(emulator).map(\.body)
            #expect(bodies.map { $0["model"] as? String } == ["grok-3-mini", "grok-3-mini", "gpt-4.1-mini", "grok-3-mini", "gpt-4.1-mini"])
            #expect(bodies.map { $0["instructions"] as? String } == ["Review strictly.", "Review strictly.", nil, "Review strictly.", nil])
        }
    }
}
