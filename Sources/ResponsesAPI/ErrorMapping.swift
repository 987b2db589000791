import ConvoJSON
import Foundation

extension ResponsesAPIError {
    /// Turns an error reply into a typed error.
    ///
    /// Reads both envelopes: OpenAI's nested `{"error":{"message","type","param","code"}}`
    /// and xAI's flat `{"code":"<gRPC status text>","error":"<message>"}`.
    /// - Parameters:
    ///   - status: The HTTP status, 400 or above.
    ///   - body: The reply body.
    ///   - retryAfter: The `Retry-After` wait in seconds, if the reply had one.
    ///   - requestedID: The response id in the URL (GET, DELETE), for 404s.
    ///   - previousResponseID: The `previous_response_id` the request sent, if any.
    public static func from(
        status: Int, body: Data, retryAfter: Double? = nil,
        requestedID: String? = nil, previousResponseID: String? = nil
    ) -> ResponsesAPIError {
        let envelope = ErrorEnvelope(body: body)
        let message = envelope.message ?? fallbackMessage(status: status, body: body)
        let code = envelope.code

        if status == 401 || status == 403 || message.contains("Incorrect API key") || code == "invalid_api_key" {
            return .authentication(status: status, message: message)
        }
        if let previousResponseID {
            let missing =
                code == "previous_response_not_found"
                || code == "Some requested entity was not found"
                || (status == 404) || envelope.param == "previous_response_id"
            if missing && (400..<500).contains(status) {
                return .previousResponseNotFound(id: previousResponseID, message: message)
            }
        }
        if code == "previous_response_not_found" {
            return .previousResponseNotFound(id: nil, message: message)
        }
        switch status {
        case 404: return .notFound(id: requestedID, message: message)
        case 429: return .rateLimited(retryAfter: retryAfter, message: message)
        case 500...: return .server(status: status, message: message)
        default: return .badRequest(status: status, code: code, param: envelope.param, message: message)
        }
    }

    private static func fallbackMessage(status: Int, body: Data) -> String {
        let text = String(decoding: body.prefix(300), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? "HTTP \(status) with an empty body" : text
    }

    /// A copy with every occurrence of `secret` replaced, so a key echoed by a server
    /// never reaches a message.
    func redacting(_ secret: String) -> ResponsesAPIError {
        guard !secret.isEmpty else { return self }
        func clean(_ text: String) -> String { text.replacingOccurrences(of: secret, with: "[redacted]") }
        switch self {
        case .authentication(let s, let m): return .authentication(status: s, message: clean(m))
        case .notFound(let id, let m): return .notFound(id: id, message: clean(m))
        case .previousResponseNotFound(let id, let m): return .previousResponseNotFound(id: id, message: clean(m))
        case .rateLimited(let r, let m): return .rateLimited(retryAfter: r, message: clean(m))
        case .badRequest(let s, let c, let p, let m): return .badRequest(status: s, code: c, param: p, message: clean(m))
        case .server(let s, let m): return .server(status: s, message: clean(m))
        case .connectionFailed(let d): return .connectionFailed(clean(d))
        case .tls(let d): return .tls(clean(d))
        case .streamError(let c, let m): return .streamError(code: c, message: clean(m))
        case .invalidResponse(let d): return .invalidResponse(clean(d))
        case .timeout, .streamInterrupted, .missingAPIKey: return self
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
