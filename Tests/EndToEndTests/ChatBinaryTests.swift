import Foundation
import Testing

/// `convo chat` with stdin that is not a terminal (batch mode): the built binary against the built emulator.
@Suite(.serialized) struct ChatBinaryTests {
    /// A running `convo chat` whose stdin the test writes line by line, reading its stdout as it goes.
    final class Session {
        let process: Process
        let input: FileHandle
        let output: FileHandle
        let errors: PipeDrain
        private var pending = Data()

        init(_ shell: BinaryRunner, _ arguments: [String]) throws {
            process = Process()
            process.executableURL = BinaryRunner.productsFolder.appendingPathComponent("convo")
            process.arguments = arguments
            process.currentDirectoryURL = shell.folder
            process.environment = shell.environment
            let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
            process.standardInput = stdin
            process.standardOutput = stdout
            process.standardError = stderr
            try process.run()
            input = stdin.fileHandleForWriting
            output = stdout.fileHandleForReading
            errors = PipeDrain(stderr.fileHandleForReading)
        }

        func send(_ line: String) { input.write(Data((line + "\n").utf8)) }

        /// The next line of stdout (blocks until the answer to a sent message is printed), nil at its end.
        func readLine() -> String? {
            while true {
                if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    let line = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending = Data(pending[pending.index(after: newline)...])
                    return line
                }
                let chunk = output.availableData
                if chunk.isEmpty { return nil }
                pending.append(chunk)
            }
        }

        /// Closes stdin (the end of the batch) and waits: the exit status, the rest of stdout, and stderr.
        func finish() throws -> (status: Int32, rest: String, err: String) {
            try input.close()
            var rest = String(decoding: pending, as: UTF8.self)
            rest += String(decoding: output.readDataToEndOfFile(), as: UTF8.self)
            let err = String(decoding: errors.wait(), as: UTF8.self)
            process.waitUntilExit()
            return (process.terminationStatus, rest, err)
        }
    }

    @Test(arguments: ["xai", "openai"])
    func aBatchReplaysWhenTheServerForgetsMidSession(flavor: String) throws {
        let emulator = try EmulatorProcess(["--flavor", flavor, "--api-key", "e2e-key", "--retention-seconds", "60", "--test-clock"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }

        let chat = try Session(shell, ["chat", "--json"])
        chat.send("Hello, my name is Alice. Remember this.")
        let first = try jsonLine(chat.readLine())
        #expect(first["output_text"] as? String == "Nice to meet you, Alice.")
        #expect(first["replay"] as? Bool == false)
        chat.send("What's my name?")
        let second = try jsonLine(chat.readLine())
        #expect(second["output_text"] as? String == "Your name is Alice.")
        #expect(second["replay"] as? Bool == false)

        // The server forgets HEAD's response while the session is open: the next message replays the history.
        try emulator.advanceClock(seconds: 120)
        chat.send("What's my name?")
        let third = try jsonLine(chat.readLine())
        #expect(third["replay"] as? Bool == true)
        #expect(third["replayed_turns"] as? Int == 2)
        #expect(third["output_text"] as? String == "Your name is Alice.")
        let end = try chat.finish()
        #expect(end.status == 0, "\(end.err)")
        #expect(end.rest.isEmpty)
        #expect(end.err.contains("replaying 2 earlier turns"))

        // Every turn is the one say would have made: in the log, on main, the last one at HEAD.
        let log = try shell.run("log", "--format=%H")
        #expect(log.lines == [third, second, first].map { $0["turn"] as? String ?? "" })
        #expect(try shell.run("fsck").status == 0)
    }

    @Test(arguments: ["xai", "openai"])
    func aServerFaultOnTheThirdMessageStopsThereAndKeepsTheFirstTwo(flavor: String) throws {
        let emulator = try EmulatorProcess(["--flavor", flavor, "--api-key", "e2e-key", "--fail-after", "2", "--fail-status", "500"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }

        let result = try shell.run("chat", "--json", stdin: Data("first question\n\nsecond question\nthird question\nfourth question\n".utf8))
        #expect(result.status == 6, "\(result.err)")  // say's status for a server that fails
        #expect(result.lines.count == 2)
        #expect(result.err.contains("chat stopped at message 3 ('third question')"), "\(result.err)")
        #expect(result.err.contains("error: "))
        let log = try shell.run("log", "--format=%s")
        #expect(log.lines == ["second question", "first question"], "\(log.out)")
        #expect(try shell.run("log", "--format=%H").lines == result.lines.reversed().map { (try? jsonLine($0)["turn"] as? String) ?? "" })
    }

    @Test func eachJSONObjectIsTheOneSayPrints() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let chatShell = try BinaryRunner.repository(talkingTo: emulator)
        defer { chatShell.cleanUp() }
        let sayShell = try BinaryRunner.repository(talkingTo: emulator)
        defer { sayShell.cleanUp() }

        let chat = try chatShell.run("chat", "--json", stdin: Data("Hello, my name is Bob.\nWhat's my name?\n".utf8))
        #expect(chat.status == 0, "\(chat.err)")
        let said = try ["Hello, my name is Bob.", "What's my name?"].map { try sayShell.run("say", "--json", $0) }
        #expect(chat.lines.count == 2)
        for (line, say) in zip(chat.lines, said) {
            var fromChat = try jsonLine(line), fromSay = try jsonLine(say.out)
            #expect(Set(fromChat.keys) == Set(fromSay.keys))
            // Response ids are the server's and differ; so do the turns, which hold them.
            for key in ["response_id", "turn"] {
                fromChat[key] = nil
                fromSay[key] = nil
            }
            #expect(NSDictionary(dictionary: fromChat) == NSDictionary(dictionary: fromSay), "\(line) vs \(say.out)")
        }
        // Without --json, stdout carries the answers only.
        let plain = try chatShell.run("chat", stdin: Data("Thanks!\n".utf8))
        #expect(plain.out == "Echo: Thanks! (I see 4 earlier messages.)\n", "\(plain.err)")
        #expect(plain.err.hasPrefix("[main "))
    }

    func jsonLine(_ line: String?) throws -> [String: Any] {
        let line = try #require(line)
        return try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] ?? [:]
    }
}
