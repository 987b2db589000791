import Foundation
import Testing

/// The built `convo-emulator`, started on an ephemeral loopback port and stopped by `stop()`.
final class EmulatorProcess {
    let process = Process()
    let baseURL: String

    init(_ arguments: [String]) throws {
        process.executableURL = BinaryRunner.productsFolder.appendingPathComponent("convo-emulator")
        process.arguments = ["--port", "0"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line += chunk
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.hasPrefix("listening on http://") else {
            process.terminate()
            throw EmulatorStartFailure(line: text)
        }
        baseURL = String(text.dropFirst("listening on ".count)) + "/v1"
    }

    /// Moves an emulator started with `--test-clock` `seconds` forward, as waiting would.
    func advanceClock(seconds: Int) throws {
        let root = baseURL.replacingOccurrences(of: "/v1", with: "")
        let curl = BinaryRunner.finish(
            try BinaryRunner.start(URL(fileURLWithPath: "/usr/bin/curl"), ["-s", "-X", "POST", "\(root)/_emulator/advance?seconds=\(seconds)"]))
        #expect(curl.status == 0 && curl.out.hasPrefix(#"{"advanced":"#), "\(curl.out)\(curl.err)")
    }

    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }

    struct EmulatorStartFailure: Error { var line: String }
}

extension BinaryRunner {
    /// A new repository (`convo init` with `initArguments`, by default the emulator as a custom provider) whose
    /// commands talk to `emulator` with its key `e2e-key`.
    static func repository(talkingTo emulator: EmulatorProcess, initArguments: [String]? = nil) throws -> BinaryRunner {
        var shell = try BinaryRunner()
        shell.environment["CONVO_BASE_URL"] = emulator.baseURL
        shell.environment["CONVO_API_KEY"] = "e2e-key"
        let initialized = try shell.finish(shell.start(["init"] + (initArguments ?? ["--provider", "custom", "--base-url", emulator.baseURL])))
        #expect(initialized.status == 0, "\(initialized.err)")
        return shell
    }
}

/// `convo say` as a user runs it: the built binary against the built emulator on 127.0.0.1.
@Suite(.serialized) struct SayBinaryTests {
    func shell(_ emulator: EmulatorProcess) throws -> BinaryRunner { try BinaryRunner.repository(talkingTo: emulator) }

    @Test func theAliceConversationAndAFork() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try shell(emulator)
        defer { shell.cleanUp() }

        let hello = try shell.run("say", "Hello, my name is Alice. Remember this.")
        #expect(hello.status == 0, "\(hello.err)")
        #expect(hello.out == "Nice to meet you, Alice.\n")
        #expect(hello.err.hasPrefix("[main "))
        let name = try shell.run("say", "What's my name?")
        #expect(name.out == "Your name is Alice.\n")
        #expect(try shell.run("say", "Thanks!").status == 0)

        // Three turns, then fork from the second.
        #expect(try shell.run("checkout", "-b", "travel", "HEAD~1").status == 0)
        let fork = try shell.run("say", "--json", "Plan a trip to Rome")
        #expect(fork.status == 0, "\(fork.err)")
        #expect(fork.out.contains(#""branch":"travel""#))
        #expect(fork.out.contains(#""replay":false"#))
        let graph = try shell.run("log", "--graph", "--all", "--oneline")
        #expect(graph.lines.map { String($0.prefix(2)) } == ["* ", "| ", "|/", "* ", "* "])
        #expect(try shell.run("log", "--oneline", "travel").lines.count == 3)
        #expect(try shell.run("log", "--oneline", "main").lines.count == 3)
        #expect(try shell.run("fsck").status == 0)
    }

    @Test func sigintDuringAStreamExits130AndCommitsNothing() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key", "--slow-stream-ms", "400"])
        defer { emulator.stop() }
        let shell = try shell(emulator)
        defer { shell.cleanUp() }
        let started = try shell.start(["say", "--stream", "Tell me something long"])
        let (process, output, _) = started
        _ = output.fileHandleForReading.availableData  // the first streamed words: the response has begun
        process.interrupt()
        let result = try shell.finish(started)
        #expect(result.status == 130, "\(result.err)")
        #expect(result.err.contains("nothing was committed"))
        #expect(result.err.contains("convo fetch resp_"))
        #expect(try shell.run("log", "--oneline").out.isEmpty)
    }
}
