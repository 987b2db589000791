import Foundation
import Testing

/// Server-side state with the built binaries: gc beside a say in flight, and recovering an interrupted say.
@Suite(.serialized) struct RemoteBinaryTests {
    func shell(_ emulator: EmulatorProcess) throws -> BinaryRunner {
        try BinaryRunner.repository(talkingTo: emulator, initArguments: ["--provider", "xai"])
    }

    /// Reads standard output of a started process until the first bytes of the answer arrive.
    func waitForOutput(_ started: (Process, Pipe, Pipe)) -> Data {
        started.1.fileHandleForReading.availableData
    }

    @Test func gcPruneNowWhileAnotherProcessSaysLosesNothing() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key", "--slow-stream-ms", "150"])
        defer { emulator.stop() }
        let shell = try shell(emulator)
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "--no-stream", "Hello, my name is Alice.").status == 0)
        // Something for gc to prune: a fork that is deleted again.
        #expect(try shell.run("say", "--no-stream", "-b", "scratch", "Plan a trip to Rome.").status == 0)
        #expect(try shell.run("checkout", "main").status == 0)
        #expect(try shell.run("branch", "-D", "scratch").status == 0)

        let say = try shell.start(["say", "--stream", "What's my name?"])
        // The answer has begun to stream: the say is in flight and has committed nothing yet.
        let first = waitForOutput(say)
        #expect(!first.isEmpty)
        let gc = try shell.run("gc", "--prune=now", "--json")
        #expect(gc.status == 0, "\(gc.err)")
        let said = try shell.finish(say)
        #expect(said.status == 0, "\(said.err)")
        #expect(String(decoding: first, as: UTF8.self) + said.out == "Your name is Alice.\n")

        let head = try shell.run("log", "-n", "1", "--json")
        let turn = try JSONSerialization.jsonObject(with: Data(head.out.utf8)) as? [String: Any]
        #expect(turn?["input"] as? String == "What's my name?")
        #expect(turn?["output"] as? String == "Your name is Alice.")
        #expect((turn?["refs"] as? [String]) == ["HEAD -> main"])
        let fsck = try shell.run("fsck")
        #expect(fsck.status == 0, "\(fsck.out)\(fsck.err)")
        #expect(try shell.run("log", "--oneline").lines.count == 2)
    }

    @Test func anInterruptedSayNamesTheFetchThatRecoversItsAnswer() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key", "--slow-stream-ms", "200"])
        defer { emulator.stop() }
        let shell = try shell(emulator)
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "--no-stream", "Hello, my name is Alice.").status == 0)

        let say = try shell.start(["say", "--stream", "What's my name?"])
        #expect(!waitForOutput(say).isEmpty)
        say.0.interrupt()
        let interrupted = try shell.finish(say)
        #expect(interrupted.status == 130)
        let hint = try #require(interrupted.err.range(of: #"hint: convo fetch resp_[0-9a-f]+"#, options: .regularExpression))
        let responseID = String(interrupted.err[hint].dropFirst("hint: convo fetch ".count))
        #expect(try shell.run("log", "--oneline").lines.count == 1)

        let fetched = try shell.run("fetch", responseID)
        #expect(fetched.status == 0, "\(fetched.err)")
        #expect(fetched.err.contains("fetched 1 turn; HEAD is now detached at "))
        let shown = try shell.run("show", "--json")
        let turn = try JSONSerialization.jsonObject(with: Data(shown.out.utf8)) as? [String: Any]
        #expect(turn?["response_id"] as? String == responseID)
        #expect(turn?["output"] as? String == "Your name is Alice.")
        #expect(turn?["fetched"] as? Bool == true)
        #expect(try shell.run("rev-parse", "HEAD~1").out == (try shell.run("rev-parse", "main").out))
    }

    @Test func afterTheServersRetentionGcMarksExpiredAndSayReplaysWithoutAFailedRequest() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key", "--retention-seconds", "60", "--test-clock"])
        defer { emulator.stop() }
        let shell = try shell(emulator)
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "--no-stream", "Hello, my name is Alice.").status == 0)
        // Past the server's retention; check-remote learns it without waiting out the local retention_days.
        try emulator.advanceClock(seconds: 61)
        let gc = try shell.run("gc", "--check-remote", "--json")
        #expect(gc.status == 0, "\(gc.err)")
        let remote = (try JSONSerialization.jsonObject(with: Data(gc.out.utf8)) as? [String: Any])?["remote"] as? [String: Any]
        #expect((remote?["missing"] as? [String])?.count == 1)
        #expect(try shell.run("status").out.contains("Server:   expired (check-remote)"))

        let said = try shell.run("say", "--no-stream", "What's my name?")
        #expect(said.status == 0, "\(said.err)")
        #expect(said.out == "Your name is Alice.\n")
        // Chosen from the recorded state at once; a failed round trip first would read "the server no longer has".
        #expect(said.err.contains("replaying 1 earlier turn: HEAD's response has expired"), "\(said.err)")
    }
}
