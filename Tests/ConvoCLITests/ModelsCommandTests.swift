import ConvoKit
import Foundation
import ResponsesEmulator
import Testing

/// `convo models`: the server's list, the model the next say uses marked.
@Suite struct ModelsCommandTests {
    @Test(arguments: ["xai", "openai"])
    func listsTheServersModelsAndMarksTheDefault(provider: String) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: provider == "xai" ? .xai : .openai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator, provider: provider)
            let result = await harness.run("models")
            #expect(result.status == 0, "\(result.err)")
            let marked = result.lines.filter { $0.hasPrefix("* ") }
            #expect(marked.count == 1, "\(result.out)")
            #expect(marked.first?.hasPrefix("* \(provider == "xai" ? "grok-4 " : "gpt-4.1-mini ")") == true, "\(result.out)")
            #expect(result.lines.allSatisfy { $0.hasPrefix("* ") || $0.hasPrefix("  ") })
            #expect(result.err.isEmpty, "\(result.err)")
            #expect(emulator.requestLog().contains { $0.method == "GET" && $0.path == "/v1/models" && $0.hasAuthorization })
        }
    }

    @Test func jsonIsOneObjectALineWithItsKeysAndFollowsConfigModel() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("config", "model", "grok-3-mini").status == 0)
            let result = await harness.run("models", "--json")
            #expect(result.status == 0, "\(result.err)")
            let objects = try result.lines.map(jsonObject)
            #expect(objects.count >= 3)
            #expect(objects.allSatisfy { Set($0.keys) == ["id", "created", "owned_by", "default"] })
            #expect(objects.filter { $0["default"] as? Bool == true }.map { $0["id"] as? String } == ["grok-3-mini"])
        }
    }

    @Test func aDefaultTheServerDoesNotListIsSaidOnStderr() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("config", "model", "grok-9").status == 0)
            let result = await harness.run("models")
            #expect(result.status == 0)
            #expect(!result.out.contains("* "))
            #expect(result.err.contains("'grok-9' (config model)"), "\(result.err)")
        }
    }

    /// Outside any repository the provider's defaults are used, and no home repository is created for a listing.
    @Test func worksWithoutARepositoryAndCreatesNone() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try Harness()
            let data = harness.folder.appendingPathComponent("data")
            harness.variables = ["CONVO_BASE_URL": emulator.baseURL, "XAI_API_KEY": "test-key", "XDG_DATA_HOME": data.path]
            let result = await harness.run("models")
            #expect(result.status == 0, "\(result.err)")
            #expect(result.out.contains("* grok-4 "))
            #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("convo").path))
        }
    }

    @Test func aMissingKeyIsExit7AndAWrongOneToo() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            harness.variables["CONVO_API_KEY"] = nil
            let missing = await harness.run("models")
            #expect(missing.status == 7, "\(missing.err)")
            #expect(missing.err.contains("OPENAI_API_KEY"))
            harness.variables["CONVO_API_KEY"] = "wrong-key-123"
            let wrong = await harness.run("models")
            #expect(wrong.status == 7, "\(wrong.err)")
            #expect(!wrong.err.contains("wrong-key-123"))
        }
    }

    @Test func aServerWithoutAModelListIsExit6() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            harness.variables["CONVO_BASE_URL"] = emulator.baseURL + "/nowhere"
            let result = await harness.run("models")
            #expect(result.status == 6, "\(result.err)")
        }
    }
}
