import AsyncHTTPClient
import Foundation
import NIOCore

extension ResponsesClient {
    /// `POST /responses` with `stream: true`.
    ///
    /// Events arrive as the server sends them: `.created` first (so the response id is
    /// known at once), then `.textDelta`s, and one terminal `.completed`, `.incomplete` or
    /// `.failed`. The sequence throws a ``ResponsesAPIError``: an in-stream `error` event is
    /// thrown rather than yielded, and a stream that ends before its terminal event throws
    /// `.streamInterrupted` naming the response. Failures before any event reached the
    /// caller are retried under the retry policy; nothing is retried after that.
    public func stream(_ request: CreateResponseRequest) -> AsyncThrowingStream<StreamEvent, any Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    try await runStream(request) { continuation.yield($0) }
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// The same stream, delivered to a callback; returns the terminal response.
    public func stream(
        _ request: CreateResponseRequest, onEvent: (StreamEvent) -> Void
    ) async throws(ResponsesAPIError) -> ResponseObject {
        var final: ResponseObject?
        try await runStream(request) { event in
            switch event {
            case .completed(let response), .incomplete(let response), .failed(let response): final = response
            default: break
            }
            onEvent(event)
        }
        guard let final else { throw .streamInterrupted(responseID: nil, afterOutput: false) }
        return final
    }

    private func runStream(
        _ request: CreateResponseRequest, yield: (StreamEvent) -> Void
    ) async throws(ResponsesAPIError) {
        var request = request
        request.stream = true
        let body = try encode(request)
        var delivered = false
        try await withRetries(.createsResponse, method: "POST", path: "/responses", mayRetry: { !delivered }) {
            attempt throws(AttemptFailure) in
            let response = try await send(
                .POST, "/responses", body: body, accept: "text/event-stream", attempt: attempt,
                previousResponseID: request.previousResponseID)
            let emit = { (event: StreamEvent) in
                delivered = true
                yield(event)
            }
            let contentType = response.headers.first(name: "Content-Type")?.lowercased() ?? ""
            if contentType.hasPrefix("application/json") {
                try await replayAsEvents(collect(response), emit)
            } else {
                try await readEvents(response.body, yield: emit)
            }
        }
    }

    /// A server that ignores `stream: true` answers with the whole response as JSON; it is
    /// handed on as the events a stream of it would have carried.
    private func replayAsEvents(_ data: Data, _ yield: (StreamEvent) -> Void) throws(AttemptFailure) {
        let response: ResponseObject
        do { response = try ResponseObject(data: data) } catch { throw AttemptFailure(error) }
        yield(.created(response))
        if !response.outputText.isEmpty { yield(.textDelta(response.outputText)) }
        switch response.status {
        case .failed: yield(.failed(response))
        case .incomplete: yield(.incomplete(response))
        default: yield(.completed(response))
        }
    }

    /// Reads SSE events until the terminal one; everything after it is ignored.
    private func readEvents(
        _ body: HTTPClientResponse.Body, yield: (StreamEvent) -> Void
    ) async throws(AttemptFailure) {
        var decoder = SSEDecoder()
        var responseID: String?
        var afterOutput = false
        var finished = false
        do {
            for try await buffer in body where !finished {
                for sse in decoder.feed(buffer.readableBytesView) where !finished {
                    guard let event = try StreamEvent(sse) else { continue }
                    switch event {
                    case .created(let response): responseID = response.id
                    case .textDelta: afterOutput = true
                    case .error(let error): throw error
                    default: break
                    }
                    yield(event)
                    finished = event.isTerminal
                }
            }
        } catch let error as ResponsesAPIError {
            throw AttemptFailure(error)
        } catch is CancellationError {
            throw AttemptFailure(.streamInterrupted(responseID: responseID, afterOutput: afterOutput))
        } catch let error as HTTPClientError where error == .readTimeout && !finished {
            // Silent for the whole read timeout: the caller's timeout ran out (its message names the setting),
            // not a broken connection.
            throw AttemptFailure(.streamTimedOut(responseID: responseID))
        } catch {
            if finished { return }
            throw AttemptFailure(.streamInterrupted(responseID: responseID, afterOutput: afterOutput))
        }
        if !finished {
            _ = decoder.finish()
            throw AttemptFailure(.streamInterrupted(responseID: responseID, afterOutput: afterOutput))
        }
    }
}
