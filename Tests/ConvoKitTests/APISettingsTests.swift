import Foundation
import ResponsesAPI
import Testing

@testable import ConvoKit

@Suite struct APIEndpointTests {
    func resolve(_ config: [ConfigKey: String], _ variables: [String: String] = [:], insecure: Bool = false) throws
        -> APIEndpoint
    {
        try APIEndpoint.resolve(config: { config[$0] }, variables: variables, allowInsecureHTTP: insecure)
    }

    @Test func defaultsToXAIAndItsModel() throws {
        let endpoint = try resolve([:])
        #expect(endpoint.profile.provider == .xai)
        #expect(endpoint.origin == "https://api.x.ai/v1")
        #expect(endpoint.model == "grok-4")
    }

    @Test func baseURLComesFromTheEnvironmentBeforeConfig() throws {
        let endpoint = try resolve(
            [.provider: "openai", .baseURL: "https://config.example/v1", .model: "gpt-x", .instructions: "Hi"],
            ["CONVO_BASE_URL": "http://127.0.0.1:8080/v1/"])
        #expect(endpoint.profile.provider == .openai)
        #expect(endpoint.origin == "http://127.0.0.1:8080/v1")
        #expect(endpoint.model == "gpt-x")
        #expect(endpoint.instructions == "Hi")
    }

    @Test func customNeedsABaseURL() {
        #expect(throws: SayError.missingBaseURL) { try resolve([.provider: "custom"]) }
    }

    @Test func plainHTTPOnlyToLoopbackUnlessAllowed() throws {
        let remote = [ConfigKey.baseURL: "http://example.com/v1"]
        #expect(throws: SayError.unsafeBaseURL(.insecureHTTP("http://example.com/v1"))) { try resolve(remote) }
        #expect(try resolve(remote, insecure: true).origin == "http://example.com/v1")
        #expect("\(SayError.unsafeBaseURL(.insecureHTTP("http://example.com/v1")))".contains("--allow-insecure-http"))
    }
}

/// An environment for resolving keys: `variables`, and helper commands run by `runner`.
func keyEnvironment(_ variables: [String: String], runner: CommandRunner = .live) -> ConvoEnvironment {
    ConvoEnvironment(
        workingDirectory: "/", variables: variables, now: { Date() }, output: .memory(), errors: .memory(),
        input: .bytes(Data()), inputIsTerminal: false, outputIsTerminal: false, commands: runner)
}

/// What an injected runner was asked to run.
final class RunnerRecord: @unchecked Sendable {
    var calls: [(command: String, timeout: Duration)] = []
}

@Suite struct APIKeyTests {
    func resolve(
        _ profile: ProviderProfile, _ variables: [String: String], command: String? = nil, timeout: String? = nil,
        runner: CommandRunner = .live
    ) throws -> String {
        var config = [ConfigKey: String]()
        config[.apiKeyCommand] = command
        config[.apiKeyCommandTimeout] = timeout
        return try APIKey.resolve(profile: profile, environment: keyEnvironment(variables, runner: runner), config: config)
    }

    /// A runner that records its calls and answers `outcome` without starting anything.
    func fake(_ outcome: CommandOutcome, _ record: RunnerRecord = RunnerRecord()) -> CommandRunner {
        CommandRunner { command, _, timeout in
            record.calls.append((command, timeout))
            return outcome
        }
    }

    @Test func convoAPIKeyWinsThenTheProvidersVariable() throws {
        #expect(try resolve(.xai, ["CONVO_API_KEY": "a", "XAI_API_KEY": "b"]) == "a")
        #expect(try resolve(.xai, ["XAI_API_KEY": " b\n"]) == "b")
        #expect(try resolve(.openai, ["OPENAI_API_KEY": "c"], command: "echo nope") == "c")
    }

