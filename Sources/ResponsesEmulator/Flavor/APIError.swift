import Foundation

/// Every error the emulator answers with; `Flavor.render(_:)` turns one into the
/// status, headers and body of the imitated server.
enum APIError: Error, Sendable {
    /// Authorization missing (nil) or wrong (the key as sent).
    case invalidAPIKey(sent: String?)
    /// The body is not JSON (or not an object).
    case invalidBody(String)
    /// A required parameter is absent.
    case missingParameter(String)
    /// A parameter has a wrong type or value.
    case invalidParameter(param: String, code: String, message: String)
    /// GET/DELETE/input_items of an id that is unknown, deleted, expired or never stored.
    case responseNotFound(id: String)
    /// `previous_response_id` names a response the server does not hold.
    case previousResponseNotFound(id: String)
    /// xAI: `instructions` sent together with `previous_response_id`.
    case instructionsWithPreviousResponse
    /// A status injected by a fault plan.
    case injected(status: Int, retryAfter: Int?)
    /// A status injected by a fault plan whose message leaks the `Authorization` header it got.
    case echoedAuthorization(status: Int, header: String)
    /// The `X-Emulator-Fault` header could not be read.
    case badFaultHeader(FaultHeaderError)
    /// No such endpoint.
    case unknownRoute(method: String, path: String)
    /// The context (input and instructions) is larger than `--context-window`.
    case contextLengthExceeded(limit: Int, requested: Int)
    /// A `compaction` input item whose `encrypted_content` this server did not write.
    case invalidEncryptedContent(param: String)
}

/// Status, extra headers and body of an answer.
struct RenderedBody: Sendable {
    var status: Int
    var headers: [(String, String)] = []
    var contentType = "application/json"
    var body: String
}

extension Flavor {
    /// The key as the real servers echo it in an auth error: never in full.
    func mask(_ key: String) -> String {
        let chars = Array(key)
        switch self {
        case .openai:
            guard chars.count > 12 else { return String(repeating: "*", count: chars.count) }
            return String(chars.prefix(8)) + String(repeating: "*", count: chars.count - 12) + String(chars.suffix(4))
        case .xai:
            guard chars.count > 6 else { return "***" }
            return String(chars.prefix(2)) + "***" + String(chars.suffix(2))
        }
    }

    /// The imitated server's answer for `error`.
    func render(_ error: APIError) -> RenderedBody {
        switch self {
        case .openai: renderOpenAI(error)
        case .xai: renderXAI(error)
        }
    }

    private func renderOpenAI(_ error: APIError) -> RenderedBody {
        func nested(_ status: Int, _ message: String, type: String = "invalid_request_error", param: String? = nil, code: String? = nil)
            -> RenderedBody
        {
            let body = EmulatorJSON.object([
                ("error", .object([("message", .string(message)), ("type", .string(type)), ("param", .string(param)), ("code", .string(code))]))
            ])
            return RenderedBody(status: status, body: body.serialized(indent: 2))
        }
        switch error {
        case .invalidAPIKey(let sent):
            let message =
                sent.map { "Incorrect API key provided: \(mask($0)). You can find your API key at https://platform.openai.com/account/api-keys." }
                ?? "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys."
            // The auth layer answers differently from /v1/responses: 4-space indent and a newline (SOURCE.md).
            var rendered = nested(401, message, code: "invalid_api_key")
            rendered.body = EmulatorJSON.parseOrNull(rendered.body).serialized(indent: 4) + "\n"
            rendered.contentType = "application/json; charset=utf-8"
            return rendered
        case .invalidBody(let detail):
            return nested(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.) \(detail)")
        case .missingParameter(let name):
            return nested(400, "Missing required parameter: '\(name)'.", param: name, code: "missing_required_parameter")
        case .invalidParameter(let param, let code, let message):
            return nested(400, message, param: param, code: code)
        case .responseNotFound(let id):
            return nested(404, "Response with id '\(id)' not found.")
        case .previousResponseNotFound(let id):
            return nested(400, "Previous response with id '\(id)' not found.", param: "previous_response_id", code: "previous_response_not_found")
        case .instructionsWithPreviousResponse:
            return nested(400, "Argument not supported: instructions and previous_response_id together")
        case .injected(let status, let retryAfter):
            var rendered: RenderedBody
            switch status {
            case 429:
                rendered = nested(429, "Rate limit reached for requests (injected by convo-emulator). Please try again \(retryAfter == 0 ? "shortly" : "in \(retryAfter ?? 1)s").", type: "requests", code: "rate_limit_exceeded")
            case 500...:
                rendered = nested(status, "The server had an error while processing your request. Sorry about that! (injected by convo-emulator)", type: "server_error")
            default:
                rendered = nested(status, "Injected HTTP \(status) (convo-emulator).")
            }
            rendered.headers = retryAfter.map { [("Retry-After", String($0))] } ?? []
            return rendered
        case .echoedAuthorization(let status, let header):
            return nested(status, Self.echo(header), type: "server_error")
        case .badFaultHeader(let fault):
            return nested(400, fault.message, param: "X-Emulator-Fault")
        case .unknownRoute(let method, let path):
            return nested(404, "Invalid URL (\(method) \(path))")
        case .contextLengthExceeded:
            // OpenAI's reported body names neither the limit nor the size.
            return nested(400, Self.openAIOverflowMessage, param: "input", code: "context_length_exceeded")
        case .invalidEncryptedContent(let param):
            return nested(
                400, "The encrypted content for item \(param) could not be verified.", param: param,
                code: "invalid_encrypted_content")
        }
    }

