import ConvoKit
import Foundation
import ResponsesEmulator
import Testing

/// `say`'s numeric options are checked before anything is sent: both providers document temperature as a
/// number from 0 to 2 and max_output_tokens as a positive integer.
@Suite struct SayOptionTests {
    @Test(arguments: [
        ["--temperature", "nan"], ["--temperature", "inf"], ["--temperature=-inf"], ["--temperature=-1"],
        ["--temperature", "2.5"], ["--temperature", "3"], ["--max-output-tokens", "0"], ["--max-output-tokens=-5"],
    ])
    func anOutOfRangeValueIsAUsageErrorAndNothingIsSent(option: [String]) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            let result = await harness.run(arguments: ["say"] + option + ["hello"])
            #expect(result.status == 2, "\(option): \(result.err)")
            let value = option.last.map { $0.split(separator: "=").last.map(String.init) ?? $0 } ?? ""
            #expect(result.err.contains("'\(value)'"), "the message names the value: \(result.err)")
            #expect(try posts(emulator).isEmpty, "no request was sent")
            #expect(try await harness.depth() == 0)
        }
    }

    @Test(arguments: [["--temperature", "0"], ["--temperature", "2"], ["--temperature", "0.7", "--max-output-tokens", "1"]])
    func theDocumentedRangeIsAccepted(option: [String]) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "test-key")) { emulator in
            let harness = try await sayHarness(emulator)
            let result = await harness.run(arguments: ["say"] + option + ["hello"])
            #expect(result.status == 0, "\(option): \(result.err)")
            #expect(try posts(emulator).count == 1)
        }
    }
}
