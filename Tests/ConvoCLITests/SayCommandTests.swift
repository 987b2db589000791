import ConvoCLI
import ConvoKit
import ConvoStore
import Foundation
import ResponsesEmulator
import Testing

/// Starts an emulator, runs `body`, and stops the emulator whatever happens.
func withEmulator(
    _ configuration: EmulatorConfiguration, _ body: (RunningEmulator) async throws -> Void
) async throws {
    let emulator = try await Emulator.start(configuration)
    do {
        try await body(emulator)
    } catch {
        await emulator.stop()
        throw error
    }
    await emulator.stop()
}

/// A harness whose repository talks to `emulator` with the right key.
func sayHarness(_ emulator: RunningEmulator, provider: String = "xai", initArguments: [String] = []) async throws -> Harness {
    let harness = try Harness()
    harness.variables = ["CONVO_BASE_URL": emulator.baseURL, "CONVO_API_KEY": "test-key"]
    let result = await harness.run(arguments: ["init", "--provider", provider] + initArguments)
    precondition(result.status == 0, result.err)
    return harness
}

extension Harness {
    /// The number of turns HEAD's conversation has.
    func depth() async throws -> Int {
        let status = await run("status", "--json")
        return try jsonObject(status.out)["turns"] as? Int ?? -1
    }
}

/// The POSTs to /v1/responses the emulator answered, with their bodies parsed.
func posts(_ emulator: RunningEmulator) throws -> [(status: Int, body: [String: Any])] {
    try emulator.requestLog().filter { $0.method == "POST" && $0.path == "/v1/responses" }.map {
        ($0.status, try jsonObject($0.body ?? "{}"))
    }
}

/// The `content` texts of a request body's input messages, with roles: `user: …`.
func inputTexts(_ body: [String: Any]) -> [String] {
    (body["input"] as? [[String: Any]] ?? []).map { "\($0["role"] ?? "?"): \($0["content"] ?? "")" }
}

@Suite struct SayCommandTests {
    static let key = "test-key"

