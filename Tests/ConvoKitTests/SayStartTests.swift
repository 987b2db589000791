import ConvoStore
import Testing

@testable import ConvoKit

@Suite struct SayStartTests {
    @Test func regenerationAsksTheNewestUserMessageWithTheTurnsSettings() {
        let replayed = [
            DraftMessage(role: "user", text: "Hello, my name is Alice."),
            DraftMessage(role: "assistant", text: "Hello Alice!"),
            DraftMessage(role: "user", text: "What's my name?"),
        ]
        let regeneration = SayPlan.regeneration(
            input: replayed, model: "grok-4", instructions: "Be brief.",
            parameters: ["temperature": .double(0.7), "max_output_tokens": .int(200)])
        #expect(regeneration == Regeneration(
            message: "What's my name?", model: "grok-4", instructions: "Be brief.", temperature: 0.7, maxOutputTokens: 200))
        let bare = SayPlan.regeneration(
            input: [DraftMessage(role: "user", text: "Hi")], model: nil, instructions: nil, parameters: ["temperature": .int(1)])
        #expect(bare == Regeneration(message: "Hi", model: nil, instructions: nil, temperature: 1, maxOutputTokens: nil))
    }

    @Test func automaticBranchNamesSkipTakenOnes() throws {
        let taken: Set<String> = ["main-regen-1", "main-regen-2", "at-0db827e"]
        func exists(_ name: BranchName) -> Bool { taken.contains(name.rawValue) }
        #expect(try SayPlan.newBranchName(stem: "main-regen", numbered: true, fallback: "regen", exists: exists).rawValue == "main-regen-3")
        #expect(try SayPlan.newBranchName(stem: "travel-regen", numbered: true, fallback: "regen", exists: exists).rawValue == "travel-regen-1")
        #expect(try SayPlan.newBranchName(stem: "at-0db827e", numbered: false, fallback: "at", exists: exists).rawValue == "at-0db827e-2")
        #expect(try SayPlan.newBranchName(stem: "at-b4ee846", numbered: false, fallback: "at", exists: exists).rawValue == "at-b4ee846")
        #expect(SayPlan.regenerationStem(branch: "main") == "main-regen")
        #expect(SayPlan.regenerationStem(branch: "main-regen-12") == "main-regen")
        #expect(SayPlan.regenerationStem(branch: "main-regenerate") == "main-regenerate-regen")
        #expect(try SayPlan.newBranchName(stem: "bad..name", numbered: true, fallback: "regen", exists: exists).rawValue == "regen-1")
    }
}

@Suite struct LLMImportParsingTests {
    @Test func llmTimesOfBothLayoutsAreUTC() {
        #expect(LLMImport.time("2026-11-26T00:32:27.948840") == 1_795_653_147)
        #expect(LLMImport.time("2026-11-26T00:32:27.948840+00:00") == 1_795_653_147)
        #expect(LLMImport.time("2026-11-26 02:32:27+02:00") == 1_795_653_147)
        #expect(LLMImport.time("garbage") == 0)
    }

    @Test func conversationNamesBecomeBranchNameSlugs() {
        #expect(LLMImport.slug("Hello, my name is Alice. Rememb…", fallback: "x") == "hello-my-name-is-alice-rememb")
        #expect(LLMImport.slug("A separate question: what is 2+…", fallback: "x") == "a-separate-question-what-is-2")
        #expect(LLMImport.slug("…", fallback: "01M8AM982X") == "01m8am982x")
        #expect(LLMImport.slug(String(repeating: "word ", count: 20), fallback: "x").count <= 40)
    }
}
