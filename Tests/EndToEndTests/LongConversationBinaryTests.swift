import Foundation
import Testing

/// Issue 14: a conversation longer than the model's context window continues with one `convo say`, on both
/// flavours, against the built emulator's `--context-window`.
@Suite(.serialized) struct LongConversationBinaryTests {
    /// A turn of about 30 words, so that a few turns fill a window of 300.
    static func filler(_ n: Int) -> String {
        "Turn \(n): " + Array(repeating: "tea leaves steep slowly in warm water", count: 4).joined(separator: " ")
    }

    /// Starts a conversation that names Alice and grows past a 300-token window, `strategy` configured.
    func longConversation(flavor: String, strategy: String?, windowInConfig: Bool) throws -> (EmulatorProcess, BinaryRunner) {
        let emulator = try EmulatorProcess(["--flavor", flavor, "--api-key", "e2e-key", "--context-window", "300"])
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        #expect(try shell.run("config", "model", "m1").status == 0)
        // OpenAI's overflow error names no limit; xAI's does, and convo learns it.
        if windowInConfig { #expect(try shell.run("config", "model.m1.context_window", "300").status == 0) }
        if let strategy { #expect(try shell.run("config", "replay_strategy", strategy).status == 0) }
        #expect(try shell.run("say", "Hello, my name is Alice.").status == 0)
        return (emulator, shell)
    }

    @Test(arguments: [("xai", false), ("openai", true)])
    func aChainPastTheWindowIsCompactedAndTheNameIsStillKnown(flavor: String, windowInConfig: Bool) throws {
        let (emulator, shell) = try longConversation(flavor: flavor, strategy: nil, windowInConfig: windowInConfig)
        defer { emulator.stop(); shell.cleanUp() }
        var notices = ""
        for n in 1...12 {
            let turn = try shell.run("say", "--no-stream", Self.filler(n))
            #expect(turn.status == 0, "turn \(n): \(turn.err)")
            notices += turn.err
        }
        #expect(notices.contains("the server said the context is too long; replaying once with replay_strategy compact"), "\(notices)")
        #expect(notices.contains("compacting the"))
        if !windowInConfig {
            #expect(notices.contains("learned the context window of m1: 300 tokens"))
            #expect(try shell.run("config", "model.m1.context_window").out == "300\n")
        }
        let name = try shell.run("say", "--no-stream", "What's my name?")
        #expect(name.status == 0, "\(name.err)")
        // OpenAI's compacted window keeps every user message; in a window of 300 those alone overflow, so convo
        // truncates past them and the name goes with them. xAI's single item keeps it.
        if flavor == "xai" { #expect(name.out.contains("Your name is Alice."), "\(name.out) \(name.err)") }

        // The turns record what was sent; a compaction turn stands in the history (xAI: OpenAI's compacted
        // window keeps every user message, which alone overflows this small window, so convo truncates there).
        let ids = try shell.run("log", "--json").out.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["id"] as? String
        }
        let shown = try ids.map { try shell.run("show", "--json", $0).out }
        #expect(shown.contains { $0.contains("\"compacted_turns\"") }, "no turn records a fitted replay")
        if flavor == "xai" { #expect(shown.contains { $0.contains("\"compaction\":{") }, "no compaction turn") }
    }

    @Test(arguments: ["xai", "openai"])
    func truncateKeepsTheFirstTurnAndFailSendsNothing(flavor: String) throws {
        let (emulator, shell) = try longConversation(flavor: flavor, strategy: "truncate", windowInConfig: true)
        defer { emulator.stop(); shell.cleanUp() }
        for n in 1...8 {
            let turn = try shell.run("say", "--no-stream", Self.filler(n))
            #expect(turn.status == 0, "turn \(n): \(turn.err)")
        }
        let forced = try shell.run("say", "--no-stream", "--replay", "What's my name?")
        #expect(forced.status == 0, "\(forced.err)")
        #expect(forced.err.contains("turns to fit the context window (300 tokens)"), "\(forced.err)")
        #expect(forced.out.contains("Your name is Alice."), "\(forced.out)")
        let shown = try shell.run("show", "--json")
        #expect(shown.out.contains("\"strategy\":\"truncate\"") || shown.out.contains("\"strategy\" : \"truncate\""), "\(shown.out)")

        #expect(try shell.run("config", "replay_strategy", "fail").status == 0)
        let before = try shell.run("log", "--oneline").out
        let refused = try shell.run("say", "--no-stream", "--replay", "Once more")
        #expect(refused.status == 6, "\(refused.err)")
        #expect(refused.err.contains("nothing was sent"), "\(refused.err)")
        #expect(refused.err.contains("compact") && refused.err.contains("truncate"))
        #expect(try shell.run("log", "--oneline").out == before)
        #expect(try shell.run("config", "replay_strategy", "sometimes").status == 2)
    }

    /// Issue 14's "done when": 300 turns made long ago on this server (their state expired), imported, then one say.
    @Test(arguments: ["xai", "openai"])
    func threeHundredExpiredTurnsContinueWithOneSay(flavor: String) throws {
        let emulator = try EmulatorProcess(["--flavor", flavor, "--api-key", "e2e-key", "--context-window", "8000"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        let lines = (1...300).map { n in
            let input = (n == 1 ? "Hello, my name is Alice. " : "") + Self.filler(n)
            return #"{"input":"\#(input)","output":"Noted.","model":"m1","created_at":"2025-09-01T10:\#(String(format: "%02d:%02d", n / 60, n % 60))Z","#
                + #""response_id":"resp_old\#(n)","origin":"\#(emulator.baseURL)","stored":true,"usage":{"input_tokens":\#(40 * n),"output_tokens":2}}"#
        }
        try shell.write("long.jsonl", lines)
        #expect(try shell.run("import", "long.jsonl").status == 0)
        #expect(try shell.run("config", "model", "m1").status == 0)
        #expect(try shell.run("config", "model.m1.context_window", "8000").status == 0)

        let name = try shell.run("say", "--no-stream", "What's my name?")
        #expect(name.status == 0, "\(name.err)")
        #expect(name.out.contains("Your name is Alice."), "\(name.out)")
        #expect(name.err.contains("replaying 300 earlier turns: HEAD's response has expired"), "\(name.err)")
        #expect(!name.err.contains("too long"), "an overflow reached the server: \(name.err)")
        #expect(try shell.run("show", "--json").out.contains("\"strategy\":\"compact\""))
        // The next turn chains to the new response: no replay.
        let next = try shell.run("say", "--no-stream", "Thanks.")
        #expect(next.status == 0 && !next.err.contains("replaying"), "\(next.err)")
    }

    @Test func compactCommitsACompactionTurnThatLaterReplaysSendAndRefusesBadInput() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        #expect(try shell.run("config", "model", "m1").status == 0)
        #expect(try shell.run("say", "--no-stream", "Hello, my name is Alice.").status == 0)
        for n in 1...3 { #expect(try shell.run("say", "--no-stream", Self.filler(n)).status == 0) }
        let before = try shell.run("log", "--oneline").out
        let tooMany = try shell.run("compact", "--keep", "4")
        #expect(tooMany.status == 2, "\(tooMany.err)")
        #expect(tooMany.err.contains("--keep 4 keeps every turn"))
        #expect(try shell.run("log", "--oneline").out == before)

        let compacted = try shell.run("compact", "--keep", "1", "--json")
        #expect(compacted.status == 0, "\(compacted.err)")
        #expect(compacted.out.contains("\"compacted_turns\":3") && compacted.out.contains("\"kept_turns\":1"), "\(compacted.out)")
        let shown = try shell.run("show", "--json")
        #expect(shown.out.contains("\"compaction\":{"), "\(shown.out)")
        #expect(try shell.run("log", "--oneline", "-n", "1").out.contains("[compaction of 3 turns, 1 kept verbatim]"))

        // status predicts the replay from the compaction turn with the window it knows.
        #expect(try shell.run("config", "model.m1.context_window", "100000").status == 0)
        let status = try shell.run("status")
        #expect(status.out.contains("4 turns fit the context window of m1 (100000 tokens)"), "\(status.out)")
        #expect(try shell.run("config", "model.m1.context_window", "100").status == 2)

        // The next say replays from the compaction turn: the item and the kept turn, not the four turns.
        let name = try shell.run("say", "--no-stream", "What's my name?")
        #expect(name.status == 0, "\(name.err)")
        #expect(name.err.contains("replaying 4 earlier turns"), "\(name.err)")
        #expect(name.out.contains("Your name is Alice."), "\(name.out)")
        #expect(name.out.hasPrefix("Your name is Alice."))
        let sent = try shell.run("show", "--json")
        #expect(sent.out.components(separatedBy: "\"role\":\"user\"").count - 1 <= 3, "\(sent.out)")
    }

    @Test func exportAndImportCarryACompactionTurnAndAMalformedItemIsRefused() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "--no-stream", "Hello, my name is Alice.").status == 0)
        #expect(try shell.run("say", "--no-stream", Self.filler(1)).status == 0)
        #expect(try shell.run("compact").status == 0)
        let exported = try shell.run("export")
        #expect(exported.status == 0, "\(exported.err)")
        #expect(exported.out.contains("\"compaction\""), "\(exported.out)")

        // Into a fresh repository: the compaction turn comes back with the same id and replays as before.
        let other = try BinaryRunner.repository(talkingTo: emulator)
        defer { other.cleanUp() }
        try other.write("t.jsonl", [exported.out.trimmingCharacters(in: .newlines)])
        let imported = try other.run("import", "t.jsonl")
        #expect(imported.status == 0, "\(imported.err)")
        #expect(try other.run("log", "--all", "--format=%H").out.split(separator: "\n").sorted()
            == (try shell.run("log", "--all", "--format=%H").out.split(separator: "\n").sorted()))

        // A compaction item that is not the server's JSON: exit 5, nothing written.
        let bad = exported.out.replacingOccurrences(of: "encrypted_content", with: "encrypted_kontent")
        try other.write("bad.jsonl", [bad.trimmingCharacters(in: .newlines)])
        let refused = try other.run("import", "bad.jsonl")
        #expect(refused.status == 5, "\(refused.err)")
        #expect(refused.err.contains("malformed compaction item"), "\(refused.err)")
    }
}

