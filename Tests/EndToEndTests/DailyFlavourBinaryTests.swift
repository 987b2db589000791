import Foundation
import Testing

/// Issue 12's "done when": every daily item through the built binary against the built emulator, once per flavour,
/// each repository set up for that provider (so its own rules apply: instructions, image turns, error bodies).
@Suite(.serialized) struct DailyFlavourBinaryTests {
    /// A 1×1 PNG.
    static let png = Data(base64Encoded: "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4DwABAQEABRjYTgAAAABJRU5ErkJggg==") ?? Data()

    func start(_ flavor: String) throws -> (EmulatorProcess, BinaryRunner) {
        let emulator = try EmulatorProcess(["--flavor", flavor, "--api-key", "e2e-key"])
        return (emulator, try BinaryRunner.repository(talkingTo: emulator, initArguments: ["--provider", flavor]))
    }

    /// The bodies of the `POST /responses` the emulator answered, oldest first.
    func posts(_ emulator: EmulatorProcess) throws -> [[String: Any]] {
        let log = BinaryRunner.finish(try BinaryRunner.start(
            URL(fileURLWithPath: "/usr/bin/curl"), ["-s", emulator.baseURL.replacingOccurrences(of: "/v1", with: "/_emulator/requests")]))
        let requests = (try JSONSerialization.jsonObject(with: Data(log.out.utf8)) as? [String: Any])?["requests"] as? [[String: Any]] ?? []
        return requests.filter { $0["method"] as? String == "POST" && $0["path"] as? String == "/v1/responses" }
            .compactMap { $0["body"] as? [String: Any] }
    }

    /// The text of the last user message a request carried (a string, or the `input_text` parts of a content list).
    func lastUserText(_ body: [String: Any]?) -> String? {
        let input = body?["input"]
        if let text = input as? String { return text }
        guard let message = (input as? [[String: Any]])?.last(where: { $0["role"] as? String == "user" }) else { return nil }
        if let text = message["content"] as? String { return text }
        return (message["content"] as? [[String: Any]])?.compactMap { $0["text"] as? String }.joined()
    }

