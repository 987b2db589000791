import ConvoStore
import Foundation

extension Setup {
    /// The value of one setting, or nil when unset.
    public static func get(_ workspace: Workspace, key: String) throws -> String? {
        if let price = try PriceKey.parse(key) { return try workspace.repository.read { try $0.config(price.name) } }
        let key = try ConfigKey.parse(key)
        return try workspace.repository.read { try $0.config(key.rawValue) }
    }

    /// Sets one setting after validating it.
    public static func set(_ workspace: Workspace, key: String, value: String) throws {
        if let price = try PriceKey.parse(key) {
            _ = try price.value(value)
            return try workspace.repository.write { try $0.setConfig(price.name, value) }
        }
        let key = try ConfigKey.parse(key)
        try key.validate(value)
        try workspace.repository.write { try $0.setConfig(key.rawValue, value) }
    }

    /// Removes one setting; returns whether it was set.
    public static func unset(_ workspace: Workspace, key: String) throws -> Bool {
        if let price = try PriceKey.parse(key) { return try workspace.repository.write { try $0.unsetConfig(price.name) } }
        let key = try ConfigKey.parse(key)
        return try workspace.repository.write { try $0.unsetConfig(key.rawValue) }
    }

    /// Every setting.
    public static func list(_ workspace: Workspace) throws -> [(key: String, value: String)] {
        try workspace.repository.read { try $0.configEntries() }
    }
}