    @Test func apiKeyCommandOutputIsTrimmed() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).sh")
        defer { try? FileManager.default.removeItem(at: script) }
        try Data("#!/bin/sh\nprintf '  sk-from-helper\\n\\n'\n".utf8).write(to: script)
        // Run through sh rather than executed itself: a file just written can be "busy" (ETXTBSY, exit 126) while
        // a process forked meanwhile by a parallel test still holds the write descriptor.
        #expect(try resolve(.xai, [:], command: "/bin/sh " + script.path) == "sk-from-helper")
    }

    @Test func onlyTheFirstLineOfTheCommandsOutputIsTheKey() throws {
        // `pass show` prints the secret, then metadata lines.
        let output = Data("sk-first-line\r\nlogin: alice\nurl: x.ai\n".utf8)
        #expect(try resolve(.xai, [:], command: "pass show xai", runner: fake(.exited(status: 0, output: output))) == "sk-first-line")
        #expect(try resolve(.xai, [:], command: "printf 'sk-live\\nsecond line\\n'") == "sk-live")
        #expect(throws: SayError.apiKeyCommandFailed(command: "x", reason: "printed nothing on its first line")) {
            try resolve(.xai, [:], command: "x", runner: fake(.exited(status: 0, output: Data("\nsk-late\n".utf8))))
        }
    }

    @Test func aKeyWithAControlCharacterIsRefusedWithoutShowingIt() throws {
        for (variables, command, source, character, key) in [
            (["CONVO_API_KEY": "sk-tab\tsecret"], nil as String?, "CONVO_API_KEY", "U+0009", "sk-tab\tsecret"),
            (["XAI_API_KEY": "sk-esc\u{1b}[2Jsecret"], nil, "XAI_API_KEY", "U+001B", "sk-esc\u{1b}[2Jsecret"),
            ([:], "printf 'sk-bell\\007secret\\n'", "the first line printed by api_key_command 'printf 'sk-bell\\007secret\\n''",
             "U+0007", "sk-bell\u{7}secret"),
        ] {
            do {
                _ = try resolve(.xai, variables, command: command)
                Issue.record("expected \(source) to be refused")
            } catch let error as SayError {
                #expect(error == .invalidAPIKey(source: source, character: character))
                #expect(!Redactor(secrets: [key]).leaks(in: "\(error)"))
            }
        }
    }

    @Test func theCommandRunsThroughTheEnvironmentWithTheConfiguredTimeout() throws {
        let record = RunnerRecord()
        _ = try resolve(.xai, [:], command: "helper", runner: fake(.exited(status: 0, output: Data("k\n".utf8)), record))
        _ = try resolve(.xai, [:], command: "helper", timeout: "2.5", runner: fake(.exited(status: 0, output: Data("k\n".utf8)), record))
        #expect(record.calls.map(\.command) == ["helper", "helper"])
        #expect(record.calls.map(\.timeout) == [.seconds(30), .milliseconds(2500)])
        #expect(throws: ConvoError.self) { try resolve(.xai, [:], command: "helper", timeout: "0", runner: fake(.timedOut)) }
        #expect(throws: SayError.apiKeyCommandTimedOut(command: "helper", seconds: 30)) {
            try resolve(.xai, [:], command: "helper", runner: fake(.timedOut))
        }
    }

    @Test func aHangingCommandIsKilledWithItsChildrenAtTheDeadline() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let pidFile = folder.appendingPathComponent("child.pid").path
        let command = "sleep 300 & echo $! $$ > '\(pidFile)'; wait"
        let started = ContinuousClock.now
        #expect(throws: SayError.apiKeyCommandTimedOut(command: command, seconds: 0.3)) {
            try resolve(.xai, [:], command: command, timeout: "0.3")
        }
        #expect(ContinuousClock.now - started < .seconds(60))
        let pids = String(decoding: FileManager.default.contents(atPath: pidFile) ?? Data(), as: UTF8.self)
            .split(whereSeparator: \.isWhitespace).compactMap { Int32($0) }
        try #require(pids.count == 2)
        let (child, group) = (pids[0], pids[1])
        // Killed: gone, a zombie nobody reaps, or the pid already reused by an unrelated process (not `sleep` in
        // the shell's process group). SIGKILL is delivered at once but a loaded machine may take a moment to
        // finish the exit, so the check allows a few seconds for it.
        func alive() -> (Bool, String) {
            let stat = (try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8)) ?? ""
            let fields = stat.split(separator: ")").last?.split(separator: " ").map(String.init) ?? []
            return (stat.contains("(sleep)") && fields.first != "Z" && fields.count > 2 && fields[2] == String(group), stat)
        }
        let give = ContinuousClock.now + .seconds(10)
        while alive().0, ContinuousClock.now < give { usleep(10_000) }
        let (running, stat) = alive()
        #expect(!running, "sleep \(child) of group \(group) still runs: \(stat)")
        if running { kill(child, SIGKILL) }
    }

    @Test func aFailingCommandIsNamedButItsOutputIsNot() {
        #expect(throws: SayError.apiKeyCommandFailed(command: "echo sk-secret-123; exit 3", reason: "exited with status 3")) {
            try resolve(.xai, [:], command: "echo sk-secret-123; exit 3")
        }
        #expect(throws: SayError.apiKeyCommandFailed(command: "true", reason: "printed nothing")) {
            try resolve(.xai, [:], command: "true")
        }
    }

    @Test func aMissingKeyNamesTheVariableToSet() {
        #expect(throws: SayError.missingAPIKey(variable: "OPENAI_API_KEY")) {
            try resolve(.openai, ["XAI_API_KEY": "sk-other-provider"])
        }
        let message = "\(SayError.missingAPIKey(variable: "XAI_API_KEY"))"
        #expect(message.contains("export XAI_API_KEY="))
        #expect(message.contains("api_key_command"))
        #expect(!message.contains("sk-other-provider"))
    }
}

