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

    /// The provider a new repository is set up for when none is named: xAI, unless `OPENAI_API_KEY` is the only
    /// provider key set (someone who exported only that key means OpenAI, and `convo config` cannot be run
    /// before the home repository exists). `CONVO_API_KEY` belongs to no provider, so it changes nothing.
    public static func providerForNewRepository(_ variables: [String: String]) -> Provider {
        func isSet(_ name: String) -> Bool { !(variables[name] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        return !isSet("XAI_API_KEY") && isSet("OPENAI_API_KEY") ? .openai : .xai
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
    /// The variables that may hold a key; their values are redacted from every message.
    public static let variableNames = ["CONVO_API_KEY", "XAI_API_KEY", "OPENAI_API_KEY"]

    /// How long `api_key_command` may run unless `api_key_command_timeout` says otherwise.
    public static let defaultCommandTimeout: Double = 30

    /// The key: `CONVO_API_KEY`, else the provider's variable (`XAI_API_KEY`, `OPENAI_API_KEY`), else the first
    /// line of what `api_key_command` prints (as git's credential helpers), trimmed. The command runs through
    /// `environment.commands` for at most `api_key_command_timeout` seconds (default 30).
    ///
    /// A key holding a control character (a newline, a tab) is refused without being shown. Every key found
    /// (and the command's whole output) is remembered in `environment.secrets`, so that no message and no
    /// stored error can carry it.
    public static func resolve(
        profile: ProviderProfile, environment: ConvoEnvironment, config: [ConfigKey: String]
    ) throws -> String {
        for name in ["CONVO_API_KEY", profile.apiKeyEnvironmentVariable] {
            guard let raw = environment.variables[name] else { continue }
            environment.secrets.remember(raw)
            let value = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !value.isEmpty else { continue }
            try check(value, source: name)
            return value
        }
        if let command = config[.apiKeyCommand], !command.trimmingCharacters(in: .whitespaces).isEmpty {
            return try run(command, environment: environment, timeout: try commandTimeout(config[.apiKeyCommandTimeout]))
        }
        throw SayError.missingAPIKey(variable: profile.apiKeyEnvironmentVariable)
    }

    /// `api_key_command_timeout` in seconds, or the default when unset.
    public static func commandTimeout(_ configured: String?) throws -> Double {
        guard let configured else { return defaultCommandTimeout }
        guard let seconds = Double(configured), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw ConvoError.invalidConfigValue(
                key: ConfigKey.apiKeyCommandTimeout.rawValue, value: configured,
                reason: "expected a number of seconds greater than 0 and at most 86400")
        }
        return seconds
    }

    /// Refuses a key holding a control character: it would break the Authorization header, and the HTTP
    /// library's error would then print it.
    static func check(_ key: String, source: String) throws(SayError) {
        if let scalar = key.unicodeScalars.first(where: {
            $0.properties.generalCategory == .control || $0 == "\u{2028}" || $0 == "\u{2029}"
        }) {
            throw .invalidAPIKey(source: source, character: "U+" + String(format: "%04X", scalar.value))
        }
    }

    private static func run(_ command: String, environment: ConvoEnvironment, timeout: Double) throws(SayError) -> String {
        let outcome = environment.commands.run(
            command, environment.variables, .milliseconds(Int64((timeout * 1000).rounded(.up))))
        switch outcome {
        case .failedToStart(let reason):
            throw .apiKeyCommandFailed(command: command, reason: "could not be started: \(reason)")
        case .timedOut:
            throw .apiKeyCommandTimedOut(command: command, seconds: timeout)
        case .exited(let status, let data):
            let text = String(decoding: data, as: UTF8.self)
            environment.secrets.remember(text)
            guard status == 0 else {
                throw .apiKeyCommandFailed(command: command, reason: "exited with status \(status)")
            }
            var line = Substring(text.prefix { $0 != "\n" && $0 != "\r\n" })
            if line.hasSuffix("\r") { line.removeLast() }
            let key = line.trimmingCharacters(in: .whitespaces)
            environment.secrets.remember(key)
            guard !key.isEmpty else {
                throw .apiKeyCommandFailed(
                    command: command, reason: text.isEmpty ? "printed nothing" : "printed nothing on its first line")
            }
            try check(key, source: "the first line printed by api_key_command '\(command)'")
            return key
        }
    }
}

/// How long a request may wait for the server: `CONVO_REQUEST_TIMEOUT`, else the `request_timeout` setting, else
/// 600 s (as the providers' SDKs allow). A non-streamed `say` waits this long for the whole answer, a streamed
/// one this long for the stream to begin and between its events; lookups (`fetch`, `gc --remote`, `models`) wait
/// at most 120 s of it.
public struct RequestTimeout: Sendable, Equatable {
    /// The variable that overrides `request_timeout` for one command.
    public static let variable = "CONVO_REQUEST_TIMEOUT"
    /// The timeout when neither the variable nor the setting gives one.
    public static let defaultSeconds: Double = 600

    /// The seconds allowed.
    public var seconds: Double
    /// Where they come from: `request_timeout`, `CONVO_REQUEST_TIMEOUT`, or nil for the default.
    public var source: String?

    /// A timeout of `seconds` from `source`.
    public init(seconds: Double, source: String?) {
        self.seconds = seconds
        self.source = source
    }

    /// The timeout as a `Duration`.
    public var duration: Duration { .milliseconds(Int64((seconds * 1000).rounded(.up))) }

    /// Resolves the timeout from the checked settings and the environment; a bad `CONVO_REQUEST_TIMEOUT` is
    /// ``ConvoError/invalidConfigValue(key:value:reason:)`` naming the variable.
    public static func resolve(config: [ConfigKey: String], variables: [String: String]) throws -> RequestTimeout {
        if let text = variables[variable], !text.isEmpty {
            return RequestTimeout(seconds: try seconds(text, name: variable), source: variable)
        }
        if let text = config[.requestTimeout] {
            return RequestTimeout(seconds: try seconds(text, name: ConfigKey.requestTimeout.rawValue), source: ConfigKey.requestTimeout.rawValue)
        }
        return RequestTimeout(seconds: defaultSeconds, source: nil)
    }

    /// `text` as a timeout in seconds: a number greater than 0 and at most a day.
    public static func seconds(_ text: String, name: String = ConfigKey.requestTimeout.rawValue) throws -> Double {
        guard let seconds = Double(text), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
            throw ConvoError.invalidConfigValue(
                key: name, value: text, reason: "expected a number of seconds greater than 0 and at most 86400")
        }
        return seconds
    }

    /// The most a lookup (`fetch`, `gc --remote`, `models`) waits, whatever the setting allows: the client's
    /// `ResponsesClient.lookupTimeoutLimit`.
    public static let lookupLimit = Double(ResponsesClient.lookupTimeoutLimit.components.seconds)
    /// The `source` of a timeout cut to ``lookupLimit``.
    static let lookupSource = "the lookup limit"

    /// The timeout a lookup works with: this one, or ``lookupLimit`` when this one is longer, so that a message
    /// names the wait that applied and does not suggest a setting that cannot lengthen it.
    public var forLookups: RequestTimeout {
        seconds > Self.lookupLimit ? RequestTimeout(seconds: Self.lookupLimit, source: Self.lookupSource) : self
    }

    /// Whether this is ``lookupLimit`` standing in for a longer setting.
    var isLookupLimit: Bool { source == Self.lookupSource }

    /// How a message names the value: "request_timeout 5", "CONVO_REQUEST_TIMEOUT=5" or "the default".
    var described: String {
        let value = secondsText(seconds, unit: false)
        switch source {
        case nil: return "the default request_timeout"
        case Self.lookupSource: return "a lookup waits at most \(value) s, whatever request_timeout allows"
        case Self.variable: return "\(Self.variable)=\(value)"
        default: return "request_timeout \(value)"
        }
    }
}
