import ConvoStore
import ResponsesAPI

/// What a typed error of the layers below means for a person's next step; the command line turns each kind
/// into its documented exit status (README.md, "Exit codes"), without knowing the store's or client's errors.
public enum ErrorKind: Sendable, Equatable, CaseIterable {
    /// The command ran but refused (a branch exists, a ref moved, the store is busy).
    case failure
    /// Bad arguments, options or settings.
    case usage
    /// Not in a repository, or the database is damaged, foreign or of another format.
    case notARepository
    /// A revision, branch, reflog entry or response that does not exist, or is ambiguous.
    case revisionNotFound
    /// Input data (an import file, a message) is invalid; nothing was written.
    case invalidInput
    /// The API server refused the request.
    case apiError
    /// The API key is missing or was rejected.
    case authError
    /// The server could not be reached, or the connection broke.
    case networkError
    /// An answer arrived but could not be saved; it was written to a rescue file.
    case answerNotSaved
    /// Interrupted by SIGINT.
    case interrupted

    /// The kind of a typed error of convo's own layers, or nil for any other error (the argument parser's).
    public static func of(_ error: Error) -> ErrorKind? {
        switch error {
        case let error as StoreError:
            switch error {
            case .notARepository, .corruptDatabase, .foreignDatabase, .permissionDenied, .readOnlyRepository, .newerFormat,
                .outdatedFormat, .emptyStore, .corruptObject, .hashMismatch, .staleIndex:
                .notARepository
            case .unknownRevision, .ambiguousRevision, .noSuchAncestor, .reflogEntryNotFound, .branchNotFound, .unbornBranch, .notATurn:
                .revisionNotFound
            case .invalidRevision, .invalidRefName, .invalidSearchQuery: .usage
            case .branchExists, .cannotDeleteCurrentBranch, .branchNotMerged, .refMoved, .objectNotFound, .busy, .database:
                .failure
            }
        case let error as ConvoError:
            switch error {
            case .invalidTranscript, .unreadableFile, .invalidDatabaseRow: .invalidInput
            case .unknownConfigKey, .invalidConfigValue, .invalidOption: .usage
            case .invalidStoredConfig: .failure
            }
        case let error as SayError:
            switch error {
            case .missingAPIKey, .apiKeyCommandFailed, .invalidAPIKey, .apiKeyCommandTimedOut: .authError
            case .missingBaseURL, .unsafeBaseURL: .usage
            case .emptyMessage, .invalidMessageEncoding: .invalidInput
            case .editorFailed, .branchExists: .failure
            case .interrupted: .interrupted
            case .streamBroken: .networkError
            case .responseFailed: .apiError
            case .answerNotSaved: .answerNotSaved
            }
        case let error as FetchError:
            switch error {
            case .responseNotFound: .revisionNotFound
            case .cycle: .apiError
            }
        default:
            switch APIFailure.kind(of: error) {
            case .authentication?: .authError
            case .network?: .networkError
            case .server?: .apiError
            case nil: nil
            }
        }
    }
}