@Suite struct MessageTemplateTests {
    @Test func theEditorTemplateShowsThePreviousTurnAsComments() {
        let template = MessageSource.template(previous: (said: "Hi\nthere", answer: "Hello"))
        #expect(template.contains("#   you: Hi\n#   you: there\n#   model: Hello"))
        #expect(MessageSource.message(inEdited: "My question\n" + template).trimmingCharacters(in: .whitespacesAndNewlines) == "My question")
        #expect(MessageSource.message(inEdited: template).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }
}

@Suite struct RequestTimeoutTests {
    func resolve(_ config: [ConfigKey: String], _ variables: [String: String] = [:]) throws -> RequestTimeout {
        try RequestTimeout.resolve(config: config, variables: variables)
    }

    /// 600 s, as the providers' SDKs allow, unless `request_timeout` or `CONVO_REQUEST_TIMEOUT` says otherwise.
    @Test func defaultsToTenMinutesAndTheVariableWinsOverTheSetting() throws {
        #expect(try resolve([:]) == RequestTimeout(seconds: 600, source: nil))
        #expect(try resolve([:]).duration == .seconds(600))
        #expect(try resolve([.requestTimeout: "1200"]) == RequestTimeout(seconds: 1200, source: "request_timeout"))
        #expect(
            try resolve([.requestTimeout: "1200"], ["CONVO_REQUEST_TIMEOUT": "0.5"])
                == RequestTimeout(seconds: 0.5, source: "CONVO_REQUEST_TIMEOUT"))
        #expect(try resolve([.requestTimeout: "0.5"]).duration == .milliseconds(500))
        // An empty variable is unset, as CONVO_BASE_URL's is.
        #expect(try resolve([.requestTimeout: "30"], ["CONVO_REQUEST_TIMEOUT": ""]).seconds == 30)
    }

    @Test(arguments: ["0", "-1", "soon", "nan", "inf", "86401", "", " 5"])
    func aBadValueIsRefusedNamingWhereItCameFrom(bad: String) throws {
        #expect(throws: ConvoError.invalidConfigValue(
            key: "request_timeout", value: bad, reason: "expected a number of seconds greater than 0 and at most 86400"))
        { try ConfigKey.requestTimeout.validate(bad) }
        if !bad.isEmpty {
            #expect(throws: ConvoError.invalidConfigValue(
                key: "CONVO_REQUEST_TIMEOUT", value: bad, reason: "expected a number of seconds greater than 0 and at most 86400"))
            { try resolve([:], ["CONVO_REQUEST_TIMEOUT": bad]) }
        }
    }

    /// The message names the value, where it came from, and what to do; a non-streamed say says honestly that
    /// there is no id to fetch.
    @Test func theTimeoutMessageNamesTheSettingAndTheWayOut() {
        let configured = "\(SayError.requestTimedOut(RequestTimeout(seconds: 5, source: "request_timeout"), streamed: false))"
        #expect(configured.hasPrefix("the server did not answer within 5s (request_timeout 5); nothing was committed"))
        #expect(configured.contains("no response id arrived, so there is none to fetch"))
        #expect(configured.contains("convo config request_timeout SECONDS"))
        #expect(configured.contains("--stream"))
        let fromVariable = "\(SayError.requestTimedOut(RequestTimeout(seconds: 0.5, source: "CONVO_REQUEST_TIMEOUT"), streamed: true))"
        #expect(fromVariable.hasPrefix("the server did not answer within 500ms (CONVO_REQUEST_TIMEOUT=0.5); nothing was committed\n"))
        let silent = "\(SayError.requestTimedOut(RequestTimeout(seconds: 600, source: nil), streamed: true, responseID: "resp_1"))"
        #expect(silent.hasPrefix("the stream of response 'resp_1' went silent for 600s (the default request_timeout); nothing was committed\n"))
        #expect(silent.contains("convo fetch resp_1"))
        #expect(silent.contains("convo config request_timeout SECONDS"))
        let lookup = "\(SayError.requestTimedOut(RequestTimeout(seconds: 600, source: nil), streamed: nil))"
        #expect(lookup.hasPrefix("the server did not answer within 600s (the default request_timeout)\nhint: allow it longer"))
        #expect(ExitStatus.of(SayError.requestTimedOut(RequestTimeout(seconds: 1, source: nil), streamed: false)) == .networkError)
    }
}
