import Foundation

/// A Responses API server family whose quirks convo knows about.
public enum Provider: String, Sendable, CaseIterable {
    /// xAI (`api.x.ai`), the default.
    case xai
    /// OpenAI (`api.openai.com`).
    case openai
    /// Any other server speaking the Responses API, reached by base URL.
    case custom
}

/// Where a provider lives, where its key comes from, and how it treats instructions.
public struct ProviderProfile: Sendable, Equatable {
    /// The provider this profile describes.
    public var provider: Provider
    /// The API root that `/responses` is appended to.
    public var baseURL: URL
    /// The environment variable that holds the API key.
    public var apiKeyEnvironmentVariable: String
    /// The model used when the user names none.
    public var defaultModel: String

    /// Creates a profile from its parts.
    public init(provider: Provider, baseURL: URL, apiKeyEnvironmentVariable: String, defaultModel: String) {
        self.provider = provider
        self.baseURL = baseURL
        self.apiKeyEnvironmentVariable = apiKeyEnvironmentVariable
        self.defaultModel = defaultModel
    }

    /// xAI: `https://api.x.ai/v1`, key in `XAI_API_KEY`, model `grok-4`.
    public static let xai = ProviderProfile(
        provider: .xai, baseURL: URL(string: "https://api.x.ai/v1")!,
        apiKeyEnvironmentVariable: "XAI_API_KEY", defaultModel: "grok-4")

    /// OpenAI: `https://api.openai.com/v1`, key in `OPENAI_API_KEY`, model `gpt-4.1-mini`.
    public static let openai = ProviderProfile(
        provider: .openai, baseURL: URL(string: "https://api.openai.com/v1")!,
        apiKeyEnvironmentVariable: "OPENAI_API_KEY", defaultModel: "gpt-4.1-mini")

    /// Another Responses-compatible server; its key is read from `CONVO_API_KEY`.
    public static func custom(baseURL: URL, defaultModel: String) -> ProviderProfile {
        ProviderProfile(
            provider: .custom, baseURL: baseURL,
            apiKeyEnvironmentVariable: "CONVO_API_KEY", defaultModel: defaultModel)
    }

    /// The instructions to put in a request, if any.
    ///
    /// OpenAI does not carry instructions over a `previous_response_id` chain, so they go
    /// out on every turn (custom servers are treated the same way). xAI rejects
    /// instructions together with `previous_response_id` and keeps the first turn's
    /// system prompt, so for xAI they only go out on a turn without one.
    public func instructionsToSend(_ instructions: String?, hasPreviousResponse: Bool) -> String? {
        guard let instructions, !instructions.isEmpty else { return nil }
        switch provider {
        case .xai: return hasPreviousResponse ? nil : instructions
        case .openai, .custom: return instructions
        }
    }

    /// Checks that a base URL is safe to send an API key to, and returns it.
    ///
    /// `https` is always accepted. Plain `http` is accepted only for loopback hosts
    /// (`127.0.0.1`, `::1`, `localhost`) unless `allowInsecureHTTP` is set, because the
    /// key would otherwise cross the network in clear text.
    public static func validateBaseURL(_ string: String, allowInsecureHTTP: Bool = false) throws(BaseURLError)
        -> URL
    {
        guard let url = URL(string: string), let scheme = url.scheme?.lowercased(),
            let host = url.host, !host.isEmpty
        else { throw .malformed(string) }
        switch scheme {
        case "https":
            return url
        case "http":
            let loopback: Set = ["127.0.0.1", "::1", "[::1]", "localhost"]
            if allowInsecureHTTP || loopback.contains(host.lowercased()) { return url }
            throw .insecureHTTP(string)
        default:
            throw .unsupportedScheme(string)
        }
    }
}

/// Why a base URL was refused.
public enum BaseURLError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not an absolute URL with a host.
    case malformed(String)
    /// Plain `http` to a host that is not loopback.
    case insecureHTTP(String)
    /// A scheme other than `http` or `https`.
    case unsupportedScheme(String)

    /// A message naming the URL and what to do about it.
    public var description: String {
        switch self {
        case .malformed(let url):
            "'\(url)' is not a valid base URL: give a full URL such as https://api.x.ai/v1"
        case .insecureHTTP(let url):
            "refusing to send the API key over plain http to '\(url)': use https, or allow insecure http explicitly"
        case .unsupportedScheme(let url):
            "'\(url)' has an unsupported scheme: use https:// (or http:// to a loopback address)"
        }
    }
}