    @Test(arguments: [Flavor.xai, .openai])
    func theAliceConversationSendsOnlyTheNewMessage(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(
                emulator, provider: flavor.rawValue, initArguments: ["--instructions", "Be brief."])
            let first = await harness.run("say", "--json", "Hello, my name is Alice. Remember this.")
            #expect(first.status == 0, "\(first.err)")
            let firstJSON = try jsonObject(first.out)
            let firstID = try #require(firstJSON["response_id"] as? String)
            #expect(firstJSON["replay"] as? Bool == false)

            let second = await harness.run("say", "What's", "my", "name?")
            #expect(second.status == 0, "\(second.err)")
            #expect(second.out == "Your name is Alice.\n")
            #expect(second.err.range(of: #"^\[main [0-9a-f]{7}\] \S+ \d+ in / \d+ out tokens\n$"#, options: .regularExpression) != nil, "\(second.err)")

            let sent = try posts(emulator)
            #expect(sent.count == 2)
            #expect(sent[1].body["previous_response_id"] as? String == firstID)
            #expect(inputTexts(sent[1].body) == ["user: What's my name?"])
            // xAI keeps the first system prompt and rejects it alongside previous_response_id; OpenAI needs it every turn.
            #expect(sent[0].body["instructions"] as? String == "Be brief.")
            #expect((sent[1].body["instructions"] as? String) == (flavor == .openai ? "Be brief." : nil))
            #expect(try await harness.depth() == 2)
            let next = try jsonObject(await harness.run("status", "--json").out)["next_say"] as? [String: Any]
            let head = try jsonObject(await harness.run("show", "--json").out)
            #expect(next?["previous_response_id"] as? String == head["response_id"] as? String)
        }
    }

    @Test func sayDashBForksAnEarlierTurnOntoANewBranch() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            for message in ["Hello, my name is Alice.", "I like trains.", "What's my name?"] {
                #expect(await harness.run("say", message).status == 0)
            }
            let second = await harness.run("rev-parse", "HEAD~1")
            #expect(await harness.run("checkout", "HEAD~1").status == 0)
            let fork = await harness.run("say", "-b", "fork", "What's my name?")
            #expect(fork.status == 0, "\(fork.err)")
            #expect(fork.err.hasPrefix("[fork "))
            #expect(fork.out == "Your name is Alice.\n")

            #expect(await harness.run("log", "--oneline", "main").lines.count == 3)
            #expect(await harness.run("log", "--oneline", "fork").lines.count == 3)
            #expect(await harness.run("rev-parse", "fork~1").out == second.out)
            let status = try jsonObject(await harness.run("status", "--json").out)
            #expect(status["branch"] as? String == "fork")
            let sent = try posts(emulator)
            let secondResponse = try jsonObject(await harness.run("show", "--json", "main~1").out)
            #expect(sent.last?.body["previous_response_id"] as? String == secondResponse["response_id"] as? String)
        }
    }

    /// OpenAI answers 400 previous_response_not_found for an expired previous response, xAI 404.
    @Test(arguments: [(Flavor.openai, 400), (.xai, 404)])
    func whenTheServerHasForgottenSayReplaysTheWholeHistory(flavor: Flavor, refusal: Int) async throws {
        let clock = ManualClock()
        try await withEmulator(EmulatorConfiguration(flavor: flavor, apiKey: Self.key, retention: 60, clock: clock.clock)) {
            emulator in
            let harness = try await sayHarness(emulator, provider: flavor.rawValue)
            #expect(await harness.run("say", "Hello, my name is Alice. Remember this.").status == 0)
            #expect(await harness.run("say", "I like trains.").status == 0)
            clock.advance(by: 120)

            let replayed = await harness.run("say", "What's my name?")
            #expect(replayed.status == 0, "\(replayed.err)")
            #expect(replayed.out == "Your name is Alice.\n")
            #expect(replayed.err.contains("replaying 2 earlier turns"))
            #expect(replayed.err.contains("(replayed 2 turns)"))

            let sent = try posts(emulator)
            #expect(sent.map(\.status) == [200, 200, refusal, 200])
            #expect(sent[2].body["previous_response_id"] != nil)
            let replay = sent[3].body
            #expect(replay["previous_response_id"] == nil)
            let history = try await turnTexts(harness)
            #expect(inputTexts(replay) == history + ["user: What's my name?"])
            #expect(history.count == 4)
            #expect(await harness.run("show").out.contains("Replay:"))
        }
    }

    /// "user: …" and "assistant: …" of every turn on HEAD, oldest first, from `show --json`.
    func turnTexts(_ harness: Harness) async throws -> [String] {
        var texts = [String]()
        for revision in ["HEAD~2", "HEAD~1"] {
            let turn = try jsonObject(await harness.run("show", "--json", revision).out)
            let input = turn["input"] as? [[String: Any]] ?? []
            texts += input.map { "\($0["role"] ?? "?"): \($0["content"] ?? "")" }
            texts.append("assistant: \(turn["output"] ?? "")")
        }
        return texts
    }

    @Test func localRetentionDaysReplayWithoutAFailedRequest() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            #expect(await harness.run("config", "retention_days", "1").status == 0)
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            harness.now += 2 * 86_400
            #expect(await harness.run("status").out.contains("Next say: replays 1 turn and the new message"))
            let next = try jsonObject(await harness.run("status", "--json").out)["next_say"] as? [String: Any]
            #expect(next?["send"] as? String == "replay")
            let replayed = await harness.run("say", "What's my name?")
            #expect(replayed.status == 0, "\(replayed.err)")
            #expect(replayed.err.contains("has expired"))
            let sent = try posts(emulator)
            #expect(sent.map(\.status) == [200, 200])
            #expect(sent[1].body["previous_response_id"] == nil)
            #expect(inputTexts(sent[1].body).count == 3)
        }
    }

    @Test func aRateLimitIsRetriedAndThenSucceeds() async throws {
        let faults = FaultPlan(status: 429, retryAfterSeconds: 1, count: 1)
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key, faults: faults)) { emulator in
            let harness = try await sayHarness(emulator)
            let result = await harness.run("say", "Hello")
            #expect(result.status == 0, "\(result.err)")
            #expect(try posts(emulator).map(\.status) == [429, 200])
            #expect(try await harness.depth() == 1)
        }
    }

    @Test func aWrongKeyExitsSevenAndCommitsNothing() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            harness.variables["CONVO_API_KEY"] = "sk-wrong-key-42"
            let result = await harness.run("say", "Hello")
            #expect(result.status == 7)
            #expect(result.err.hasPrefix("error: the server rejected the API key"))
            #expect(!result.err.contains("sk-wrong-key-42"))
            #expect(result.out.isEmpty)
            #expect(try await harness.depth() == 0)
        }
    }

    @Test func aMissingKeyNamesTheVariableAndSendsNothing() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            harness.variables["CONVO_API_KEY"] = nil
            let result = await harness.run("say", "Hello")
            #expect(result.status == 7)
            #expect(result.err.contains("XAI_API_KEY is not set"))
            #expect(emulator.requestLog().isEmpty)
        }
    }

    @Test func theKeyMayComeFromApiKeyCommand() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            harness.variables["CONVO_API_KEY"] = nil
            #expect(await harness.run("config", "api_key_command", "printf '%s\\n' test-key").status == 0)
            let result = await harness.run("say", "Hello")
            #expect(result.status == 0, "\(result.err)")
            let log = emulator.requestLog()
            #expect(log.count == 1 && log.allSatisfy { $0.hasAuthorization && $0.status == 200 })
        }
    }

    @Test func aServerThatIsDownExitsEight() async throws {
        let down = try RefusingPort()
        defer { withExtendedLifetime(down) {} }
        let harness = try Harness()
        harness.variables = ["CONVO_BASE_URL": down.baseURL, "CONVO_API_KEY": "test-key"]
        #expect(await harness.run("init", "--provider", "xai").status == 0)
        let result = await harness.run("say", "Hello")
        #expect(result.status == 8, "\(result.err)")
        #expect(result.err.contains("could not connect"))
        // Every retry is announced before the final error.
        let lines = result.err.split(separator: "\n")
        #expect(lines.count >= 2, "\(result.err)")
        #expect(lines.last?.hasPrefix("error:") == true)
        #expect(lines.dropLast().allSatisfy { $0.hasPrefix("convo: ") && $0.contains("again") })
        #expect(result.out.isEmpty)
        #expect(try await harness.depth() == 0)
    }

    @Test func aCutStreamExitsEightNamesTheResponseAndLeavesTheRepositoryAlone() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            #expect(await harness.run("say", "Hello, my name is Alice.").status == 0)
            let before = await harness.run("reflog").out
            let cut = try await Emulator.start(
                EmulatorConfiguration(flavor: .openai, apiKey: Self.key, faults: FaultPlan(cutAfterEvents: 6)))
            harness.variables["CONVO_BASE_URL"] = cut.baseURL
            let result = await harness.run("say", "--stream", "Tell me a long story")
            await cut.stop()
            #expect(result.status == 8, "\(result.err)")
            #expect(result.err.contains("nothing was committed"))
            #expect(result.err.contains("convo fetch resp_"))
            #expect(await harness.run("reflog").out == before)
            #expect(try await harness.depth() == 1)
            #expect(await harness.run("fsck").status == 0)
        }
    }

    @Test func noStoreIsRecordedAndTheNextSayReplays() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "--no-store", "Hello, my name is Alice.").status == 0)
            #expect(await harness.run("show").out.contains("not stored"))
            let next = await harness.run("say", "--json", "What's my name?")
            #expect(next.status == 0)
            let json = try jsonObject(next.out)
            #expect(json["replay"] as? Bool == true)
            #expect(json["output_text"] as? String == "Your name is Alice.")
            let sent = try posts(emulator)
            #expect(sent[0].body["store"] as? Bool == false)
            #expect(sent[1].body["previous_response_id"] == nil)
        }
    }

    @Test func jsonPrintsOneObjectWithTurnResponseTextAndUsage() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            let result = await harness.run("say", "--json", "--stream", "Hello")
            #expect(result.status == 0)
            #expect(result.lines.count == 1)
            let json = try jsonObject(result.out)
            #expect(Set(json.keys).isSuperset(of: ["turn", "response_id", "output_text", "usage", "replay"]))
            #expect(json["turn"] as? String == (await harness.run("rev-parse", "HEAD").out.trimmingCharacters(in: .newlines)))
            #expect((json["response_id"] as? String)?.hasPrefix("resp_") == true)
            let usage = try #require(json["usage"] as? [String: Any])
            #expect((usage["input_tokens"] as? Int ?? 0) > 0)
            #expect((usage["output_tokens"] as? Int ?? 0) > 0)
        }
    }

    @Test func theMessageMayComeFromStdinOrTheEditor() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            let piped = await harness.run("say", stdin: Data("Hello, my name is Bob.\n".utf8))
            #expect(piped.status == 0, "\(piped.err)")
            #expect(piped.out == "Nice to meet you, Bob.\n")

            let editor = try harness.file("editor.sh", ["#!/bin/sh", "grep -q '#   model: Nice to meet you, Bob.' \"$1\" || exit 9", "printf 'What is my name?\\n' > \"$1\""])
            harness.inputIsTerminal = true
            // Through sh, not executed itself: a file just written can be "busy" (ETXTBSY) while a process forked
            // meanwhile by a parallel test still holds its write descriptor.
            harness.variables["EDITOR"] = "/bin/sh " + harness.folder.appendingPathComponent(editor).path
            let edited = await harness.run("say")
            #expect(edited.status == 0, "\(edited.err)")
            #expect(edited.out == "Your name is Bob.\n")
        }
    }

    @Test func anEmptyMessageAbortsWithFiveAndSendsNothing() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            let result = await harness.run("say", stdin: Data("  \n\n".utf8))
            #expect(result.status == 5)
            #expect(result.err.contains("the message is empty"))
            #expect(emulator.requestLog().isEmpty)
        }
    }

    @Test func plainHTTPToARemoteHostIsRefused() async throws {
        let harness = try Harness()
        harness.variables = ["CONVO_BASE_URL": "http://example.com/v1", "CONVO_API_KEY": "k"]
        await harness.run("init")
        let result = await harness.run("say", "Hello")
        #expect(result.status == 2)
        #expect(result.err.contains("--allow-insecure-http"))
    }

    @Test func aTurnOnADetachedHeadMovesHeadAndHintsAtNamingIt() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "one").status == 0)
            #expect(await harness.run("say", "two").status == 0)
            let main = await harness.run("rev-parse", "main").out
            #expect(await harness.run("checkout", "HEAD~1").status == 0)
            let result = await harness.run("say", "three")
            #expect(result.status == 0)
            #expect(result.err.hasPrefix("[detached HEAD "))
            #expect(result.err.contains("convo checkout -b <name>"))
            #expect(await harness.run("rev-parse", "main").out == main)
            let status = try jsonObject(await harness.run("status", "--json").out)
            #expect(status["detached"] as? Bool == true)
            #expect(status["turns"] as? Int == 2)
        }
    }

    @Test func aBranchThatMovedMeanwhileKeepsItsTipAndTheAnswerGoesOnASiblingBranch() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "first").status == 0)
            let tip = try #require(ObjectID(hex: await harness.run("rev-parse", "HEAD").out.trimmingCharacters(in: .newlines)))
            // Another process commits to main while the answer is on its way: as the request is sent, after
            // say has read HEAD (the transport's request hook, so the order does not depend on timing).
            let other = MovedMeanwhile()
            let convoFolder = harness.folder.appendingPathComponent(".convo")
            harness.transport = APITransport(sleep: { _ in }, onRequest: { _ in
                other.once {
                    let repository = try Repository.open(at: convoFolder)
                    return try repository.write { writer in
                        let id = try writer.insert(TurnDraft(
                            parent: tip, model: "m", input: [DraftMessage(role: "user", text: "elsewhere")],
                            output: [DraftOutputItem(type: "message", role: "assistant", text: "ok")], createdAt: 1))
                        try writer.updateRef("refs/heads/main", to: id, expecting: tip, message: "test: moved meanwhile")
                        return id
                    }
                }
            })
            let result = await harness.run("say", "--json", "second")
            let moved = try #require(other.id)
            #expect(result.status == 0, "\(result.err)")
            let json = try jsonObject(result.out)
            #expect(json["output_text"] as? String == "Echo: second (I see 2 earlier messages.)")
            #expect(json["branch"] as? String == "main-2")
            let turn = try #require(json["turn"] as? String)
            #expect(result.err.contains(
                "note: main moved meanwhile to \(moved.abbreviated()); your answer is on new branch main-2 [main-2 \(turn.prefix(7))]"),
                "\(result.err)")
            #expect(await harness.run("rev-parse", "main").out.hasPrefix(moved.hex), "main stays where the other process put it")
            #expect(await harness.run("rev-parse", "HEAD").out.hasPrefix(moved.hex))
            #expect(await harness.run("rev-parse", "main-2").out.hasPrefix(turn))
            #expect(await harness.run("rev-parse", "main-2~1").out.hasPrefix(tip.hex), "its parent is the turn it was asked from")
            #expect(await harness.run("reflog", "main-2").out.contains("say: second (main moved meanwhile)"))
            #expect(await harness.run("gc", "--prune=now").status == 0)
            #expect(await harness.run("show", turn).status == 0, "gc --prune=now keeps it")
        }
    }

    @Test func anIncompleteAnswerIsRecordedWithItsParametersAndWarnedAbout() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: Self.key)) { emulator in
            let harness = try await sayHarness(emulator, provider: "openai")
            let result = await harness.run(
                "say", "--max-output-tokens", "2", "--temperature", "0.25", "--model", "gpt-test",
                "Tell me about the history of Rome")
            #expect(result.status == 0, "\(result.err)")
            #expect(result.err.contains("warning: the response is incomplete (max_output_tokens)"))
            let turn = try jsonObject(await harness.run("show", "--json").out)
            #expect(turn["status"] as? String == "incomplete")
            #expect(turn["model"] as? String == "gpt-test")
            let parameters = try #require(turn["parameters"] as? [String: Any])
            #expect(parameters["max_output_tokens"] as? Int == 2)
            #expect(parameters["temperature"] as? Double == 0.25)
            let sent = try posts(emulator)
            #expect(sent[0].body["max_output_tokens"] as? Int == 2)
        }
    }
}

/// The turn another "process" committed from the request hook, written once.
final class MovedMeanwhile: @unchecked Sendable {
    private let lock = NSLock()
    private var value: ObjectID?
    private var done = false

    var id: ObjectID? { lock.withLock { value } }

    func once(_ body: () throws -> ObjectID) {
        lock.withLock {
            guard !done else { return }
            done = true
            value = try? body()
        }
    }
}
