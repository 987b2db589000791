import Foundation
import Testing

/// `printf '\xff' | convo say`: invalid UTF-8 on stdin is refused as `import` refuses it, naming the
/// byte; NUL is kept exactly.
@Suite(.serialized) struct StdinEncodingBinaryTests {
    @Test func invalidUTF8OnStdinExitsFiveNamingTheByteAndSendsNothing() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }

        for (bytes, offset) in [([0xFF], 0), (Array("héllo ".utf8) + [0xC3, 0x28], 7), (Array("ok".utf8) + [0xED, 0xA0, 0x80], 2)] as [([UInt8], Int)] {
            let refused = try shell.run("say", "--no-stream", stdin: Data(bytes))
            #expect(refused.status == 5, "\(refused.err)")
            #expect(refused.out.isEmpty)
            #expect(refused.err.contains("not valid UTF-8 (byte offset \(offset)"), "\(refused.err)")
        }
        #expect(try shell.run("log").status == 4, "nothing was committed")

        let said = try shell.run("say", "--no-stream", stdin: Data("abc\u{0}def".utf8))
        #expect(said.status == 0, "\(said.err)")
        let export = try shell.run("export")
        #expect(export.out.contains(#""input":"abc\u0000def""#), "NUL kept exactly: \(export.out)")
        // The emulator's request log: one POST, the NUL message's, and no replacement character.
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        curl.arguments = ["-s", emulator.baseURL.replacingOccurrences(of: "/v1", with: "/_emulator/requests")]
        let pipe = Pipe()
        curl.standardOutput = pipe
        try curl.run()
        let log = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        curl.waitUntilExit()
        #expect(log.components(separatedBy: "\"POST\"").count - 1 == 1, "only the valid message was sent: \(log)")
        #expect(!log.contains("\u{FFFD}") && !log.contains("\\ufffd"))
    }
}
