import ConvoStore

/// Stable exit codes: the one table of what each means. README.md's "Exit codes" table is this table
/// (ExitStatusTests compares them), the manual's EXIT STATUS section is generated from it, and ``of(_:)``
/// is the one place an error is given its code.
public enum ExitStatus: Int32, CaseIterable, Sendable {
    /// 0.
    case ok = 0
    /// 1: refused or found problems.
    case failure = 1
    /// 2: usage.
    case usage = 2
    /// 3: not a repository, or a damaged one.
    case notARepository = 3
    /// 4: no such revision.
    case revisionNotFound = 4
    /// 5: invalid input data.
    case invalidInput = 5
    /// 6: the API server refused.
    case apiError = 6
    /// 7: the API key.
    case authError = 7
    /// 8: the network.
    case networkError = 8
    /// 9: an answer not saved.
    case answerNotSaved = 9
    /// 10: a git remote out of reach.
    case remoteUnreachable = 10
    /// 11: a git remote's credentials.
    case remoteAuthError = 11
    /// 12: a push refused.
    case pushRejected = 12
    /// 130: SIGINT.
    case interrupted = 130

    /// What the status means, as README.md's table says it (Markdown: `code` spans).
    public var meaning: String {
        switch self {
        case .ok: "success"
        case .failure:
            "the command refused or found problems (fsck errors, branch exists (`checkout --orphan`, `say --new -b`), deleting the current branch, unset config key, a stored setting out of range, a server request of `gc --remote`/`--check-remote` failed, `remote add` of a name that exists, `push`/`pull` naming a remote that is not configured or with none configured, `push` of branches `a` and `a/b`, or of one named with 64 hex digits, made by an older convo, no `git` on the PATH, a git command that failed otherwise), `search` found nothing, or an error convo did not foresee"
        case .usage:
            "usage: bad arguments, options (`say -` twice or on a terminal, `say --new --at`, `say --on B -b N`, `compact --keep` of every turn, `compact` of a first turn), revision syntax (including a revision over 1024 bytes), branch, remote and preset names (a new branch named with 64 hex digits, or beside an existing one as `a/b` beside `a`), setting values, `--format` templates or search queries; only usage errors exit 2"
        case .notARepository:
            "not a repository (no `.convo/` upward, and no home repository yet for a command other than `say`, or `CONVO_DIR`/`-C` naming a folder without one); the repository cannot be read (permissions: the message names the folder), or a writing command met a read-only one; the database or an object in it is damaged (a bad hash, a dropped table, a row holding a value of another type, an index gc cannot trust), empty, belongs to another program, or has a format newer than this convo (or too old to read before `convo upgrade`)"
        case .revisionNotFound:
            "revision, branch (`say --on`, `push BRANCH`, `branch --preset`), preset (`say --preset`, `branch --preset`) or reflog entry not found, or ambiguous; `fetch` of a response the server does not have"
        case .invalidInput:
            "invalid input data (an attachment of `say -a` that is missing, unreadable, a folder, of a type convo or the provider does not take, or larger than the provider's documented limit; an import file, an unreadable row of an llm database, an empty message, a message on stdin or from the editor, or an argument, that is not UTF-8; a pulled commit whose content does not reproduce its `Convo-Turn` id); nothing was written"
        case .apiError:
            "the API server refused the request, or the response failed, or the base URL answers 404 (no such endpoint); a replay that does not fit the context window with `replay_strategy fail`, or a compaction the server refused (nothing was committed)"
        case .authError:
            "the API key is missing, was rejected, holds a control character, or `api_key_command` failed or ran past `api_key_command_timeout`"
        case .networkError:
            "network: the server could not be reached, did not answer within `request_timeout` (or `CONVO_REQUEST_TIMEOUT`), or the connection or stream broke; nothing was committed"
        case .answerNotSaved:
            "`say`: the answer arrived but could not be committed (the repository stayed busy for `CONVO_SAVE_TIMEOUT` seconds, or the write failed); it was written to a rescue file, and stderr names it with `convo import <file>` and `convo fetch <id>`"
        case .remoteUnreachable:
            "`push`, `pull`, `clone`: the git remote could not be reached (no such path, host or repository, or the network); nothing was changed"
        case .remoteAuthError:
            "`push`, `pull`, `clone`: the git remote refused the credentials (ssh key, https token); convo never prompts for them"
        case .pushRejected:
            "`push`: the remote refused the update (not a fast-forward of this machine's own branch, or a hook), or holds a ref of this machine that git cannot keep beside a pushed one (`laptop/a` for `laptop/a/b`), or the remote holds something that is not a convo history (`pull` and `clone` refuse it too)"
        case .interrupted:
            "interrupted (SIGINT); nothing was committed, and stderr names the response id if the server had started one, with the `convo fetch <id>` that recovers its answer"
        }
    }

    /// The status for a typed error of a lower layer, or nil for an error convo does not know (the argument
    /// parser's, or one not foreseen).
    public static func of(_ error: any Error) -> ExitStatus? {
        switch error {
        case let error as StoreError:
            switch error {
            case .notARepository, .corruptDatabase, .foreignDatabase, .permissionDenied, .readOnlyRepository, .newerFormat,
                .outdatedFormat, .emptyStore, .corruptObject, .hashMismatch, .staleIndex:
                .notARepository
            case .unknownRevision, .ambiguousRevision, .noSuchAncestor, .reflogEntryNotFound, .branchNotFound, .unbornBranch, .notATurn:
                .revisionNotFound
            case .invalidRevision, .invalidRefName, .branchNameConflict, .invalidSearchQuery: .usage
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
            case .missingAPIKey, .noKeyForHomeRepository, .apiKeyCommandFailed, .invalidAPIKey, .apiKeyCommandTimedOut: .authError
            case .missingBaseURL, .unsafeBaseURL: .usage
            case .emptyMessage, .invalidMessageEncoding: .invalidInput
            case .editorFailed, .branchExists: .failure
            case .interrupted: .interrupted
            case .streamBroken, .requestTimedOut: .networkError
            case .responseFailed: .apiError
            case .answerNotSaved: .answerNotSaved
            }
        case is AttachmentError: .invalidInput
        case is ChatError: .usage
        case let error as MessageError:
            switch error {
            case .standardInputTwice, .standardInputIsTerminal: .usage
            }
        case let error as WorkspaceError:
            switch error {
            case .notARepository: .notARepository
            }
        case let error as SyncError:
            switch error {
            case .unreachable: .remoteUnreachable
            case .authenticationFailed: .remoteAuthError
            case .rejected, .notAConvoRemote, .remoteNameConflict: .pushRejected
            case .tampered: .invalidInput
            case .invalidRemoteName, .invalidRemoteURL: .usage
            case .gitNotFound, .noSuchRemote, .remoteExists, .noRemote, .gitFailed, .cloneTargetExists, .branchNameConflict, .branchNamedAsAnID: .failure
            case .noSuchBranch: .revisionNotFound
            }
        case let error as PresetError:
            switch error {
            case .notDefined: .revisionNotFound
            case .invalidName: .usage
            }
        case let error as ContextError:
            switch error {
            case .doesNotFit, .compactionRefused: .apiError
            case .keepTooLarge, .nothingToCompact: .usage
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
