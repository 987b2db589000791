import ConvoStore
import Foundation

/// What `convo init` was asked to set.
public struct InitOptions: Sendable {
    /// The default model.
    public var model: String?
    /// `xai`, `openai` or `custom`.
    public var provider: String?
    /// The API base URL.
    public var baseURL: String?
    /// The instructions for new conversations.
    public var instructions: String?

    /// Creates init options.
    public init(model: String? = nil, provider: String? = nil, baseURL: String? = nil, instructions: String? = nil) {
        self.model = model
        self.provider = provider
        self.baseURL = baseURL
        self.instructions = instructions
    }
}

/// What `convo init` did.
public struct InitResult: Sendable, Encodable {
    /// The repository folder.
    public var path: String
    /// False when the repository already existed.
    public var created: Bool
    /// Settings written, by key.
    public var settings: [String: String]
}

/// Creating repositories and reading or changing their settings.
public enum Setup {
    /// Creates the repository (or reopens an existing one safely) and writes the given settings.
    public static func initialize(_ environment: ConvoEnvironment, options: InitOptions) throws -> InitResult {
        var settings = [ConfigKey: String]()
        settings[.model] = options.model
        settings[.provider] = options.provider
        settings[.baseURL] = options.baseURL
        settings[.instructions] = options.instructions
        for (key, value) in settings { try key.validate(value) }
        let folder = Workspace.initLocation(environment)
        let (repository, created) = try Repository.create(at: folder, clock: environment.now)
        try GitIgnore.protect(folder)
        if created, settings[.provider] == nil { settings[.provider] = APIEndpoint.providerForNewRepository(environment.variables).rawValue }
        let written = settings
        try repository.write { writer in
            for (key, value) in written { try writer.setConfig(key.rawValue, value) }
        }
        return InitResult(
            path: folder.path, created: created,
            settings: Dictionary(uniqueKeysWithValues: settings.map { ($0.key.rawValue, $0.value) }))
    }
}
