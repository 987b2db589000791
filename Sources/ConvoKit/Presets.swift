import ConvoStore
import Foundation

/// A named set of say options kept in the repository's config (`preset.NAME.instructions`, `.model`,
/// `.temperature`), used with `say --preset NAME`, set on a branch with `branch --preset NAME BRANCH`, or
/// chosen in a chat session with `/preset NAME`.
public struct Preset: Sendable, Equatable, Encodable {
    /// The settings a preset may hold: the last part of its config keys.
    public enum Field: String, CaseIterable, Sendable {
        /// The instructions (system prompt); sent as `config instructions` is, so each provider's rule holds.
        case instructions
        /// The model to ask.
        case model
        /// The sampling temperature, 0 to 2.
        case temperature
    }

    /// Its name.
    public var name: String
    /// Its instructions, if it sets them.
    public var instructions: String?
    /// Its model, if it sets one.
    public var model: String?
    /// Its temperature, if it sets one.
    public var temperature: Double?

    /// Creates a preset.
    public init(name: String, instructions: String? = nil, model: String? = nil, temperature: Double? = nil) {
        self.name = name
        self.instructions = instructions
        self.model = model
        self.temperature = temperature
    }

    /// `{"name", "instructions", "model", "temperature"}`, unset fields null.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("name", name)
        try json.set("instructions", instructions)
        try json.set("model", model)
        try json.set("temperature", temperature)
    }

    /// The config key of one of its fields.
    public static func key(_ name: String, _ field: Field) -> String { "preset.\(name).\(field.rawValue)" }

    /// Checks a preset name: letters, digits, `-` and `_`, at most 64 (dots would make its keys ambiguous).
    public static func validate(name: String) throws(PresetError) {
        guard isValid(name: name) else { throw .invalidName(name) }
    }

    /// Whether `name` is a valid preset name (see ``validate(name:)``).
    public static func isValid(name: String) -> Bool {
        !name.isEmpty && name.count <= 64
            && name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
    }
}

/// Why a preset could not be used.
public enum PresetError: Error, Equatable, Sendable, CustomStringConvertible {
    /// `--preset NAME` (or a branch's preset) names no preset: no `preset.NAME.*` key is set.
    case notDefined(name: String, defined: [String])
    /// A preset name with characters other than letters, digits, `-` and `_`, empty, or over 64 characters.
    case invalidName(String)

    /// The message, naming the preset and the next step.
    public var description: String {
        switch self {
        case .notDefined(let name, let defined):
            "no preset '\(name)'\nhint: define it with: convo config preset.\(name).instructions \"…\" (or .model, .temperature)"
                + (defined.isEmpty ? "" : "\nhint: defined presets: \(defined.joined(separator: ", "))")
        case .invalidName(let name):
            "invalid preset name '\(name)': use letters, digits, '-' and '_' (at most 64)"
        }
    }
}

/// A config key that is not one of ``ConfigKey``'s: a preset's field or a branch's preset.
public enum NamedConfigKey: Equatable, Sendable {
    /// `preset.NAME.FIELD`.
    case preset(name: String, field: Preset.Field)
    /// `branch.BRANCH.preset`: the preset say uses on that branch.
    case branchPreset(BranchName)

    /// The key as stored.
    public var rawValue: String {
        switch self {
        case .preset(let name, let field): Preset.key(name, field)
        case .branchPreset(let branch): "branch.\(branch.rawValue).preset"
        }
    }

    /// Parses `preset.NAME.FIELD` or `branch.BRANCH.preset`; nil for any other key. A key of that shape with a bad
    /// part (an unknown field, a bad name) is an error naming it.
    public static func parse(_ text: String) throws -> NamedConfigKey? {
        if text.hasPrefix("preset.") {
            let rest = text.dropFirst("preset.".count)
            guard let dot = rest.lastIndex(of: "."), let field = Preset.Field(rawValue: String(rest[rest.index(after: dot)...])) else {
                throw ConvoError.unknownConfigKey(text)
            }
            let name = String(rest[..<dot])
            try Preset.validate(name: name)
            return .preset(name: name, field: field)
        }
        if text.hasPrefix("branch."), text.hasSuffix(".preset"), text.count > "branch..preset".count {
            return .branchPreset(try BranchName(String(text.dropFirst("branch.".count).dropLast(".preset".count))))
        }
        return nil
    }

