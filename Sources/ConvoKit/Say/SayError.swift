import ConvoStore
import ResponsesAPI

/// Why `say` could not send or record a turn; each message names the value and the next step.
public enum SayError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No API key in the environment and no `api_key_command`.
    case missingAPIKey(variable: String)
    /// No key in the environment, so the home repository at `path` was not created (its config, where an
    /// `api_key_command` would live, does not exist yet, and the provider it gets follows the key).
    case noKeyForHomeRepository(path: String)
    /// The configured `api_key_command` failed or printed nothing. Its output is never shown.
    case apiKeyCommandFailed(command: String, reason: String)
    /// The key (from a variable or the command) holds a control character; it is never shown.
    case invalidAPIKey(source: String, character: String)
    /// `api_key_command` did not finish in time and was killed with everything it started.
    case apiKeyCommandTimedOut(command: String, seconds: Double)
    /// The server did not answer within the request timeout, or a stream went silent for as long. `streamed`
    /// says how `say` asked (nil for the other commands): a non-streamed say gets no response id to fetch the
    /// answer by; a stream names its response (`responseID`) once `response.created` arrived.
    case requestTimedOut(RequestTimeout, streamed: Bool?, responseID: String? = nil)
    /// The provider is `custom` but no base URL is configured.
    case missingBaseURL
    /// The base URL is malformed or would send the key over plain http.
    case unsafeBaseURL(BaseURLError)
    /// The message is empty: nothing to say.
    case emptyMessage
    /// The message piped on standard input (or written in the editor: `source`) is not valid UTF-8; `offset`
    /// (from 0) is its first bad byte.
    case invalidMessageEncoding(offset: Int, source: String)
    /// The editor for composing the message failed.
    case editorFailed(editor: String, reason: String)
    /// `-b NAME` names a branch that already exists.
    case branchExists(String)
    /// Interrupted (SIGINT) before the response finished; nothing was committed.
    case interrupted(responseID: String?)
    /// The stream broke off before its terminal event; nothing was committed.
    case streamBroken(responseID: String?, detail: String)
    /// The response finished with status `failed`; the turn was recorded so later turns replay.
    case responseFailed(turn: String, responseID: String, message: String)
    /// The answer arrived but could not be committed (the repository stayed busy, or the write failed); it
    /// was written to the rescue file `file` (nil when no file could be written: then `line` holds it).
    case answerNotSaved(responseID: String, reason: String, file: String?, line: String)

    /// A message naming the value and what to do next.
    public var description: String {
        switch self {
        case .noKeyForHomeRepository(let path):
            "no API key: none of XAI_API_KEY, OPENAI_API_KEY and CONVO_API_KEY is set; the home repository \(path) was not created and nothing was sent"
                + "\nhint: export XAI_API_KEY=… (or OPENAI_API_KEY=… for OpenAI) and say again"
        case .missingAPIKey(let variable):
            "no API key: \(variable) is not set\nhint: export \(variable)=…, or set a command that prints it: convo config api_key_command '…'"
        case .apiKeyCommandFailed(let command, let reason):
            "api_key_command '\(command)' \(reason)\nhint: run it yourself to check, or export the provider's key variable instead"
        case .invalidAPIKey(let source, let character):
            "the API key from \(source) contains a control character (\(character)); it was not sent and is not shown"
                + "\nhint: a key is one line of printable characters; check \(source)"
        case .apiKeyCommandTimedOut(let command, let seconds):
            "api_key_command '\(command)' did not finish within \(secondsText(seconds)) and was stopped"
                + "\nhint: run it yourself to check; allow it longer with: convo config api_key_command_timeout SECONDS"
        case .requestTimedOut(let timeout, _, let responseID?):
            "the stream of response '\(responseID)' went silent for \(secondsText(timeout.seconds)) (\(timeout.described)); nothing was committed"
                + "\nhint: the server may still finish it: convo fetch \(responseID); allow it longer with: convo config request_timeout SECONDS"
                + " (or \(RequestTimeout.variable)=SECONDS for one command)"
        case .requestTimedOut(let timeout, _, nil) where timeout.isLookupLimit:
            "the server did not answer within \(secondsText(timeout.seconds)) (\(timeout.described))"
                + "\nhint: a server answers a lookup at once when it is up: check it (and the base URL), then try again"
        case .requestTimedOut(let timeout, let streamed, nil):
            "the server did not answer within \(secondsText(timeout.seconds)) (\(timeout.described))"
                + (streamed == nil ? "" : "; nothing was committed")
                + (streamed == false
                    ? ", and no response id arrived, so there is none to fetch: the server may still finish, store and bill the answer"
                    : "")
                + "\nhint: allow it longer with: convo config request_timeout SECONDS (or \(RequestTimeout.variable)=SECONDS for one command)"
                + (streamed == false ? ", or say it again with --stream, which shows the answer as it comes" : ", and try again")
        case .missingBaseURL:
            "provider 'custom' needs a base URL\nhint: convo config base_url https://…/v1, or set CONVO_BASE_URL"
        case .unsafeBaseURL(let error):
            "\(error)" + (error.isInsecureHTTP ? " (--allow-insecure-http)" : "")
        case .emptyMessage:
            "aborting: the message is empty"
        case .invalidMessageEncoding(let offset, let source):
            "the message \(source) is not valid UTF-8 (byte offset \(offset), counting from 0); nothing was sent\nhint: convert it first, e.g. iconv -f latin1 -t utf-8"
        case .editorFailed(let editor, let reason):
            "editor '\(editor)' \(reason); nothing was sent\nhint: pass the message as arguments or on stdin"
        case .branchExists(let name):
            "a branch named '\(name)' already exists; nothing was sent\nhint: choose another name, or 'convo checkout \(name)' first"
        case .interrupted(let responseID):
            if let responseID {
                "interrupted; nothing was committed. The server may still finish response '\(responseID)'\nhint: convo fetch \(responseID)"
            } else {
                "interrupted before the server answered; nothing was committed"
            }
        case .streamBroken(let responseID, let detail):
            "\(detail); nothing was committed"
                + (responseID.map { "\nhint: the server may hold the full answer: convo fetch \($0)" }
                    ?? "\nhint: the request was not sent again, as the server may have started (and billed) a response"
                    + " it never named; say it again to retry")
        case .answerNotSaved(let responseID, let reason, let file, let line):
            if let file {
                "response '\(responseID)' arrived but could not be saved (\(reason)); it is kept in \(file)\n"
                    + "hint: convo import \(file)   (or, while the server keeps it: convo fetch \(responseID))"
            } else {
                "response '\(responseID)' arrived but could not be saved (\(reason)), and no rescue file could be written; "
                    + "this line holds it:\n\(line)hint: save that line to a file and run convo import FILE, or convo fetch \(responseID)"
            }
        case .responseFailed(let turn, let responseID, let message):
            "response '\(responseID)' failed: \(message)\nrecorded as turn \(turn) with status failed; the next say replays the history"
        }
    }
}

