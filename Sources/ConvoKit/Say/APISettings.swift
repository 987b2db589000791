import ConvoStore
import Foundation
import ResponsesAPI

/// Where `say` sends its request and with which defaults, resolved from config and environment.
public struct APIEndpoint: Sendable, Equatable {
    /// The provider profile, its base URL already overridden by config or `CONVO_BASE_URL`.
    public var profile: ProviderProfile
    /// The model to ask for unless `--model` says otherwise.
    public var model: String
    /// The configured instructions, if any.
    public var instructions: String?

    /// The origin recorded with every response: the base URL without a trailing slash.
    public var origin: String { Self.normalizedOrigin(profile.baseURL.absoluteString) }

    /// `https://api.x.ai/v1/` and `https://api.x.ai/v1` are one origin.
    public static func normalizedOrigin(_ text: String) -> String {
        var text = text
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }

    /// Resolves the endpoint: provider from config (default xai); base URL from `CONVO_BASE_URL`, else config
    /// `base_url`, else the provider's; plain http only to loopback unless `allowInsecureHTTP`.
    public static func resolve(
        config: (ConfigKey) -> String?, variables: [String: String], allowInsecureHTTP: Bool
    ) throws(SayError) -> APIEndpoint {
        let provider = Provider(rawValue: config(.provider) ?? "xai") ?? .xai
        let override = [variables["CONVO_BASE_URL"], config(.baseURL)].compactMap { $0 }.first { !$0.isEmpty }
        var profile: ProviderProfile
        switch provider {
        case .xai: profile = .xai
        case .openai: profile = .openai
        case .custom:
            guard override != nil else { throw .missingBaseURL }
            profile = .custom(baseURL: ProviderProfile.xai.baseURL, defaultModel: ProviderProfile.xai.defaultModel)
        }
        if let override {
            do {
                profile.baseURL = try ProviderProfile.validateBaseURL(override, allowInsecureHTTP: allowInsecureHTTP)
            } catch {
                throw .unsafeBaseURL(error)
            }
        }
        let instructions = config(.instructions).flatMap { $0.isEmpty ? nil : $0 }
        return APIEndpoint(profile: profile, model: config(.model) ?? profile.defaultModel, instructions: instructions)
    }
}

/// Finding the API key without ever writing it anywhere.
public enum APIKey {
    /// The key: `CONVO_API_KEY`, else the provider's variable (`XAI_API_KEY`, `OPENAI_API_KEY`), else the output of
    /// `api_key_command` run by `/bin/sh -c`, trimmed. The key never goes into an argument list, a log or a message.
    public static func resolve(
        profile: ProviderProfile, variables: [String: String], command: String?
    ) throws(SayError) -> String {
        for name in ["CONVO_API_KEY", profile.apiKeyEnvironmentVariable] {
            if let value = variables[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
                return value
            }
        }
        if let command, !command.trimmingCharacters(in: .whitespaces).isEmpty {
            return try run(command, variables: variables)
        }
        throw .missingAPIKey(variable: profile.apiKeyEnvironmentVariable)
    }

    private static func run(_ command: String, variables: [String: String]) throws(SayError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.environment = variables
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw .apiKeyCommandFailed(command: command, reason: "could not be started: \(error.localizedDescription)")
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .apiKeyCommandFailed(command: command, reason: "exited with status \(process.terminationStatus)")
        }
        let key = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !key.isEmpty else { throw .apiKeyCommandFailed(command: command, reason: "printed nothing") }
        return key
    }
}
