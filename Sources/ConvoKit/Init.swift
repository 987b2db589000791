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

/// What `convo upgrade` did.
public struct UpgradeResult: Sendable, Encodable {
    /// The repository folder.
    public var path: String
    /// The repository format before.
    public var from: Int
    /// The repository format now.
    public var to: Int
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
        if created, settings[.provider] == nil { settings[.provider] = "xai" }
        let written = settings
        try repository.write { writer in
            for (key, value) in written { try writer.setConfig(key.rawValue, value) }
        }
        return InitResult(
            path: folder.path, created: created,
            settings: Dictionary(uniqueKeysWithValues: settings.map { ($0.key.rawValue, $0.value) }))
    }

    /// Migrates the repository to this convo's format (a read-write open does it, refilling the derived tables
    /// a migration empties) and says from which format.
    public static func upgrade(_ environment: ConvoEnvironment) throws -> UpgradeResult {
        let workspace = try Workspace.open(environment, mode: .readWrite)
        return UpgradeResult(
            path: workspace.repository.directory?.path ?? "", from: workspace.repository.openedFormat, to: Repository.currentFormat)
    }

    /// The value of one setting, or nil when unset.
    public static func get(_ workspace: Workspace, key: String) throws -> String? {
        let key = try ConfigKey.parse(key)
        return try workspace.repository.read { try $0.config(key.rawValue) }
    }

    /// Sets one setting after validating it.
    public static func set(_ workspace: Workspace, key: String, value: String) throws {
        let key = try ConfigKey.parse(key)
        try key.validate(value)
        try workspace.repository.write { try $0.setConfig(key.rawValue, value) }
    }

    /// Removes one setting; returns whether it was set.
    public static func unset(_ workspace: Workspace, key: String) throws -> Bool {
        let key = try ConfigKey.parse(key)
        return try workspace.repository.write { try $0.unsetConfig(key.rawValue) }
    }

    /// Every setting.
    public static func list(_ workspace: Workspace) throws -> [(key: String, value: String)] {
        try workspace.repository.read { try $0.configEntries() }
    }
}