    private func renderXAI(_ error: APIError) -> RenderedBody {
        func flat(_ status: Int, _ message: String) -> RenderedBody {
            let body = EmulatorJSON.object([("code", .string(Self.grpcText(status))), ("error", .string(message))])
            return RenderedBody(status: status, body: body.serialized())
        }
        switch error {
        case .invalidAPIKey(let sent):
            guard let sent else { return flat(400, "No API key provided. You can obtain an API key from https://console.x.ai.") }
            return flat(400, "Incorrect API key provided: \(mask(sent)). You can obtain an API key from https://console.x.ai.")
        case .invalidBody(let detail):
            return flat(400, "Failed to parse the request body as JSON: \(detail)")
        case .missingParameter(let name):
            return flat(400, "Missing required parameter: '\(name)'.")
        case .invalidParameter(_, _, let message):
            return flat(400, message)
        case .responseNotFound(let id):
            return flat(404, "Response with id '\(id)' not found.")
        case .previousResponseNotFound(let id):
            return flat(404, "Previous response with id '\(id)' not found.")
        case .instructionsWithPreviousResponse:
            return flat(400, "Argument not supported: instructions and previous_response_id together")
        case .injected(let status, let retryAfter):
            var rendered = flat(status, "Injected HTTP \(status) (convo-emulator).")
            rendered.headers = retryAfter.map { [("Retry-After", String($0))] } ?? []
            return rendered
        case .echoedAuthorization(let status, let header):
            return flat(status, Self.echo(header))
        case .badFaultHeader(let fault):
            return flat(400, fault.message)
        case .unknownRoute(let method, let path):
            return flat(404, "No route for \(method) \(path)")
        case .contextLengthExceeded(let limit, let requested):
            return flat(400, "This model's maximum prompt length is \(limit) but the request contains \(requested) tokens.")
        case .invalidEncryptedContent(let param):
            return flat(400, "Could not decrypt the compaction item at \(param): its encrypted_content was not written by this API.")
        }
    }

    /// OpenAI's overflow message, as reported by its users (HTTP 400 and in-stream `error` events alike).
    static let openAIOverflowMessage = "Your input exceeds the context window of this model. Please adjust your input and try again."

    /// What a leaky server might say: the header as received, percent-encoded, and in base64 (as in a Basic
    /// header of `user:key`). The JSON writer escapes the first one.
    static func echo(_ header: String) -> String {
        let key = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : header
        let percent = key.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? key
        let basic = Data("convo:\(key)".utf8).base64EncodedString()
        return "Internal error (injected by convo-emulator, a leaky server): the request carried Authorization: \(header); "
            + "url-encoded key=\(percent); as Basic \(basic)"
    }

    /// The gRPC status text xAI puts in `code`.
    static func grpcText(_ status: Int) -> String {
        switch status {
        case 400: "Client specified an invalid argument"
        case 401: "The request does not have valid authentication credentials"
        case 403: "The caller does not have permission to execute the specified operation"
        case 404: "Some requested entity was not found"
        case 408, 504: "Deadline expired before operation could complete"
        case 409: "The operation was aborted"
        case 429: "Some resource has been exhausted"
        case 501: "Operation is not implemented or not supported"
        case 503: "The service is currently unavailable"
        case 500...: "Internal error"
        default: "Unknown error"
        }
    }
}

extension EmulatorJSON {
    /// Parses text the emulator wrote itself.
    static func parseOrNull(_ text: String) -> EmulatorJSON { (try? parse(text)) ?? .null }
}
