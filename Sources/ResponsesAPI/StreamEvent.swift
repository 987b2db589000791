import ConvoJSON
import Foundation

/// A streaming event of `POST /responses` with `stream: true`, named by the JSON `type`.
public enum StreamEvent: Sendable, Equatable {
    /// `response.created`: the first event; it carries the response id.
    case created(ResponseObject)
    /// `response.in_progress`.
    case inProgress
    /// `response.output_text.delta`: the next piece of the answer.
    case textDelta(String)
    /// `response.output_text.done`: one text part is complete.
    case textDone
    /// `response.completed`: the final response.
    case completed(ResponseObject)
    /// `response.incomplete`: the final response, cut short (see its `incompleteReason`).
    case incomplete(ResponseObject)
    /// `response.failed`: the final response, failed (see its `error`).
    case failed(ResponseObject)
    /// `error`: the server reports an error inside the stream.
    case error(ResponsesAPIError)
    /// Any other event type (output items, content parts, reasoning summaries, …).
    case other(type: String)

    /// Whether this event ends the response.
    public var isTerminal: Bool {
        switch self {
        case .completed, .incomplete, .failed, .error: true
        default: false
        }
    }

    /// Reads one SSE event; nil for a `[DONE]` sentinel, which some servers append.
    ///
    /// The `event:` line is ignored in favour of the JSON `type`, so streams that send
    /// data lines only (as xAI's recordings show) read the same way.
    public init?(_ event: SSEEvent) throws(ResponsesAPIError) {
        let trimmed = event.data.trimmingCharacters(in: .whitespaces)
        if trimmed == "[DONE]" { return nil }
        let bytes = Data(event.data.utf8)
        let header: EventHeader
        do {
            header = try JSONDecoder().decode(EventHeader.self, from: bytes)
        } catch {
            throw .invalidResponse("malformed stream event\(event.event.map { " '\($0)'" } ?? ""): \(decodingSummary(error, bytes))")
        }
        switch header.type {
        case "response.created": self = .created(try Self.response(in: bytes, header.type))
        case "response.in_progress": self = .inProgress
        case "response.output_text.delta": self = .textDelta(header.delta ?? "")
        case "response.output_text.done": self = .textDone
        case "response.completed": self = .completed(try Self.response(in: bytes, header.type))
        case "response.incomplete": self = .incomplete(try Self.response(in: bytes, header.type))
        case "response.failed": self = .failed(try Self.response(in: bytes, header.type))
        case "error": self = .error(Self.streamError(bytes))
        default: self = .other(type: header.type)
        }
    }

    private struct EventHeader: Decodable {
        var type: String
        var delta: String?
    }

    /// The nested `response` object; its `raw` is the exact bytes of that member.
    private static func response(in bytes: Data, _ type: String) throws(ResponsesAPIError) -> ResponseObject {
        let all = [UInt8](bytes)
        guard let nested = JSONSlices.member("response", in: all) else {
            throw .invalidResponse("stream event '\(type)' has no response object")
        }
        return try ResponseObject(data: Data(all[nested]))
    }

    /// Both shapes: flat `{"type":"error","code","message","param"}` and nested
    /// `{"type":"error","error":{…},"status":400}`.
    private static func streamError(_ bytes: Data) -> ResponsesAPIError {
        struct Status: Decodable { var status: Int? }
        let status = (try? JSONDecoder().decode(Status.self, from: bytes))?.status
        let envelope = ErrorEnvelope(body: bytes)
        if let status {
            return .from(status: status, body: bytes)
        }
        let message = envelope.message ?? "the server reported an error in the stream"
        if envelope.code == "rate_limit_exceeded" { return .rateLimited(retryAfter: nil, message: message) }
        if envelope.code == "previous_response_not_found" {
            return .previousResponseNotFound(id: nil, message: message)
        }
        return .streamError(code: envelope.code, message: message)
    }
}