    func turn(_ shell: BinaryRunner, _ revision: String = "HEAD") throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(try shell.run("show", "--json", revision).out.utf8)) as? [String: Any] ?? [:]
    }

    @Test(arguments: ["openai", "xai"])
    func messagesNewConversationsImagesAndOutputInEachFlavour(flavor: String) throws {
        let (emulator, shell) = try start(flavor)
        defer { emulator.stop() }
        defer { shell.cleanUp() }
        try Self.png.write(to: shell.folder.appendingPathComponent("screenshot.png"))

        // Arguments, then a blank line, then stdin; '-' puts stdin where it stands; a NUL byte is kept.
        #expect(try shell.run("say", "Hello, my name is Alice.").status == 0)
        let piped = try shell.run("say", "Summarize:", stdin: Data("line one\n# not a comment\n".utf8))
        #expect(piped.status == 0, "\(piped.err)")
        #expect(lastUserText(try posts(emulator).last) == "Summarize:\n\nline one\n# not a comment")
        #expect(try shell.run("say", "Translate", "-", "into French", stdin: Data("Bonjour\n".utf8)).status == 0)
        #expect(lastUserText(try posts(emulator).last) == "Translate\n\nBonjour\n\ninto French")
        #expect(try shell.run("say", stdin: Data("a\u{0}b".utf8)).status == 0)
        #expect(lastUserText(try posts(emulator).last) == "a\u{0}b")
        #expect((try turn(shell)["input"] as? [[String: Any]])?.last?["content"] as? String == "a\u{0}b")

        // The whole first line in log --json and %s, and show -o's exact bytes.
        let long = String(repeating: "a rather long question ", count: 8) + "end"
        #expect(try shell.run("say", long + "\nsecond line").status == 0)
        let item = try JSONSerialization.jsonObject(with: Data(try shell.run("log", "--json", "-n", "1").out.utf8)) as? [String: Any]
        #expect(item?["input"] as? String == long)
        #expect(try shell.run("log", "--format=%s", "-n", "1").out == long + "\n")
        #expect(try shell.run("show", "-o").out == (try turn(shell)["output"] as? String))

        // New conversations: --new names its branch from the message, -b names it, --orphan waits for the next say.
        let rome = try shell.run("say", "--new", "Plan a trip to Rome, please")
        #expect(rome.status == 0, "\(rome.err)")
        #expect(rome.err.contains("new conversation on branch 'plan-a-trip-to-rome'"))
        #expect(try posts(emulator).last?["previous_response_id"] == nil)
        #expect(try turn(shell)["parent"] is NSNull)
        #expect(try shell.run("say", "--new", "-b", "ideas", "Something else").status == 0)
        #expect(try shell.run("checkout", "--orphan", "notes").status == 0)
        #expect(try shell.run("status").out.hasPrefix("On branch notes (no turns yet)"))
        let note = try shell.run("say", "What's my name?")
        #expect(note.status == 0 && !note.out.contains("Alice"), "a new conversation knows nothing of main's: \(note.out)")
        #expect(try turn(shell)["parent"] is NSNull)

        // --on answers in main's conversation; HEAD stays on notes.
        let head = try shell.run("rev-parse", "HEAD").out
        let mainBefore = try shell.run("rev-parse", "main").out
        let on = try shell.run("say", "--on", "main", "What's my name?")
        #expect(on.out == "Your name is Alice.\n", "\(on.err)")
        #expect(on.err.contains("HEAD stays on 'notes'"))
        #expect(try shell.run("rev-parse", "HEAD").out == head)
        #expect(try shell.run("rev-parse", "main~1").out == mainBefore)

        // An image question in a topic of its own, and a follow-up that still sees the image (OpenAI keeps it in
        // the chain; xAI's image turn is not stored, so the follow-up replays it).
        let picture = try shell.run("say", "--new", "-a", "screenshot.png", "What is in this picture?")
        #expect(picture.status == 0, "\(picture.err)")
        #expect(picture.out.contains("I see an image (png, \(Self.png.count) bytes)"), "\(picture.out)")
        let followUp = try shell.run("say", "Is it a photo?")
        #expect(followUp.out.contains("I remember an image (png, \(Self.png.count) bytes)"), "\(followUp.out) \(followUp.err)")
        #expect(followUp.err.contains("replaying") == (flavor == "xai"), "\(followUp.err)")

        // The graph: a star right under a star in its column is always its parent.
        let json = try shell.run("log", "--all", "--json").lines.compactMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
        let parents = Dictionary(uniqueKeysWithValues: json.compactMap { item -> (String, String?)? in
            guard let id = item["id"] as? String else { return nil }
            return (String(id.prefix(7)), (item["parent"] as? String).map { String($0.prefix(7)) })
        })
        #expect(parents.values.filter { $0 == nil }.count == 5, "five conversations: main, rome, ideas, notes, picture")
        let graph = try shell.run("log", "--graph", "--all", "--oneline").out.split(separator: "\n", omittingEmptySubsequences: false)
        func star(_ line: Substring) -> (column: Int, id: String)? {
            guard let star = line.firstIndex(of: "*") else { return nil }
            let id = line[line.index(star, offsetBy: 2)...].prefix(7)
            return (line.distance(from: line.startIndex, to: star), String(id))
        }
        #expect(graph.compactMap(star).count == json.count)
        for (upper, lower) in zip(graph, graph.dropFirst()) {
            guard let above = star(upper), let below = star(lower), above.column == below.column else { continue }
            #expect(parents[above.id] == below.id, "'\(upper)' is drawn over '\(lower)', which is not its parent")
        }
    }

    /// The README's quick start for someone who has only an OpenAI key, and who first forgot to export it.
    @Test func theQuickStartWithOnlyAnOpenAIKeyFromAFolderWithNoRepository() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        var shell = try BinaryRunner()
        defer { shell.cleanUp() }
        shell.environment["CONVO_BASE_URL"] = emulator.baseURL
        try Self.png.write(to: shell.folder.appendingPathComponent("screenshot.png"))
        let keyless = try shell.run("say", "Hello, my name is Alice. Remember this.")
        #expect(keyless.status == 7)
        #expect(keyless.err.contains("the home repository \(shell.home.path)/.local/share/convo was not created"), "\(keyless.err)")
        #expect(!FileManager.default.fileExists(atPath: shell.home.path))

        shell.environment["OPENAI_API_KEY"] = "e2e-key"
        let hello = try shell.run("say", "Hello, my name is Alice. Remember this.")
        #expect(hello.out == "Nice to meet you, Alice.\n", "\(hello.err)")
        #expect(hello.err.hasPrefix("convo: created the home repository"))
        #expect(try shell.run("say", "--new", "Plan a trip to Rome").status == 0)
        #expect(try shell.run("say", "--on", "main", "What's my name?").out == "Your name is Alice.\n")
        let picture = try shell.run("say", "--new", "-a", "screenshot.png", "What is in this picture?")
        #expect(picture.out.contains("I see an image (png, \(Self.png.count) bytes)"), "\(picture.out) \(picture.err)")
        #expect(!picture.err.contains("store: false"), "OpenAI stores image turns")
        let followUp = try shell.run("say", "Is it a photo?")
        #expect(followUp.out.contains("I remember an image"), "\(followUp.out)")
        #expect(!followUp.err.contains("replaying"))
        #expect(try shell.run("models").lines.contains { $0.hasPrefix("* gpt-4.1-mini ") })
        let status = try shell.run("status").out
        #expect(status.contains("Provider: openai\n") && status.contains("Model:    gpt-4.1-mini (provider default)\n"), "\(status)")
        #expect(try posts(emulator).allSatisfy { $0["model"] as? String == "gpt-4.1-mini" })
    }

    @Test(arguments: ["openai", "xai"])
    func badInputIsRefusedWithItsExitCodeAndWritesNothingInEachFlavour(flavor: String) throws {
        let (emulator, shell) = try start(flavor)
        defer { emulator.stop() }
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "Hello, my name is Alice.").status == 0)
        #expect(try shell.run("branch", "travel").status == 0)
        try FileManager.default.createDirectory(at: shell.folder.appendingPathComponent("folder"), withIntermediateDirectories: true)
        try Data((0...255).map { UInt8($0) }).write(to: shell.folder.appendingPathComponent("data.bin"))
        var big = Self.png
        big.append(Data(count: 21 * 1024 * 1024))
        try big.write(to: shell.folder.appendingPathComponent("big.png"))
        let before = (try shell.run("reflog").out, try shell.run("log", "--all", "--oneline").out, try posts(emulator).count)

        let cases: [([String], Data, Int32, String)] = [
            (["say", "-a", "missing.png", "Hi"], Data(), 5, "cannot attach 'missing.png': no such file"),
            (["say", "-a", "folder", "Hi"], Data(), 5, "cannot attach 'folder': it is a folder"),
            (["say", "-a", "data.bin", "Hi"], Data(), 5, "cannot attach 'data.bin': its content is not"),
            (["say", "-a", "big.png", "Hi"], Data(), 5, "cannot attach 'big.png': \(big.count) bytes is more than"),
            (["say"], Data([0x61, 0xFF, 0x62]), 5, "not valid UTF-8 (byte offset 1"),
            (["say", "-", "-"], Data("text".utf8), 2, "more than once"),
            (["say", "--on", "nowhere", "Hi"], Data(), 4, "branch 'nowhere' not found"),
            (["say", "--new", "--at", "HEAD", "Hi"], Data(), 2, "--new starts a conversation with no parent"),
            (["say", "--new", "--regenerate"], Data(), 2, "--new starts a conversation with no parent"),
            (["say", "--new", "-b", "travel", "Hi"], Data(), 1, "a branch named 'travel' already exists"),
            (["checkout", "--orphan", "travel"], Data(), 1, "a branch named 'travel' already exists"),
        ]
        for (arguments, stdin, status, message) in cases {
            let result = try shell.finish(shell.start(arguments, stdin: stdin))
            #expect(result.status == status, "\(arguments): \(result.err)")
            #expect(result.err.contains(message), "\(arguments): \(result.err)")
            #expect(result.out.isEmpty, "\(arguments)")
        }
        // Swift would hand convo a U+FFFD for the Latin-1 é: the argument is refused as the same bytes on stdin are.
        var environment = shell.environment
        environment["CONVO_BIN"] = BinaryRunner.productsFolder.appendingPathComponent("convo").path
        let latin1 = BinaryRunner.finish(try BinaryRunner.start(
            URL(fileURLWithPath: "/bin/sh"), ["-c", #"exec "$CONVO_BIN" say "$(printf 'caf\351 ok')""#], in: shell.folder,
            environment: environment))
        #expect(latin1.status == 5, "\(latin1.err)")
        #expect(latin1.err.hasPrefix(#"error: argument 2 ('caf\xe9 ok') is not valid UTF-8 (byte offset 3"#), "\(latin1.err)")
        #expect(latin1.out.isEmpty)

        #expect(try shell.run("reflog").out == before.0)
        #expect(try shell.run("log", "--all", "--oneline").out == before.1)
        #expect(try posts(emulator).count == before.2, "nothing was sent")
        #expect(try shell.run("fsck").status == 0)
    }

    /// `$EDITOR` on a real terminal: `#` lines above git's scissors line are the user's and are sent byte for
    /// byte; the template below it is not.
    @Test(arguments: ["openai", "xai"])
    func theEditorsHashLinesAreSentAndTheTemplateIsNotInEachFlavour(flavor: String) throws {
        let (emulator, shell) = try start(flavor)
        defer { emulator.stop() }
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "Hello, my name is Bob.").status == 0)
        try shell.write("editor.sh", [
            "#!/bin/sh", "grep -q '^# -* >8 -*$' \"$1\" || exit 9",
            "{ printf '# Heading\\n\\n```sh\\n# a shell comment\\n  ls  \\n```\\n'; cat \"$1\"; } > \"$1.new\" && mv \"$1.new\" \"$1\"",
        ])
        var environment = shell.environment
        environment["TERM"] = "xterm"
        environment["EDITOR"] = "/bin/sh " + shell.folder.appendingPathComponent("editor.sh").path
        let terminal = try PseudoTerminal(
            BinaryRunner.productsFolder.appendingPathComponent("convo").path, ["say", "--no-stream"], in: shell.folder, environment: environment)
        defer { terminal.close() }
        #expect(terminal.waitForExit() == 0, "\(terminal.shown)")
        let sent = "# Heading\n\n```sh\n# a shell comment\n  ls  \n```"
        #expect(lastUserText(try posts(emulator).last) == sent)
        #expect((try turn(shell)["input"] as? [[String: Any]])?.last?["content"] as? String == sent)
    }
}
