import Foundation
import Testing

/// A turn's id never changes for the same content: export and import, run as a user runs them,
/// give back every turn with its id, whatever numbers it holds.
@Suite(.serialized) struct NumberRoundTripBinaryTests {
    /// Imports `export` into a fresh repository and returns that repository's own export.
    func reimport(_ export: String) throws -> (status: Int32, export: String, fsck: Int32) {
        let fresh = try BinaryRunner()
        defer { fresh.cleanUp() }
        #expect(try fresh.run("init").status == 0)
        let imported = try fresh.run("import", "-", stdin: Data(export.utf8))
        #expect(imported.status == 0, "\(imported.err)")
        return (imported.status, try fresh.run("export", "--all").out, try fresh.run("fsck").status)
    }

    @Test func saidTurnsWithTemperatureAndTokenLimitsKeepTheirIDsThroughExportAndImport() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        for arguments in [["--temperature", "1"], ["--temperature", "0.1", "--max-output-tokens", "200"], ["--max-output-tokens", "300"], ["--temperature", "2.0"]] {
            let said = try shell.finish(shell.start(["say", "--no-stream"] + arguments + ["Hello, my name is Alice."]))
            #expect(said.status == 0, "\(said.err)")
        }
        let export = try shell.run("export", "--all")
        #expect(export.status == 0)
        #expect(export.out.contains(#""parameters":{"temperature":1.0}"#), "a whole-number temperature stays a double: \(export.out)")
        #expect(export.out.contains(#""max_output_tokens":300"#))
        let again = try reimport(export.out)
        #expect(again.export == export.out, "the same turns with the same ids")
        #expect(again.fsck == 0)
        #expect(try shell.run("fsck").status == 0)
    }

    @Test func awkwardNumbersInParametersAndRawResponsesSurviveExactly() throws {
        let shell = try BinaryRunner()
        defer { shell.cleanUp() }
        #expect(try shell.run("init").status == 0)
        let parameters = #"{"a":1.0,"b":-0.0,"c":9007199254740993,"d":1e400,"e":0.1,"f":1e300,"g":18446744073709551616,"h":[1.5e-7,0,-1],"i":9007199254740993.0}"#
        let raw = #"{"id":"resp_1","temperature":1.0,"top_p":1e400,"n":0.10000000000000000001,"s":"\ud83d\ude00 \u0000"}"#
        let rawJSON = "\"" + raw.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        let jsonLine = #"{"input":"hi","output":"hello","parameters":"# + parameters + #","raw_response":"# + rawJSON + "}"
        let imported = try shell.run("import", "-", stdin: Data((jsonLine + "\n").utf8))
        #expect(imported.status == 0, "\(imported.err)")
        let export = try shell.run("export", "--all")
        for literal in [#""a":1.0"#, #""b":-0.0"#, #""c":9007199254740993"#, #""d":1e400"#, #""e":0.1"#, #""f":1e+300"#, #""g":18446744073709551616"#, #""i":9007199254740993.0"#] {
            #expect(export.out.contains(literal), "\(literal) in \(export.out)")
        }
        #expect(export.out.contains(rawJSON), "the raw response is kept byte for byte")
        let again = try reimport(export.out)
        #expect(again.export == export.out)
        #expect(again.fsck == 0)
        #expect(try shell.run("fsck").status == 0)
    }
}