    /// Checks a value for this key.
    public func validate(_ value: String) throws {
        switch self {
        case .preset(_, .instructions): break
        case .preset(_, .model):
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConvoError.invalidConfigValue(key: rawValue, value: value, reason: "it is empty")
            }
        case .preset(_, .temperature):
            guard Presets.temperature(value) != nil else {
                throw ConvoError.invalidConfigValue(key: rawValue, value: value, reason: "expected a number from 0 to 2")
            }
        case .branchPreset: try Preset.validate(name: value)
        }
    }
}

/// The model, instructions and temperature a say sends, once options, presets, a regenerated turn and config
/// have each had their say.
public struct SayChoices: Equatable, Sendable {
    /// The model.
    public var model: String
    /// Where the model comes from, for a person: `--model`, `preset NAME`, `config model`, `provider default`, …
    public var modelSource: String
    /// The instructions (nil: none).
    public var instructions: String?
    /// The temperature (nil: the server's).
    public var temperature: Double?
}

/// Reading and applying presets.
public enum Presets {
    /// A temperature as a preset stores it: a number from 0 to 2 (as `say --temperature` takes).
    public static func temperature(_ text: String) -> Double? {
        guard let value = Double(text), value.isFinite, (0...2).contains(value) else { return nil }
        return value
    }

    /// Every defined preset (one with at least one `preset.NAME.*` key), sorted by name. A stored temperature out
    /// of range is ``ConvoError/invalidStoredConfig(key:value:reason:)``.
    public static func all(_ reader: StoreReader) throws -> [Preset] {
        var presets = [String: Preset]()
        for (key, value) in try reader.configEntries() {
            guard case .preset(let name, let field)? = try? NamedConfigKey.parse(key) else { continue }
            var preset = presets[name] ?? Preset(name: name)
            switch field {
            case .instructions: preset.instructions = value
            case .model: preset.model = value
            case .temperature:
                guard let number = temperature(value) else {
                    throw ConvoError.invalidStoredConfig(key: key, value: value, reason: "expected a number from 0 to 2")
                }
                preset.temperature = number
            }
            presets[name] = preset
        }
        return presets.values.sorted { $0.name < $1.name }
    }

    /// The preset named `name`, or ``PresetError/notDefined(name:defined:)`` listing those that are.
    public static func named(_ name: String, _ reader: StoreReader) throws -> Preset {
        try Preset.validate(name: name)
        let presets = try all(reader)
        guard let preset = presets.first(where: { $0.name == name }) else {
            throw PresetError.notDefined(name: name, defined: presets.map(\.name))
        }
        return preset
    }

    /// The preset named `name` in the workspace's repository: what a chat session's `/preset NAME` checks
    /// before it puts the name into its next ``SayOptions/preset``.
    public static func named(_ name: String, in workspace: Workspace) throws -> Preset {
        try workspace.repository.read { try named(name, $0) }
    }

    /// Every defined preset of the workspace's repository.
    public static func list(_ workspace: Workspace) throws -> [Preset] {
        try workspace.repository.read { try all($0) }
    }

    /// The preset set on `branch` (`branch.BRANCH.preset`), resolved; nil when none is set.
    public static func ofBranch(_ branch: BranchName, _ reader: StoreReader) throws -> Preset? {
        let key = NamedConfigKey.branchPreset(branch).rawValue
        guard let name = try reader.config(key) else { return nil }
        // The preset was removed after the branch was given it: the setting names what is missing.
        guard Preset.isValid(name: name), let preset = try all(reader).first(where: { $0.name == name }) else {
            throw ConvoError.invalidStoredConfig(key: key, value: name, reason: "no preset '\(name)' is defined (convo config preset.\(name).instructions …)")
        }
        return preset
    }

