@testable import ConvoKit
import ConvoStore
import Foundation
import ResponsesAPI
import Testing

/// Which of option, `--preset`, regenerated turn, branch preset and config decides each value a say sends.
@Suite struct PresetTests {
    let endpoint = APIEndpoint(profile: .xai, model: "grok-4", instructions: "config instructions")
    let explicit = Preset(name: "cli", instructions: "cli instructions", model: "cli-model", temperature: 0.5)
    let branch = Preset(name: "branchy", instructions: "branch instructions", model: "branch-model", temperature: 1.5)

    @Test func anOptionWinsOverEverything() {
        var options = SayOptions(message: "m", model: "opt-model", instructions: "opt instructions", temperature: 0)
        options.preset = "cli"
        let choices = Presets.choose(options: options, explicit: explicit, regeneration: nil, branch: branch, endpoint: endpoint, configuredModel: "x")
        #expect(choices == SayChoices(model: "opt-model", modelSource: "--model", instructions: "opt instructions", temperature: 0))
    }

    @Test func presetOptionWinsOverTheBranchPresetAndConfig() {
        let choices = Presets.choose(options: SayOptions(message: "m"), explicit: explicit, regeneration: nil, branch: branch, endpoint: endpoint, configuredModel: nil)
        #expect(choices == SayChoices(model: "cli-model", modelSource: "preset cli", instructions: "cli instructions", temperature: 0.5))
    }

    @Test func theBranchPresetWinsOverConfigAndAnUnsetFieldFallsThrough() {
        let partial = Preset(name: "branchy", model: "branch-model")
        let choices = Presets.choose(options: SayOptions(message: "m"), explicit: nil, regeneration: nil, branch: partial, endpoint: endpoint, configuredModel: nil)
        #expect(choices == SayChoices(model: "branch-model", modelSource: "preset branchy of the branch", instructions: "config instructions", temperature: nil))
    }

    /// A regenerated turn asks its question again as it was asked: its instructions stand even when it had none.
    @Test func aRegeneratedTurnWinsOverTheBranchPresetEvenWithoutInstructions() {
        let regeneration = Regeneration(message: "q", model: "old-model", instructions: nil, temperature: nil, maxOutputTokens: nil)
        let choices = Presets.choose(options: SayOptions(message: ""), explicit: nil, regeneration: regeneration, branch: branch, endpoint: endpoint, configuredModel: nil)
        #expect(choices == SayChoices(model: "old-model", modelSource: "the regenerated turn", instructions: nil, temperature: 1.5))
    }

    @Test func withoutPresetsConfigThenTheProviderDecide() {
        let configured = Presets.choose(options: SayOptions(message: "m"), explicit: nil, regeneration: nil, branch: nil, endpoint: endpoint, configuredModel: "grok-4")
        #expect(configured.modelSource == "config model")
        let fallback = Presets.choose(options: SayOptions(message: "m"), explicit: nil, regeneration: nil, branch: nil, endpoint: endpoint, configuredModel: nil)
        #expect(fallback == SayChoices(model: "grok-4", modelSource: "provider default", instructions: "config instructions", temperature: nil))
    }

    @Test(arguments: [
        ("preset.reviewer.model", NamedConfigKey.preset(name: "reviewer", field: .model)),
        ("preset.a-b_c.instructions", .preset(name: "a-b_c", field: .instructions)),
        ("preset.x.temperature", .preset(name: "x", field: .temperature)),
    ])
    func presetKeysParse(text: String, key: NamedConfigKey) throws {
        #expect(try NamedConfigKey.parse(text) == key)
        #expect(try NamedConfigKey.parse(text)?.rawValue == text)
    }

    @Test func branchPresetKeysTakeDottedBranchNames() throws {
        #expect(try NamedConfigKey.parse("branch.release/1.2.preset") == .branchPreset(try BranchName("release/1.2")))
        #expect(try NamedConfigKey.parse("model") == nil)
        #expect(try NamedConfigKey.parse("branch..preset") == nil)
    }

    @Test(arguments: ["preset.x", "preset..model", "preset.x.colour", "preset.a.b.model", "preset.\u{1B}[31m.model", "preset.\(String(repeating: "n", count: 65)).model"])
    func badPresetKeysAreErrors(text: String) {
        #expect(throws: (any Error).self) { try NamedConfigKey.parse(text) }
    }

    @Test func presetsAreReadFromConfigAndAStoredBadTemperatureIsNamed() throws {
        let repository = try Repository.inMemory()
        try repository.write { writer in
            try writer.setConfig("preset.b.model", "m")
            try writer.setConfig("preset.a.instructions", "be brief")
            try writer.setConfig("preset.a.temperature", "1")
        }
        #expect(try repository.read { try Presets.all($0) } == [Preset(name: "a", instructions: "be brief", temperature: 1), Preset(name: "b", model: "m")])
        #expect(throws: PresetError.notDefined(name: "c", defined: ["a", "b"])) { try repository.read { try Presets.named("c", $0) } }
        try repository.write { try $0.setConfig("preset.a.temperature", "9") }
        #expect(throws: ConvoError.self) { try repository.read { try Presets.all($0) } }
    }
}
