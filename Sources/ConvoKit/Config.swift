import ConvoStore
import Foundation

extension Setup {
    /// The value of one setting, or nil when unset.
    public static func get(_ workspace: Workspace, key: String) throws -> String? {
        if ContextWindow.isConfigKey(key) { return try workspace.repository.read { try $0.config(key) } }
        if let price = try PriceKey.parse(key) { return try workspace.repository.read { try $0.config(price.name) } }
        let key = try storedKey(key)
        return try workspace.repository.read { try $0.config(key) }
    }

    /// Sets one setting after validating it.
    public static func set(_ workspace: Workspace, key text: String, value: String) throws {
        if ContextWindow.isConfigKey(text) {
            try ContextWindow.validate(key: text, value: value)
            return try workspace.repository.write { try $0.setConfig(text, value) }
        }
        if let price = try PriceKey.parse(text) {
            _ = try price.value(value)
            return try workspace.repository.write { try $0.setConfig(price.name, value) }
        }
        if let key = try NamedConfigKey.parse(text) {
            try key.validate(value)
            try workspace.repository.write { try $0.setConfig(key.rawValue, value) }
            return
        }
        let key = try ConfigKey.parse(text)
        try key.validate(value)
        try workspace.repository.write { try $0.setConfig(key.rawValue, value) }
    }

    /// Removes one setting; returns whether it was set.
    public static func unset(_ workspace: Workspace, key: String) throws -> Bool {
        if ContextWindow.isConfigKey(key) { return try workspace.repository.write { try $0.unsetConfig(key) } }
        if let price = try PriceKey.parse(key) { return try workspace.repository.write { try $0.unsetConfig(price.name) } }
        let key = try storedKey(key)
        return try workspace.repository.write { try $0.unsetConfig(key) }
    }

    /// The key as it is stored: one of ``ConfigKey``, a preset's field or a branch's preset.
    private static func storedKey(_ text: String) throws -> String {
        try NamedConfigKey.parse(text)?.rawValue ?? ConfigKey.parse(text).rawValue
    }

    /// Every setting.
    public static func list(_ workspace: Workspace) throws -> [(key: String, value: String)] {
        try workspace.repository.read { try $0.configEntries() }
    }
}