    /// `convo branch --preset NAME BRANCH`: say uses the preset on that branch from now on. The preset must exist,
    /// and the branch too (or be HEAD's branch, still without turns).
    public static func setOnBranch(_ workspace: Workspace, branch text: String?, preset name: String) throws -> (BranchName, Preset) {
        let named = try text.map { try Navigation.existingBranch(workspace, $0) }
        return try workspace.repository.write { writer in
            guard let branch = try named ?? writer.read.head().branch else {
                throw StoreError.invalidRevision("HEAD", reason: "HEAD is detached; name the branch: convo branch --preset \(name) BRANCH")
            }
            // HEAD's branch before its first turn has no ref yet, but a say will grow it.
            guard try writer.read.target(of: branch.refName) != nil || writer.read.head().branch == branch else {
                throw StoreError.branchNotFound(branch.rawValue)
            }
            let preset = try Self.named(name, writer.read)
            try writer.setConfig(NamedConfigKey.branchPreset(branch).rawValue, preset.name)
            return (branch, preset)
        }
    }

    /// `say --new --preset NAME`: the new conversation keeps the preset (`branch.NEW.preset`), so its later turns
    /// ask the same model with the same instructions (which OpenAI needs on every turn). Only when the branch was
    /// created for this turn and the answer is on it.
    static func keep(_ options: SayOptions, on branch: BranchName?, placement: HeadAdvance, writer: StoreWriter) throws {
        guard options.start == .new, let preset = options.preset, let branch, case .branchMoved(let moved) = placement, moved == branch
        else { return }
        try writer.setConfig(NamedConfigKey.branchPreset(branch).rawValue, preset)
    }

    /// What a plain `say` on a branch with `branch` as its preset sends: what `status` and `models` name.
    public static func plainSay(branch: Preset?, endpoint: APIEndpoint, configuredModel: String?) -> SayChoices {
        choose(options: SayOptions(message: ""), explicit: nil, regeneration: nil, branch: branch, endpoint: endpoint, configuredModel: configuredModel)
    }

    /// Decides what a say sends. Each value comes from the first of: the option given (`--model`,
    /// `--instructions`, `--temperature`), the preset named by `--preset`, the turn `--regenerate` asks again,
    /// the branch's preset, config (instructions, model), the provider's default model.
    public static func choose(
        options: SayOptions, explicit: Preset?, regeneration: Regeneration?, branch: Preset?, endpoint: APIEndpoint,
        configuredModel: String?
    ) -> SayChoices {
        let (model, source): (String, String) =
            if let model = options.model { (model, "--model") }
            else if let model = explicit?.model { (model, "preset \(explicit?.name ?? "")") }
            else if let model = regeneration?.model { (model, "the regenerated turn") }
            else if let model = branch?.model { (model, "preset \(branch?.name ?? "") of the branch") }
            else if configuredModel != nil { (endpoint.model, "config model") }
            else { (endpoint.model, "provider default") }
        // A regenerated turn's instructions stand even when it had none.
        let instructions: String? =
            if let given = options.instructions ?? explicit?.instructions { given }
            else if let regeneration { regeneration.instructions }
            else { branch?.instructions ?? endpoint.instructions }
        let temperature = options.temperature ?? explicit?.temperature ?? regeneration?.temperature ?? branch?.temperature
        return SayChoices(model: model, modelSource: source, instructions: instructions, temperature: temperature)
    }
}

extension Completion {
    /// Every defined preset name that starts with `prefix`, for `--preset`'s tab completion.
    public static func presets(_ workspace: Workspace, prefix: String) throws -> [String] {
        try workspace.repository.read { reader in try Presets.all(reader).map(\.name).filter { $0.hasPrefix(prefix) } }
    }
}
