import Foundation
import Testing

/// Issue 12's daily surface as a user meets it: the built binary against the built emulator on 127.0.0.1.
@Suite(.serialized) struct DailyBinaryTests {
    @Test func aPipedDiffFollowsTheArgumentsAndShowOutputOnlyPrintsTheAnswerBytes() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        let diff = "diff --git a/notes.md b/notes.md\n-# Old heading\n+# New heading\n"
        let review = try shell.run("say", "--no-stream", "Review this diff", stdin: Data(diff.utf8))
        #expect(review.status == 0, "\(review.err)")
        let turn = try JSONSerialization.jsonObject(with: Data(try shell.run("show", "--json").out.utf8)) as? [String: Any] ?? [:]
        let input = turn["input"] as? [[String: Any]] ?? []
        #expect(input.last?["content"] as? String == "Review this diff\n\n" + diff.dropLast())
        let answer = try shell.run("show", "-o")
        #expect(answer.status == 0)
        #expect(answer.out == turn["output"] as? String)
        #expect(try shell.run("show", "--output-only", "HEAD").out == answer.out)
        #expect(try shell.run("show", "-o", "--json").status == 2)
    }

    @Test func badMessagesAndBranchesAreRefusedWithDocumentedCodesAndWriteNothing() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "Hello, my name is Alice.").status == 0)
        let before = try shell.run("reflog").out
        let cases: [([String], Int32, String)] = [
            (["say", "-", "-"], 2, "more than once"),
            (["say", "--on", "nowhere", "Hi"], 4, "branch 'nowhere' not found"),
            (["say", "--new", "--at", "HEAD", "Hi"], 2, "--new starts a conversation with no parent"),
            (["say", "--new", "--regenerate"], 2, "--new starts a conversation with no parent"),
            (["checkout", "--orphan", "main"], 1, "a branch named 'main' already exists"),
        ]
        for (arguments, status, message) in cases {
            let result = try shell.finish(shell.start(arguments, stdin: Data("piped".utf8)))
            #expect(result.status == status, "\(arguments): \(result.err)")
            #expect(result.err.contains(message), "\(arguments): \(result.err)")
            #expect(result.out.isEmpty)
        }
        #expect(try shell.run("reflog").out == before)
        #expect(try shell.run("log", "--oneline", "--all").lines.count == 1)
    }

    @Test func aSayFromAFolderWithoutRepositoryUsesTheHomeRepositoryAndANewTopicGetsItsOwnBranch() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        var shell = try BinaryRunner()
        defer { shell.cleanUp() }
        shell.environment["CONVO_BASE_URL"] = emulator.baseURL
        shell.environment["CONVO_API_KEY"] = "e2e-key"
        let empty = try shell.run("log")
        #expect(empty.status == 3)
        #expect(empty.err.contains("does not exist yet"))
        let hello = try shell.run("say", "Hello, my name is Alice.")
        #expect(hello.status == 0, "\(hello.err)")
        let home = shell.home.appendingPathComponent(".local/share/convo").path
        #expect(hello.err.hasPrefix("convo: created the home repository \(home)"))
        let topic = try shell.run("say", "--new", "What is my name?")
        #expect(topic.status == 0, "\(topic.err)")
        #expect(topic.err.contains("new conversation on branch 'what-is-my-name'"))
        #expect(!topic.out.contains("Alice"))
        let status = try shell.run("status")
        #expect(status.out.hasPrefix("On branch what-is-my-name"))
        #expect(status.out.contains("Repo:     \(home) (the home repository"))
        #expect(!FileManager.default.fileExists(atPath: shell.folder.appendingPathComponent(".convo").path))
    }

    /// The README's quick start, as a newcomer follows it: a fresh HOME, no repository anywhere, a key and nothing
    /// else; an answer, a second topic, an answer in the first topic, an image question, the model list.
    @Test func theReadmeQuickStartWorksFromAFolderWithNoRepository() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        var shell = try BinaryRunner()
        defer { shell.cleanUp() }
        shell.environment["CONVO_BASE_URL"] = emulator.baseURL
        shell.environment["XAI_API_KEY"] = "e2e-key"
        let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwABAQEABRjYTgAAAABJRU5ErkJggg==")!
        try png.write(to: shell.folder.appendingPathComponent("screenshot.png"))

        let hello = try shell.run("say", "Hello, my name is Alice. Remember this.")
        #expect(hello.status == 0, "\(hello.err)")
        #expect(hello.out == "Nice to meet you, Alice.\n")
        let rome = try shell.run("say", "--new", "Plan a trip to Rome")
        #expect(rome.status == 0, "\(rome.err)")
        #expect(rome.err.hasPrefix("convo: starting a new conversation on branch 'plan-a-trip-to-rome'"))
        let name = try shell.run("say", "--on", "main", "What's my name?")
        #expect(name.out == "Your name is Alice.\n", "\(name.err)")
        let picture = try shell.run("say", "--new", "-a", "screenshot.png", "What is in this picture?")
        #expect(picture.status == 0, "\(picture.err)")
        #expect(picture.out.contains("I see an image (png, \(png.count) bytes)"), "\(picture.out)")
        #expect(picture.err.contains("new conversation on branch 'what-is-in-this-picture'"))
        let answer = try shell.run("show", "-o").out
        #expect(!answer.isEmpty && picture.out.hasPrefix(answer), "show -o prints the answer just given")
        let models = try shell.run("models")
        #expect(models.status == 0, "\(models.err)")
        #expect(models.lines.contains { $0.hasPrefix("* grok-4 ") }, "\(models.out)")
        let status = try shell.run("status")
        #expect(status.out.contains("Model:    grok-4 (provider default)\n"), "\(status.out)")
        #expect(try shell.run("log", "--oneline", "--all").lines.count == 4)
        #expect(!FileManager.default.fileExists(atPath: shell.folder.appendingPathComponent(".convo").path))
    }

    /// `models` and presets through the built binary in both flavours: the list marks the default, and a branch's
    /// preset sets model and instructions, sent as each provider wants them.
    @Test(arguments: ["openai", "xai"])
    func modelsAndABranchPresetInEachFlavour(flavor: String) throws {
        let emulator = try EmulatorProcess(["--flavor", flavor, "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator, initArguments: ["--provider", flavor])
        defer { shell.cleanUp() }
        let models = try shell.run("models", "--json")
        #expect(models.status == 0, "\(models.err)")
        let defaults = models.lines.filter { $0.contains(#""default":true"#) }
        #expect(defaults.count == 1 && defaults.first?.contains(flavor == "xai" ? #""id":"grok-4""# : #""id":"gpt-4.1-mini""#) == true, "\(models.out)")

        #expect(try shell.run("config", "preset.terse.instructions", "Answer in one word.").status == 0)
        #expect(try shell.run("config", "preset.terse.model", "small-model").status == 0)
        #expect(try shell.run("branch", "--preset", "terse").status == 0)
        #expect(try shell.run("status").out.contains("Model:    small-model (preset terse of the branch)"))
        for message in ["one", "two"] { #expect(try shell.run("say", message).status == 0) }
        let missing = try shell.run("say", "--preset", "nope", "three")
        #expect(missing.status == 4)
        #expect(missing.err.contains("no preset 'nope'"))

        let log = try shell.finish(BinaryRunner.start(
            URL(fileURLWithPath: "/usr/bin/curl"), ["-s", emulator.baseURL.replacingOccurrences(of: "/v1", with: "/_emulator/requests")]))
        let requests = (try JSONSerialization.jsonObject(with: Data(log.out.utf8)) as? [String: Any])?["requests"] as? [[String: Any]] ?? []
        let bodies = requests.filter { $0["method"] as? String == "POST" }.compactMap { $0["body"] as? [String: Any] }
        #expect(bodies.count == 2, "the missing preset sent nothing")
        #expect(bodies.map { $0["model"] as? String } == ["small-model", "small-model"])
        let instructions = bodies.map { $0["instructions"] as? String }
        #expect(instructions == (flavor == "xai" ? ["Answer in one word.", nil] : ["Answer in one word.", "Answer in one word."]))
    }

    /// A pipe gets every character of log's lines whatever COLUMNS says: only a terminal's lines are cut.
    @Test func logThroughAPipeIsNotCutToColumns() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        var shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        let long = String(repeating: "a long question ", count: 3)
        #expect(try shell.run("say", long).status == 0)
        shell.environment["COLUMNS"] = "20"
        let oneline = try shell.run("log", "--oneline")
        #expect(oneline.lines.first.map { $0.count > 20 } == true, "\(oneline.out)")
    }
}