/// "30s", "2.5s", "200ms": a configured duration as the person wrote it, never "0s"; without `unit`, the
/// number of seconds alone ("30", "2.5", "0.2"), as it is set.
func secondsText(_ seconds: Double, unit: Bool = true) -> String {
    let whole = seconds == seconds.rounded() && seconds < 1e15
    guard unit else { return whole ? "\(Int(seconds))" : "\(seconds)" }
    if seconds < 1 { return "\(max(1, Int((seconds * 1000).rounded())))ms" }
    return whole ? "\(Int(seconds))s" : "\(seconds)s"
}

extension BaseURLError {
    var isInsecureHTTP: Bool {
        if case .insecureHTTP = self { return true }
        return false
    }
}

/// Sorts errors of the API layer for exit codes, so callers need not import ResponsesAPI.
public enum APIFailure {
    /// What kind of failure an error is.
    public enum Kind: Sendable {
        /// The key is missing or was refused.
        case authentication
        /// The server could not be reached, or the connection broke.
        case network
        /// The server refused or failed the request.
        case server
    }

    /// The kind of a `ResponsesAPIError`; nil for any other error.
    public static func kind(of error: any Error) -> Kind? {
        guard let error = error as? ResponsesAPIError else { return nil }
        switch error {
        case .authentication, .missingAPIKey: return .authentication
        case .timeout, .streamTimedOut, .connectionFailed, .tls, .streamInterrupted: return .network
        case .notFound, .endpointNotFound, .previousResponseNotFound, .rateLimited, .badRequest, .server, .streamError, .invalidResponse:
            return .server
        }
    }
}
