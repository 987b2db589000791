import ConvoStore
import Foundation

/// Which repository a command works on, and why: what `status` reports.
public enum RepositoryChoice: Equatable, Sendable, CustomStringConvertible {
    /// The folder `$CONVO_DIR` names.
    case convoDir(String)
    /// A project's `.convo/`, found in the working folder or a parent of it.
    case found(String)
    /// The personal repository, used because no `.convo/` was found upward of the working folder.
    case home(String)

    /// The repository folder.
    public var path: String {
        switch self {
        case .convoDir(let path), .found(let path), .home(let path): path
        }
    }

    /// `/path (why)`, one line.
    public var description: String {
        switch self {
        case .convoDir(let path): "\(path) (from CONVO_DIR)"
        case .found(let path): "\(path) (found upward from the working folder)"
        case .home(let path): "\(path) (the home repository: no .convo/ found upward from the working folder)"
        }
    }
}

/// The home repository: one personal repository in `$XDG_DATA_HOME/convo` (default `~/.local/share/convo`)
/// used outside any project's `.convo/`, so convo works from any folder. Only `say` (and `chat`) creates it, and
/// only when a key is set; every other command uses it once it exists and otherwise says that there is no
/// repository.
public enum HomeRepository {
    /// `$XDG_DATA_HOME/convo`, else `$HOME/.local/share/convo`; nil when neither variable is set (then convo
    /// has no home repository at all and behaves as before it had one). A relative `XDG_DATA_HOME` is ignored,
    /// as the XDG Base Directory specification says.
    public static func location(_ variables: [String: String]) -> URL? {
        if let data = variables["XDG_DATA_HOME"], data.hasPrefix("/") {
            return URL(fileURLWithPath: data, isDirectory: true).appendingPathComponent("convo", isDirectory: true)
        }
        guard let home = variables["HOME"], home.hasPrefix("/") else { return nil }
        return URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".local/share/convo", isDirectory: true)
    }

    /// The repository folder for `environment` and why: `$CONVO_DIR`, a `.convo/` found upward, else the home
    /// repository when it exists or `create` is true (created with one notice line on stderr). `-C` and
    /// `CONVO_DIR` name a place explicitly, so they never fall back to the home repository.
    static func choose(_ environment: ConvoEnvironment, create: Bool) throws -> (URL, RepositoryChoice) {
        let explicit = !(environment.variables["CONVO_DIR"] ?? "").isEmpty
        let searched: String, home: URL
        do {
            let folder = try Repository.discover(from: environment.workingDirectory, environment: environment.variables)
            return (folder, explicit ? .convoDir(folder.path) : .found(folder.path))
        } catch {
            guard case .notARepository(let folder) = error, !explicit, !environment.directoryGiven,
                let personal = location(environment.variables)
            else { throw error }
            (searched, home) = (folder, personal)
        }
        if let folder = try existing(home, environment) { return (folder, .home(folder.path)) }
        guard create else { throw WorkspaceError.notARepository(searchedFrom: searched, home: home.path) }
        // Created without a key, it would be set up for xAI, and a newcomer who then exports OPENAI_API_KEY would
        // be told XAI_API_KEY is missing, with no config to change yet.
        guard APIKey.variableNames.contains(where: { !(environment.variables[$0] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty })
        else { throw SayError.noKeyForHomeRepository(path: home.path) }
        let (repository, created) = try Repository.create(at: home, clock: environment.now)
        if created {
            let provider = APIEndpoint.providerForNewRepository(environment.variables)
            try repository.write { try $0.setConfig(ConfigKey.provider.rawValue, provider.rawValue) }
            try GitIgnore.protect(home)  // a home folder kept in git (dotfiles) must not pick up conversations
            environment.errors.line(
                "convo: created the home repository \(home.path) (no .convo/ found upward from \(searched); 'convo init' makes one for a project)")
        }
        return (home, .home(home.path))
    }

    /// The home repository's folder when its database exists (an unreadable one is an error, not absent).
    private static func existing(_ home: URL, _ environment: ConvoEnvironment) throws -> URL? {
        do {
            return try Repository.discover(from: environment.workingDirectory, environment: ["CONVO_DIR": home.path])
        } catch {
            guard case .notARepository = error else { throw error }
            return nil
        }
    }
}
