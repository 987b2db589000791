import ConvoStore
import Foundation

/// An opened repository together with the environment it was opened in: what every use case works on.
public struct Workspace: Sendable {
    /// The repository.
    public let repository: Repository
    /// The outside world.
    public let environment: ConvoEnvironment
    /// Which repository this is and why (nil for one opened directly, as tests do).
    public var choice: RepositoryChoice?

    /// Creates a workspace over an already opened repository (tests use in-memory ones).
    public init(repository: Repository, environment: ConvoEnvironment) {
        self.repository = repository
        self.environment = environment
    }

    /// Finds and opens the repository of the environment's working folder (or `$CONVO_DIR`, else the home
    /// repository, which `createHome` creates when it is missing): read-only for commands that only read
    /// (nothing is written, not even a migration), read-write for the others.
    /// `light`: see ``Repository/open(at:mode:light:clock:)``.
    public static func open(
        _ environment: ConvoEnvironment, mode: AccessMode = .readWrite, light: Bool = false, createHome: Bool = false
    ) throws -> Workspace {
        let (folder, choice) = try HomeRepository.choose(environment, create: createHome)
        var workspace = Workspace(
            repository: try Repository.open(at: folder, mode: mode, light: light, clock: environment.now), environment: environment)
        workspace.choice = choice
        return workspace
    }

    /// The folder `init` creates: `$CONVO_DIR`, or `.convo` in the working folder.
    public static func initLocation(_ environment: ConvoEnvironment) -> URL {
        if let explicit = environment.variables["CONVO_DIR"], !explicit.isEmpty { return environment.path(explicit) }
        return environment.path(Repository.folderName)
    }
}

/// The settings a repository keeps in its config table.
public enum ConfigKey: String, CaseIterable, Sendable {
    /// The model asked for by default.
    case model
    /// `xai`, `openai` or `custom`.
    case provider
    /// The API base URL, overriding the provider's.
    case baseURL = "base_url"
    /// The instructions (system prompt) sent with new conversations.
    case instructions
    /// How long the server keeps a stored response, in days.
    case retentionDays = "retention_days"
    /// A shell command that prints the API key.
    case apiKeyCommand = "api_key_command"
    /// Seconds `api_key_command` may run before it is stopped (default 30).
    case apiKeyCommandTimeout = "api_key_command_timeout"
    /// Seconds a request may wait for the server (default 600; `CONVO_REQUEST_TIMEOUT` overrides it).
    case requestTimeout = "request_timeout"
    /// Days a reflog entry is kept (default 90).
    case reflogExpireDays = "reflog_expire_days"
    /// Days a reflog entry naming an unreachable turn is kept (default 30).
    case reflogExpireUnreachableDays = "reflog_expire_unreachable_days"
    /// This repository's machine name on git remotes (`refs/heads/<name>/<branch>`); chosen on first push or pull.
    case syncName = "sync.name"
    /// What a replay that does not fit the context window does: `compact` (default), `truncate` or `fail`.
    case replayStrategy = "replay_strategy"
    /// Tokens past which a conversation is compacted: OpenAI does it on the server (`context_management`); on
    /// other providers convo compacts before the say that would pass it.
    case compactThreshold = "compact_threshold"

    /// Parses a key, naming the known keys when it is unknown.
    public static func parse(_ text: String) throws -> ConfigKey {
        guard let key = ConfigKey(rawValue: text) ?? ConfigKey(rawValue: text.replacingOccurrences(of: "-", with: "_")) else {
            throw ConvoError.unknownConfigKey(text)
        }
        return key
    }

    /// Checks a value for this key.
    public func validate(_ value: String) throws {
        switch self {
        case .provider:
            guard ["xai", "openai", "custom"].contains(value) else {
                throw ConvoError.invalidConfigValue(key: rawValue, value: value, reason: "expected xai, openai or custom")
            }
        case .baseURL:
            guard let url = URL(string: value), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil else {
                throw ConvoError.invalidConfigValue(key: rawValue, value: value, reason: "expected an http(s) URL such as https://api.x.ai/v1")
            }
        case .retentionDays, .reflogExpireDays, .reflogExpireUnreachableDays:
            guard let days = Int(value), Self.days.contains(days) else {
                throw ConvoError.invalidConfigValue(
                    key: rawValue, value: value,
                    reason: "expected a whole number of days from \(Self.days.lowerBound) to \(Self.days.upperBound)")
            }
        case .model, .apiKeyCommand:
            guard !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw ConvoError.invalidConfigValue(key: rawValue, value: value, reason: "it is empty")
            }
        case .apiKeyCommandTimeout:
            _ = try APIKey.commandTimeout(value)
        case .requestTimeout:
            _ = try RequestTimeout.seconds(value)
        case .syncName:
            guard (try? BranchName(value)) != nil, !value.contains("/"), !value.contains("@"), !value.hasPrefix("-") else {
                throw ConvoError.invalidConfigValue(
                    key: rawValue, value: value, reason: "expected one ref component such as 'laptop' (no '/', '@' or leading '-')")
            }
        case .instructions:
            break
        case .replayStrategy:
            guard ReplayStrategy(rawValue: value) != nil else {
                throw ConvoError.invalidConfigValue(key: rawValue, value: value, reason: "expected compact, truncate or fail")
            }
        case .compactThreshold:
            guard let tokens = Int(value), tokens >= 1 else {
                throw ConvoError.invalidConfigValue(key: rawValue, value: value, reason: "expected a whole number of tokens, at least 1")
            }
        }
    }
}
