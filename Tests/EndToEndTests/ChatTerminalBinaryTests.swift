import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `convo chat` as a person uses it: the built binary on a real pseudo-terminal, against the built emulator.
/// The answers stream slowly enough (the emulator waits before every event) for a Ctrl-C to land mid-answer.
@Suite(.serialized) struct ChatTerminalBinaryTests {
    static let convo = BinaryRunner.productsFolder.appendingPathComponent("convo").path

    func start(_ shell: BinaryRunner, prompt: String = "main> ") throws -> PseudoTerminal {
        var environment = shell.environment
        environment["TERM"] = "xterm"
        let terminal = try PseudoTerminal(Self.convo, ["chat"], in: shell.folder, environment: environment)
        try terminal.expect(prompt)
        return terminal
    }

    /// The turns of every branch, newest first, one short line each.
    func turns(_ shell: BinaryRunner) throws -> [String] {
        let log = try shell.run("log", "--all", "--oneline")
        #expect(log.status == 0, "\(log.err)")
        return log.lines
    }

    @Test func aSessionStreamsForksGoesBackStopsOnCtrlCAndKeepsItsHistory() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key", "--slow-stream-ms", "50"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }

        var terminal = try start(shell)
        terminal.send("Hello, my name is Alice. Remember this.\r")
        try terminal.expect("Nice to meet you, Alice.")
        try terminal.expect("main> ")

        // /fork NAME: a new branch at HEAD, and the session (and its prompt) moves there.
        terminal.send("/fork rome\r")
        try terminal.expect("rome> ")
        terminal.send("What's my name?\r")
        try terminal.expect("Your name is Alice.")
        try terminal.expect("rome> ")
        #expect(try turns(shell).count == 2)

        // /back: HEAD (and rome) one turn up; nothing is deleted.
        terminal.send("/back\r")
        try terminal.expect("rome> ")
        let status = try shell.run("log", "-n", "1", "--format", "%s")
        #expect(status.out.hasPrefix("Hello, my name is Alice."), "\(status.out)")

        // Ctrl-C while the answer streams: the answer stops, nothing is committed, the prompt comes back.
        terminal.send("Tell me a long story about Rome and its seven hills please\r")
        try terminal.expect("Echo:")
        terminal.send("\u{3}")
        try terminal.expect("rome> ")
        #expect(try turns(shell).count == 2, "an interrupted answer is not a turn")

        // A pasted block of 200 lines is one message.
        let lines = (1...200).map { "l\($0)" }
        terminal.send("Count these: \u{1B}[200~" + lines.joined(separator: "\r") + "\r\u{1B}[201~")
        try terminal.expect("Echo: Count these:", timeout: 60)
        try terminal.expect("rome> ", timeout: 60)
        let pasted = try shell.run("show", "--json", "HEAD")
        #expect(pasted.out.contains("Count these: l1\\nl2\\nl3\\n"), "\(pasted.out.prefix(300))")
        #expect(pasted.out.contains("\\nl200"))
        #expect(try turns(shell).count == 3, "the 200 lines are one message")

        // Ctrl-D at an empty prompt leaves with status 0 and the terminal in its ordinary mode.
        terminal.send("\u{4}")
        let exit = terminal.waitForExit()
        #expect(exit.map { $0 & 0x7F == 0 && ($0 >> 8) & 0xFF == 0 } == true, "\(exit.map(String.init) ?? "still running")")
        #expect(terminal.isCooked)
        terminal.close()

        // The history is kept in .convo/chat_history (0600) and a new session finds it with Ctrl-R.
        let history = shell.folder.appendingPathComponent(".convo/chat_history")
        let attributes = try FileManager.default.attributesOfItem(atPath: history.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let saved = try String(contentsOf: history, encoding: .utf8)
        #expect(saved.contains("Alice") && !saved.contains("e2e-key"))

        terminal = try start(shell, prompt: "rome> ")
        defer { terminal.close() }
        terminal.send("\u{12}my name is")
        try terminal.expect("my name is")
        terminal.send("\r")
        try terminal.expect("Nice to meet you, Alice.")
        try terminal.expect("rome> ")
        terminal.send("/quit\r")
        #expect(terminal.waitForExit() != nil)
        #expect(try turns(shell).count == 4, "Alice, the name question, the pasted block and Alice again")
        let reflog = try shell.run("reflog", "rome")
        #expect(reflog.lines.contains { $0.contains("What's my name?") }, "\(reflog.out)")
    }

    /// The terminal goes away (a closed window, a dropped ssh connection) while an answer streams: the answer the
    /// server is producing is still received and committed, then the session ends as a hang-up ends it.
    @Test func aTerminalClosedWhileAnAnswerStreamsStillCommitsTheTurn() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key", "--slow-stream-ms", "50"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }

        let terminal = try start(shell)
        defer { terminal.close() }
        terminal.send("Tell me a long story about Rome and its seven hills please\r")
        try terminal.expect("Echo:")
        terminal.hangUp()
        let exit = try #require(terminal.waitForExit(), "a closed terminal ends the session")
        #expect(exit & 0x7F == SIGHUP, "it ends as a hang-up does: \(exit)")
        let log = try shell.run("log", "--format=%s -> %a")
        #expect(log.lines == ["Tell me a long story about Rome and its seven hills please -> Echo: Tell me a long story about Rome and its seven hills please (I see 0 earlier messages.)"], "\(log.out)")
        #expect(try shell.run("fsck").status == 0)
    }
}
