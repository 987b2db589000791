import ConvoCLI
import Foundation
import ResponsesEmulator
import Testing

@Suite struct SayRegenerateTests {
    static let key = "test-key"

    func full(_ harness: Harness, _ revision: String) async -> String {
        await harness.run("rev-parse", revision).out.trimmingCharacters(in: .newlines)
    }

    func responseID(_ harness: Harness, _ revision: String) async throws -> String? {
        try jsonObject(await harness.run("show", "--json", revision).out)["response_id"] as? String
    }

    @Test func regenerateAsksHEADsQuestionAgainFromItsParentOnANewBranch() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            #expect(await harness.run("say", "--temperature", "0.5", "--model", "grok-3-mini", "What's my name?").status == 0)
            let mainBefore = await full(harness, "main")
            let parentResponse = try await responseID(harness, "main~1")

            let result = await harness.run("say", "--regenerate")
            #expect(result.status == 0, "\(result.err)")
            #expect(result.out == "Your name is Alice.\n")
            let short = String(mainBefore.prefix(7))
            #expect(result.err.contains("convo: regenerating \(short) from its parent "), "\(result.err)")
            #expect(result.err.contains("on new branch 'main-regen-1'; 'main' stays at \(short)"), "\(result.err)")
            #expect(result.err.contains("[main-regen-1 "), "\(result.err)")

            let sent = try posts(emulator)
            #expect(sent.count == 3)
            let last = try #require(sent.last?.body)
            #expect(last["previous_response_id"] as? String == parentResponse)
            #expect(inputTexts(last) == ["user: What's my name?"])
            #expect(last["temperature"] as? Double == 0.5)
            #expect(last["model"] as? String == "grok-3-mini")

            #expect(await full(harness, "main") == mainBefore)
            #expect(await full(harness, "main-regen-1~1") == (await full(harness, "main~1")))
            #expect(await full(harness, "main-regen-1") != mainBefore)
            let status = try jsonObject(await harness.run("status", "--json").out)
            #expect(status["branch"] as? String == "main-regen-1")
            let reflog = await harness.run("reflog").out
            #expect(reflog.contains("checkout: moving from main to main-regen-1"), "\(reflog)")

            // Again from the regenerated branch: the next number, still from the same parent.
            let again = await harness.run("say", "--regenerate", "--model", "grok-4")
            #expect(again.status == 0, "\(again.err)")
            #expect(again.err.contains("[main-regen-2 "), "\(again.err)")
            #expect(try posts(emulator).last?.body["model"] as? String == "grok-4")
            #expect(await full(harness, "main-regen-2~1") == (await full(harness, "main~1")))
        }
    }

    @Test func regeneratingAFirstTurnStartsFromNothing() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            #expect(await harness.run("say", "Hello there").status == 0)
            let result = await harness.run("say", "--regenerate", "-b", "retry")
            #expect(result.status == 0, "\(result.err)")
            #expect(result.err.contains("from nothing (it is a first turn)"), "\(result.err)")
            let last = try #require(try posts(emulator).last?.body)
            #expect(last["previous_response_id"] == nil)
            #expect(inputTexts(last) == ["user: Hello there"])
            #expect(await harness.run("log", "--oneline", "retry").lines.count == 1)
            #expect(await harness.run("rev-parse", "retry~1").status == 4)
            #expect(await harness.run("log", "--oneline", "main").lines.count == 1)
        }
    }

    @Test func atAnswersFromAnEarlierTurnOnANewBranchAndLeavesMainAlone() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            for message in ["Hello, my name is Alice.", "I like trains.", "I live in Rome."] {
                #expect(await harness.run("say", message).status == 0)
            }
            let mainBefore = await full(harness, "main")
            let first = await full(harness, "main~2")
            let firstResponse = try await responseID(harness, "main~2")
            let result = await harness.run("say", "--at", "main~2", "What's my name?")
            #expect(result.status == 0, "\(result.err)")
            let branch = "at-\(first.prefix(7))"
            #expect(result.err.contains("convo: answering from \(first.prefix(7)) on new branch '\(branch)'; 'main' stays at \(mainBefore.prefix(7))"), "\(result.err)")
            #expect(result.err.contains("[\(branch) "))
            let last = try #require(try posts(emulator).last?.body)
            #expect(last["previous_response_id"] as? String == firstResponse)
            #expect(inputTexts(last) == ["user: What's my name?"])
            #expect(await full(harness, "main") == mainBefore)
            #expect(await full(harness, "\(branch)~1") == first)
            #expect(try jsonObject(await harness.run("status", "--json").out)["branch"] as? String == branch)

            // A name of one's own, and the automatic name is not reused.
            let named = await harness.run("say", "--at", "main~1", "-b", "rome", "Where do I live?")
            #expect(named.status == 0, "\(named.err)")
            #expect(await full(harness, "rome~1") == (await full(harness, "main~1")))
            #expect(await harness.run("say", "--at", "main~2", "Again").err.contains("[\(branch)-2 "))
        }
    }

    @Test func refusalsExitWithTheirCodesAndSendNothing() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            let unborn = await harness.run("say", "--regenerate")
            #expect(unborn.status == 4, "\(unborn.err)")
            #expect(await harness.run("say", "Hello").status == 0)
            let withMessage = await harness.run("say", "--regenerate", "Something else")
            #expect(withMessage.status == 2)
            #expect(withMessage.err.contains("takes no message"))
            #expect(await harness.run("say", "--regenerate", "--at", "HEAD", "x").status == 2)
            #expect(await harness.run("say", "--at", "nope", "x").status == 4)
            let exists = await harness.run("say", "--regenerate", "-b", "main")
            #expect(exists.status == 1)
            #expect(exists.err.contains("a branch named 'main' already exists"))
            #expect(try posts(emulator).count == 1)
        }
    }
}
