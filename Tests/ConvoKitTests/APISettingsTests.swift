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

@Suite struct APIKeyTests {
    @Test func convoAPIKeyWinsThenTheProvidersVariable() throws {
        #expect(try APIKey.resolve(profile: .xai, variables: ["CONVO_API_KEY": "a", "XAI_API_KEY": "b"], command: nil) == "a")
        #expect(try APIKey.resolve(profile: .xai, variables: ["XAI_API_KEY": " b\n"], command: nil) == "b")
        #expect(try APIKey.resolve(profile: .openai, variables: ["OPENAI_API_KEY": "c"], command: "echo nope") == "c")
    }

    @Test func apiKeyCommandOutputIsTrimmed() throws {
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("key-\(UUID().uuidString).sh")
        defer { try? FileManager.default.removeItem(at: script) }
        try Data("#!/bin/sh\nprintf '  sk-from-helper\\n\\n'\n".utf8).write(to: script)
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: script.path)
        #expect(try APIKey.resolve(profile: .xai, variables: [:], command: script.path) == "sk-from-helper")
    }

    @Test func aFailingCommandIsNamedButItsOutputIsNot() {
        do {
            _ = try APIKey.resolve(profile: .xai, variables: [:], command: "echo sk-secret-123; exit 3")
            Issue.record("expected a failure")
        } catch {
            #expect(error == .apiKeyCommandFailed(command: "echo sk-secret-123; exit 3", reason: "exited with status 3"))
        }
        #expect(throws: SayError.apiKeyCommandFailed(command: "true", reason: "printed nothing")) {
            try APIKey.resolve(profile: .xai, variables: [:], command: "true")
        }
    }

    @Test func aMissingKeyNamesTheVariableToSet() {
        #expect(throws: SayError.missingAPIKey(variable: "OPENAI_API_KEY")) {
            try APIKey.resolve(profile: .openai, variables: ["XAI_API_KEY": "sk-other-provider"], command: nil)
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
        #expect(MessageSource.stripComments("My question\n" + template).trimmingCharacters(in: .whitespacesAndNewlines) == "My question")
        #expect(MessageSource.stripComments(template).trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }
}
