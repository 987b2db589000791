import ConvoJSON
import Foundation

extension ResponsesAPIError {
    /// Turns an error reply into a typed error.
    ///
    /// Reads both envelopes: OpenAI's nested `{"error":{"message","type","param","code"}}`
    /// and xAI's flat `{"code":"<gRPC status text>","error":"<message>"}`.
    ///
    /// A "not found" is only believed about a response when the answer says so about that response: OpenAI's
    /// `previous_response_not_found` code, or a 400/404 whose message names the id ("Previous response with id
    /// '…' not found.", "Response with id '…' not found."). Any other 404 (an HTML page, a router's "Invalid
    /// URL (POST /v2/responses)") is ``endpointNotFound(url:message:)``: a wrong base URL must not make
    /// convo record that the server forgot a response.
    /// - Parameters:
    ///   - status: The HTTP status, 400 or above.
    ///   - body: The reply body.
    ///   - retryAfter: The `Retry-After` wait in seconds, if the reply had one.
    ///   - requestedID: The response id in the URL (GET, DELETE), for 404s.
    ///   - previousResponseID: The `previous_response_id` the request sent, if any.
    ///   - url: The URL the request went to, named by ``endpointNotFound(url:message:)``.
    public static func from(
        status: Int, body: Data, retryAfter: Double? = nil,
        requestedID: String? = nil, previousResponseID: String? = nil, url: String? = nil
    ) -> ResponsesAPIError {
        let envelope = ErrorEnvelope(body: body)
        let message = envelope.message ?? fallbackMessage(status: status, body: body)
        let code = envelope.code

        if status == 401 || status == 403 || message.contains("Incorrect API key") || code == "invalid_api_key" {
            return .authentication(status: status, message: message)
        }
        if code == "previous_response_not_found" {
            return .previousResponseNotFound(id: previousResponseID, message: message)
        }
        if let previousResponseID, status == 400 || status == 404, names(previousResponseID, in: message),
            status == 404 || message.lowercased().contains("not found")
        {
            return .previousResponseNotFound(id: previousResponseID, message: message)
        }
        switch status {
        case 404:
            if let requestedID, names(requestedID, in: message) { return .notFound(id: requestedID, message: message) }
            return .endpointNotFound(url: url ?? "the server", message: message)
        case 429: return .rateLimited(retryAfter: retryAfter, message: message)
        case 500...: return .server(status: status, message: message)
        default: return .badRequest(status: status, code: code, param: envelope.param, message: message)
        }
    }

    /// Whether `message` names `id` itself, not as part of a URL path (a router's 404 repeats the path, and the
    /// path of `GET /responses/{id}` holds the id).
    static func names(_ id: String, in message: String) -> Bool {
        guard !id.isEmpty else { return false }
        func isIDCharacter(_ character: Character?) -> Bool {
            guard let character else { return false }
            return character.isLetter || character.isNumber || character == "_" || character == "-"
        }
        var searchStart = message.startIndex
        while let range = message.range(of: id, range: searchStart..<message.endIndex) {
            let before = range.lowerBound == message.startIndex ? nil : message[message.index(before: range.lowerBound)]
            let after = range.upperBound == message.endIndex ? nil : message[range.upperBound]
            if before != "/", !isIDCharacter(before), !isIDCharacter(after) { return true }
            searchStart = range.upperBound
        }
        return false
    }

    private static func fallbackMessage(status: Int, body: Data) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "HTTP \(status) with an empty body" : text
    }

    /// A copy with every spelling of `secret` removed (see ``Redactor``).
    func redacting(_ secret: String) -> ResponsesAPIError { redacting(Redactor(secrets: [secret])) }

    /// A copy whose texts have passed `redactor`, so a key echoed by a server never reaches a message.
    public func redacting(_ redactor: Redactor) -> ResponsesAPIError {
        guard !redactor.isEmpty else { return self }
        let clean = redactor.callAsFunction
        switch self {
        case .authentication(let s, let m): return .authentication(status: s, message: clean(m))
        case .notFound(let id, let m): return .notFound(id: id.map(clean), message: clean(m))
        case .endpointNotFound(let u, let m): return .endpointNotFound(url: clean(u), message: clean(m))
        case .previousResponseNotFound(let id, let m):
            return .previousResponseNotFound(id: id.map(clean), message: clean(m))
        case .rateLimited(let r, let m): return .rateLimited(retryAfter: r, message: clean(m))
        case .badRequest(let s, let c, let p, let m):
            return .badRequest(status: s, code: c.map(clean), param: p.map(clean), message: clean(m))
        case .server(let s, let m): return .server(status: s, message: clean(m))
        case .connectionFailed(let d): return .connectionFailed(clean(d))
        case .tls(let d): return .tls(clean(d))
        case .streamError(let c, let m): return .streamError(code: c.map(clean), message: clean(m))
        case .streamInterrupted(let id, let after): return .streamInterrupted(responseID: id.map(clean), afterOutput: after)
        case .streamTimedOut(let id): return .streamTimedOut(responseID: id.map(clean))
        case .invalidResponse(let d): return .invalidResponse(clean(d))
        case .timeout, .missingAPIKey: return self
        }
    }
}

/// The fields of either error envelope.
struct ErrorEnvelope {
    var message: String?
    var code: String?
    var param: String?

    init(body: Data) {
        guard let object = try? JSONValue.parse(body),
            case .object(let top) = object
        else {
            self.init(fields: [:])
            return
        }
        if case .object(let nested)? = top["error"] {
            self.init(fields: nested)
        } else {
            // xAI: flat, the message under "error"; also a flat stream `error` event.
            self.init(fields: top)
            if case .string(let text)? = top["error"] { message = text }
        }
    }

    init(fields: [String: JSONValue]) {
        if case .string(let text)? = fields["message"] { message = text }
        switch fields["code"] {
        case .string(let text)?: code = text
        case .int(let number)?: code = String(number)
        default: break
        }
        if case .string(let text)? = fields["param"] { param = text }
    }
}
