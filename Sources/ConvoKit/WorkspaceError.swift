import Foundation

/// No repository could be found or used for a command.
public enum WorkspaceError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `.convo/` upward of `searchedFrom`, and the home repository (`home`, nil when neither
    /// `XDG_DATA_HOME` nor `HOME` is set) does not exist yet; only `say` creates it.
    case notARepository(searchedFrom: String, home: String?)

    /// A message naming where convo looked and what creates a repository.
    public var description: String {
        switch self {
        case .notARepository(let folder, let home?):
            "not a convo repository (or any parent up to /): \(folder), and the home repository \(home) does not exist yet"
                + "\nhint: 'convo say MESSAGE' creates the home repository; 'convo init' creates one here"
        case .notARepository(let folder, nil):
            "not a convo repository (or any parent up to /): \(folder)"
                + "\nhint: run 'convo init' to create one here, or set CONVO_DIR or pass -C <dir>"
        }
    }
}
