import ConvoStore
import Foundation
import ResponsesAPI

/// One model the server offers, for `convo models`.
public struct ModelEntry: Sendable, Equatable, Encodable {
    /// The id to give `--model` or `config model`.
    public var id: String
    /// When the server says it was created (unix seconds).
    public var created: Int64?
    /// Who owns it, as the server says.
    public var ownedBy: String?
    /// Whether it is the model the next `say` asks for.
    public var isDefault: Bool

    /// `{"id", "created", "owned_by", "default"}`.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("id", id)
        try json.set("created", created)
        try json.set("owned_by", ownedBy)
        try json.set("default", isDefault)
    }
}

/// `convo models`: the server's list, sorted by id, and the model the next `say` uses.
public struct ModelsResult: Sendable {
    /// The models, sorted by id.
    public var models: [ModelEntry]
    /// The model the next `say` asks for.
    public var defaultModel: String
    /// Where that model comes from (`config model`, `provider default`, `preset NAME of the branch`).
    public var defaultSource: String
    /// The server asked.
    public var origin: String
}

/// Asking the server which models there are.
public enum Models {
    /// `GET /models` of the server `say` would use (settings as `say` resolves them: config, `CONVO_BASE_URL`,
    /// the key), marking the model the next `say` on HEAD's branch asks for. With no repository at all, the
    /// defaults of the provider a new repository would get are used and nothing is created.
    public static func list(_ environment: ConvoEnvironment, workspace: Workspace?, allowInsecureHTTP: Bool) async throws -> ModelsResult {
        let (config, branchPreset) = try workspace?.repository.read { reader in
            (try ConfigKey.stored(reader), try reader.head().branch.flatMap { try Presets.ofBranch($0, reader) })
        } ?? ([.provider: APIEndpoint.providerForNewRepository(environment.variables).rawValue], nil)
        let endpoint = try Settings.endpoint(config, environment, allowInsecureHTTP: allowInsecureHTTP)
        let choices = Presets.plainSay(branch: branchPreset, endpoint: endpoint, configuredModel: config[.model])
        let key = try APIKey.resolve(profile: endpoint.profile, environment: environment, config: config)
        let timeout = try RequestTimeout.resolve(config: config, variables: environment.variables).forLookups
        let models = try await environment.withService(baseURL: endpoint.profile.baseURL, apiKey: key, timeout: timeout) {
            try await $0.models()
        }
        return ModelsResult(
            models: models.sorted { $0.id < $1.id }.map {
                ModelEntry(id: $0.id, created: $0.created, ownedBy: $0.ownedBy, isDefault: $0.id == choices.model)
            },
            defaultModel: choices.model, defaultSource: choices.modelSource, origin: endpoint.origin)
    }
}
