import ConvoCLI
import ConvoKit
import Foundation
import ResponsesEmulator
import Testing

/// Issue 12: the home repository ($XDG_DATA_HOME/convo) outside any .convo/, in temporary folders only.
@Suite struct HomeRepositoryTests {
    /// A harness in a folder with no repository, whose HOME is a temporary folder inside it.
    func homeless(_ emulator: RunningEmulator? = nil) throws -> (Harness, home: URL) {
        let harness = try Harness()
        let home = harness.folder.appendingPathComponent("home")
        let work = harness.folder.appendingPathComponent("work")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        harness.variables = ["HOME": home.path]
        if let emulator {
            harness.variables["CONVO_BASE_URL"] = emulator.baseURL
            harness.variables["CONVO_API_KEY"] = SayCommandTests.key
        }
        return (harness, home)
    }

    @Test func theFirstSayOutsideAnyRepositoryCreatesTheHomeRepositoryWithOneNotice() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let (harness, home) = try homeless(emulator)
            let work = harness.folder.appendingPathComponent("work")
            let repository = home.appendingPathComponent(".local/share/convo")
            let first = await harness.run("say", "Hello, my name is Alice.", in: work)
            #expect(first.status == 0, "\(first.err)")
            #expect(first.err.split(separator: "\n").filter { $0.contains("created the home repository") }.count == 1)
            #expect(first.err.contains(repository.path))
            #expect(FileManager.default.fileExists(atPath: repository.appendingPathComponent("store.sqlite").path))
            #expect(!FileManager.default.fileExists(atPath: work.appendingPathComponent(".convo").path))
            // The second say (from another folder) continues the same conversation, without a notice.
            let second = await harness.run("say", "What's my name?", in: harness.folder)
            #expect(second.out == "Your name is Alice.\n")
            #expect(!second.err.contains("created"))
            let status = await harness.run("status", in: work)
            #expect(status.out.contains("Repo:     \(repository.path) (the home repository: no .convo/ found upward"))
        }
    }

    @Test func aProjectRepositoryWinsOverTheHomeRepository() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let (harness, home) = try homeless(emulator)
            let work = harness.folder.appendingPathComponent("work")
            #expect(await harness.run("say", "Hello", in: work).status == 0)
            #expect(await harness.run("init", in: work).status == 0)
            let nested = work.appendingPathComponent("src/deep")
            try FileManager.default.createDirectory(at: nested, withIntermediateDirectories: true)
            let status = await harness.run("status", in: nested)
            #expect(status.out.hasPrefix("On branch main (no turns yet)"))
            #expect(status.out.contains("Repo:     \(work.appendingPathComponent(".convo").path) (found upward from the working folder)"))
            #expect(await harness.run("log", "--oneline", in: home).lines.count == 1, "the home repository holds the first say")
        }
    }

    /// A newcomer who exported only OPENAI_API_KEY (the README's "or OPENAI_API_KEY") gets an answer from OpenAI
    /// on the first say: `convo config provider openai` cannot run before the home repository exists.
    @Test func aNewcomerWithOnlyAnOpenAIKeyGetsAHomeRepositoryForOpenAI() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: SayCommandTests.key)) { emulator in
            let (harness, _) = try homeless()
            let work = harness.folder.appendingPathComponent("work")
            harness.variables["CONVO_BASE_URL"] = emulator.baseURL
            harness.variables["OPENAI_API_KEY"] = SayCommandTests.key
            let models = await harness.run("models", in: work)
            #expect(models.status == 0, "\(models.err)")
            #expect(models.lines.contains { $0.hasPrefix("* gpt-4.1-mini ") }, "\(models.out)")
            let first = await harness.run("say", "Hello, my name is Alice.", in: work)
            #expect(first.status == 0, "\(first.err)")
            #expect(first.out == "Nice to meet you, Alice.\n")
            #expect(await harness.run("config", "provider", in: work).out == "openai\n")
            #expect(try posts(emulator).last?.body["model"] as? String == "gpt-4.1-mini")
            // Both keys set: xAI, convo's default, as before.
            let (both, _) = try homeless()
            both.variables["XAI_API_KEY"] = "xai-key"
            both.variables["OPENAI_API_KEY"] = SayCommandTests.key
            #expect(await both.run("init").status == 0)
            #expect(await both.run("config", "provider").out == "xai\n")
        }
    }

    /// A newcomer's first say without a key creates nothing: a home repository made then would be set up for
    /// xAI, and the OpenAI key exported next would meet "XAI_API_KEY is not set" with no config to change.
    @Test func aFirstSayWithoutAnyKeyCreatesNoHomeRepositoryAndTheKeyExportedNextDecides() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, apiKey: SayCommandTests.key)) { emulator in
            let (harness, home) = try homeless()
            let work = harness.folder.appendingPathComponent("work")
            harness.variables["CONVO_BASE_URL"] = emulator.baseURL
            let keyless = await harness.run("say", "Hello, my name is Alice.", in: work)
            #expect(keyless.status == 7)
            #expect(keyless.err.hasPrefix("error: no API key: none of XAI_API_KEY, OPENAI_API_KEY and CONVO_API_KEY is set"), "\(keyless.err)")
            #expect(!keyless.err.contains("created the home repository"))
            #expect(!FileManager.default.fileExists(atPath: home.path))
            #expect(emulator.requestLog().isEmpty)
            harness.variables["OPENAI_API_KEY"] = SayCommandTests.key
            let keyed = await harness.run("say", "Hello, my name is Alice.", in: work)
            #expect(keyed.status == 0, "\(keyed.err)")
            #expect(await harness.run("config", "provider", in: work).out == "openai\n")
        }
    }

    @Test func initWithOnlyAnOpenAIKeySetsUpTheRepositoryForOpenAI() async throws {
        let harness = try Harness()
        harness.variables = ["OPENAI_API_KEY": "sk-test"]
        #expect(await harness.run("init").status == 0)
        #expect(await harness.run("config", "provider").out == "openai\n")
        let other = harness.folder.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
        harness.variables = ["CONVO_API_KEY": "any", "OPENAI_API_KEY": " "]
        #expect(await harness.run("init", in: other).status == 0)
        #expect(await harness.run("config", "provider", in: other).out == "xai\n")
    }

    @Test func readCommandsInAnEmptyHomeSaySoAndCreateNothing() async throws {
        let (harness, home) = try homeless()
        let work = harness.folder.appendingPathComponent("work")
        for command in [["log"], ["status"], ["show"], ["branch"], ["checkout", "--orphan", "x"], ["show", "-o"]] {
            let result = await harness.run(arguments: command, in: work)
            #expect(result.status == 3, "\(command)")
            #expect(result.err.hasPrefix("error: not a convo repository"), "\(command)")
            #expect(result.err.contains("the home repository \(home.path)/.local/share/convo does not exist yet"), "\(command)")
        }
        #expect(!FileManager.default.fileExists(atPath: home.path))
    }

    @Test func convoDirAndDashCNeverFallBackToTheHomeRepository() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let (harness, home) = try homeless(emulator)
            let work = harness.folder.appendingPathComponent("work")
            harness.variables["CONVO_DIR"] = work.appendingPathComponent("missing").path
            let explicit = await harness.run("say", "Hello", in: work)
            #expect(explicit.status == 3)
            #expect(explicit.err.contains("not a convo repository"))
            harness.variables["CONVO_DIR"] = nil
            let dashC = await harness.run("-C", work.path, "say", "Hello")
            #expect(dashC.status == 3)
            #expect(!FileManager.default.fileExists(atPath: home.path))
            #expect(emulator.requestLog().isEmpty)
        }
    }

    @Test func withNowhereToKeepItTheEditorIsNeverOpened() async throws {
        let harness = try Harness()  // no HOME, no XDG_DATA_HOME: no home repository
        let marker = harness.folder.appendingPathComponent("editor-ran")
        harness.inputIsTerminal = true
        harness.variables["EDITOR"] = "touch \(marker.path) && true"
        let result = await harness.run("say")
        #expect(result.status == 3)
        #expect(!FileManager.default.fileExists(atPath: marker.path))
    }

    @Test func xdgDataHomeIsWhereTheHomeRepositoryLives() {
        #expect(HomeRepository.location(["XDG_DATA_HOME": "/data", "HOME": "/home/a"])?.path == "/data/convo")
        #expect(HomeRepository.location(["XDG_DATA_HOME": "relative", "HOME": "/home/a"])?.path == "/home/a/.local/share/convo")
        #expect(HomeRepository.location([:]) == nil)
    }

    @Test func initInsideAGitWorkTreeWritesAGitignore() async throws {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        #expect(!FileManager.default.fileExists(atPath: harness.folder.appendingPathComponent(".convo/.gitignore").path))
        let project = harness.folder.appendingPathComponent("project")
        try FileManager.default.createDirectory(at: project.appendingPathComponent(".git"), withIntermediateDirectories: true)
        let sub = project.appendingPathComponent("sub")
        try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
        #expect(await harness.run("init", in: sub).status == 0)
        let ignore = sub.appendingPathComponent(".convo/.gitignore")
        #expect(try String(contentsOf: ignore, encoding: .utf8) == "*\n")
        // A file the user changed is left alone on a second init.
        try Data("store.sqlite\n".utf8).write(to: ignore)
        #expect(await harness.run("init", in: sub).status == 0)
        #expect(try String(contentsOf: ignore, encoding: .utf8) == "store.sqlite\n")
    }
}
