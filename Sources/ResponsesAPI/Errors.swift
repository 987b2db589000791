import Foundation

/// Everything that can go wrong talking to a Responses API server.
///
/// Messages quote the server and say what to try next. The API key never appears in them:
/// the client strips it from anything the server echoes.
public enum ResponsesAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The key was refused (401/403, or xAI's 400 "Incorrect API key").
    case authentication(status: Int, message: String)
    /// The response id does not exist on the server: a 404 whose error names the id (expired, deleted, or
    /// never stored).
    case notFound(id: String?, message: String)
    /// A 404 that does not name the response asked about (an HTML page, a router's "no such route"): the base
    /// URL is most likely wrong, and nothing can be concluded about any response.
    case endpointNotFound(url: String, message: String)
    /// The `previous_response_id` sent does not exist on the server any more.
    case previousResponseNotFound(id: String?, message: String)
    /// Too many requests (429); `retryAfter` is the server's wait in seconds, if it gave one.
    case rateLimited(retryAfter: Double?, message: String)
    /// The server refused the request as malformed or unsupported (other 4xx).
    case badRequest(status: Int, code: String?, param: String?, message: String)
    /// The server failed (5xx).
    case server(status: Int, message: String)
    /// No reply within the time allowed.
    case timeout
    /// The server could not be reached at all.
    case connectionFailed(String)
    /// The TLS handshake failed.
    case tls(String)
    /// The server reported an error inside a stream that had begun with HTTP 200.
    case streamError(code: String?, message: String)
    /// A stream ended before its terminal event.
    case streamInterrupted(responseID: String?, afterOutput: Bool)
    /// A stream that had begun sent nothing for the whole timeout; `responseID` names it once
    /// `response.created` had arrived.
    case streamTimedOut(responseID: String?)
    /// The server sent something this client cannot read.
    case invalidResponse(String)
    /// The environment variable that should hold the API key is unset or empty.
    case missingAPIKey(variable: String)

    /// A message naming what the server said and what to do next.
    public var description: String { "\(summary) — \(nextStep)" }

    /// What happened, quoting the server.
    public var summary: String {
        switch self {
        case .authentication(let status, let message):
            "the server rejected the API key (HTTP \(status)): \(message)"
        case .notFound(let id, let message):
            "response\(quoted(id)) not found on the server: \(message)"
        case .endpointNotFound(let url, let message):
            "\(url) answered HTTP 404 (no such endpoint): \(message)"
        case .previousResponseNotFound(let id, let message):
            "the server no longer has the previous response\(quoted(id)): \(message)"
        case .rateLimited(_, let message):
            "rate limited by the server: \(message)"
        case .badRequest(let status, let code, let param, let message):
            "the server refused the request (HTTP \(status)\(code.map { ", \($0)" } ?? "")"
                + "\(param.map { ", parameter '\($0)'" } ?? "")): \(message)"
        case .server(let status, let message):
            "the server failed (HTTP \(status)): \(message)"
        case .timeout:
            "the server did not answer in time"
        case .connectionFailed(let detail):
            "could not connect to the server: \(detail)"
        case .tls(let detail):
            "secure connection failed: \(detail)"
        case .streamError(let code, let message):
            "the server reported an error mid-stream\(code.map { " (\($0))" } ?? ""): \(message)"
        case .streamTimedOut(let responseID):
            "the stream went silent for longer than the timeout" + (responseID.map { " (response '\($0)')" } ?? "")
        case .streamInterrupted(let responseID, let afterOutput):
            "the stream broke off \(afterOutput ? "after output began" : "before any output")"
                + (responseID.map { " (response '\($0)')" } ?? "")
        case .invalidResponse(let detail):
            "the server sent something unreadable: \(detail)"
        case .missingAPIKey(let variable):
            "no API key: \(variable) is not set"
        }
    }

    /// What the person can do about it.
    public var nextStep: String {
        switch self {
        case .authentication:
            "check the key in the provider's variable (XAI_API_KEY, OPENAI_API_KEY or CONVO_API_KEY)"
        case .notFound: "it may have expired, been deleted, or never been stored"
        case .endpointNotFound:
            "check the base URL, which should end in /v1 for the Responses API: convo config base_url https://…/v1 (or CONVO_BASE_URL)"
        case .previousResponseNotFound: "continue by replaying the local history"
        case .rateLimited(let retryAfter, _): "try again \(retryAfter.map { waitPhrase($0) } ?? "later")"
        case .badRequest: "fix the request settings and try again"
        case .server, .streamError: "try again later"
        case .timeout, .streamTimedOut: "try again, or allow a longer timeout"
        case .connectionFailed: "check the base URL and the network"
        case .tls: "check the base URL and the system's certificates"
        case .streamInterrupted: "the answer is incomplete; ask again"
        case .invalidResponse: "check that the base URL points at a Responses API"
        case .missingAPIKey(let variable): "set \(variable) in the environment"
        }
    }
}

private func quoted(_ id: String?) -> String {
    id.map { " '\($0)'" } ?? ""
}

/// A wait for a message: "in 3s", rounded up to whole seconds, or "shortly" for no wait at all, so that a
/// message never tells a person to try again "in 0s".
public func waitPhrase(_ seconds: Double) -> String {
    guard seconds.isFinite, seconds > 0 else { return "shortly" }
    // A server's Retry-After can be any number: beyond a year it is no plan, and it would not fit an Int.
    guard seconds < 31_622_400 else { return "later" }
    guard seconds < 86_400 else { return "in \(Int(seconds / 3600))h" }
    return "in \(Int(seconds.rounded(.up)))s"
}

/// ``waitPhrase(_:)`` for a `Duration`.
public func waitPhrase(_ duration: Duration) -> String {
    let parts = duration.components
    return waitPhrase(Double(parts.seconds) + Double(parts.attoseconds) / 1e18)
}
