import Foundation
import HTTPTypes
import Hummingbird

/// Turns answers into Hummingbird responses: JSON bodies, and event streams that
/// honour the stream faults.
enum SSEWriter {
    /// Thrown from the body writer to drop the connection mid-stream.
    struct CutStream: Error {}

    static func response(for answer: Answer, flavor: Flavor) -> Response {
        switch answer {
        case .body(let status, let value):
            return response(for: RenderedBody(status: status, body: flavor.body(value)))
        case .stream(let events, let faults):
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream; charset=utf-8"
            headers[.cacheControl] = "no-cache"
            let malformed = faults.malformedIndex.map {
                $0 == FaultPlan.firstTextDelta ? events.firstIndex { $0.type == "response.output_text.delta" } ?? 0 : $0
            }
            let body = ResponseBody { writer in
                for (index, event) in events.enumerated() {
                    // Throwing makes the server close the connection without the last chunk. The pause first
                    // lets the client read what was sent: an abrupt close can reset the connection, and a
                    // reset discards data the client has received but not yet read.
                    if let cut = faults.cutAfter, index >= cut {
                        try? await Task.sleep(for: .milliseconds(200))
                        throw CutStream()
                    }
                    if faults.delayMilliseconds > 0 { try await Task.sleep(for: .milliseconds(faults.delayMilliseconds)) }
                    try await writer.write(ByteBuffer(string: event.frame(malformed: index == malformed)))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: headers, body: body)
        }
    }

    static func response(for rendered: RenderedBody) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = rendered.contentType
        for (name, value) in rendered.headers {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(
            status: HTTPResponse.Status(code: rendered.status), headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: rendered.body)))
    }
}
