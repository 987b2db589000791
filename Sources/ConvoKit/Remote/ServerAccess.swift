import ConvoStore
import Foundation
import ResponsesAPI

/// Reaching the server a stored response lives at: its origin, with the key resolved as `say` resolves it.
struct ServerAccess {
    let workspace: Workspace
    let config: [ConfigKey: String]
    /// The endpoint `say` would use now, if the settings are complete.
    let configured: APIEndpoint?

    init(_ workspace: Workspace) throws {
        self.workspace = workspace
        config = try workspace.repository.read { reader in
            try ConfigKey.stored(reader)
        }
        configured = try? Settings.endpoint(config, workspace.environment, allowInsecureHTTP: false)
    }

    /// The provider profile for an origin: the configured one when it matches, else the one whose host it is
    /// (api.x.ai, api.openai.com), else a custom server whose key comes from `CONVO_API_KEY`.
    func profile(forOrigin origin: String) throws(SayError) -> ProviderProfile {
        if let configured, configured.origin == APIEndpoint.normalizedOrigin(origin) { return configured.profile }
        let url: URL
        do {
            url = try ProviderProfile.validateBaseURL(origin)
        } catch {
            throw .unsafeBaseURL(error)
        }
        var profile: ProviderProfile = switch url.host?.lowercased() ?? "" {
        case "api.x.ai": .xai
        case "api.openai.com": .openai
        default: .custom(baseURL: url, defaultModel: ProviderProfile.xai.defaultModel)
        }
        profile.baseURL = url
        return profile
    }

    /// Runs `body` with a client for `origin`, the key resolved as `say` does (never printed).
    func withClient<T: Sendable>(origin: String, _ body: (any ResponsesService) async throws -> T) async throws -> T {
        let profile = try profile(forOrigin: origin)
        let key = try APIKey.resolve(profile: profile, environment: workspace.environment, config: config)
        // gc's requests (retrieve, delete) are lookups: they wait at most the lookup limit.
        let timeout = try RequestTimeout.resolve(config: config, variables: workspace.environment.variables).forLookups
        return try await workspace.environment.withService(baseURL: profile.baseURL, apiKey: key, timeout: timeout, body)
    }
}
