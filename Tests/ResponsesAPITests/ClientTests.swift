import AsyncHTTPClient
import Foundation
import Glibc
import Testing

@testable import ResponsesAPI

/// A client wired to a scripted server, recording sleeps and request sizes.
private struct Harness {
    let server: ScriptedServer
    let client: ResponsesClient
    let sleeps: Locked<[Duration]>
    let sent: Locked<[SentRequest]>
    /// The retries the client announced, in order.
    let notices: Locked<[RetryNotice]>
}

private let apiKey = "test-key-ABC123"

private func withHarness(
    _ replies: [ScriptedServer.Reply], baseURL: URL? = nil, maxAttempts: Int = 4,
    timeout: Duration = .seconds(5), _ body: (Harness) async throws -> Void
) async throws {
    let server = try await ScriptedServer(replies: replies)
    var configuration = ResponsesClient.recommendedHTTPConfiguration()
    // The read timeout (the silence a stream may keep) follows the client's, as in `withClient`.
    configuration.timeout = .init(connect: .seconds(2), read: .milliseconds(Int64(min(timeout, .seconds(5)) / .milliseconds(1))))
    let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    let sleeps = Locked<[Duration]>([])
    let sent = Locked<[SentRequest]>([])
    let notices = Locked<[RetryNotice]>([])
    let client = ResponsesClient(
        baseURL: baseURL ?? server.baseURL, apiKey: apiKey, httpClient: http,
        retry: RetryPolicy(maxAttempts: maxAttempts, random: { 0.5 }),
        sleep: { duration in sleeps.mutate { $0.append(duration) } }, timeout: timeout,
        onRequest: { request in sent.mutate { $0.append(request) } },
        onRetry: { notice in notices.mutate { $0.append(notice) } })
    var failure: (any Error)?
    do {
        try await body(Harness(server: server, client: client, sleeps: sleeps, sent: sent, notices: notices))
    } catch {
        failure = error
    }
    try await http.shutdown()
    try await server.shutdown()
    if let failure { throw failure }
}

private func fixtureBody(_ file: String, entry: Int) throws -> String {
    String(decoding: try Fixtures.entries(file)[entry].body, as: UTF8.self)
}

private let streamFile = "openai-stream-text-2025-09.body.sse"
private let streamID = "resp_0b70e4946283a4df0068c9ef5ef4d88194adeeb6e2283d609a"

/// The recorded 2025 stream up to (not including) its second text delta.
private func streamUpToSecondDelta() throws -> String {
    let sse = String(decoding: try Fixtures.data(streamFile), as: UTF8.self)
    let marker = "event: response.output_text.delta"
    let first = try #require(sse.range(of: marker))
    let second = try #require(sse.range(of: marker, range: first.upperBound..<sse.endIndex))
    return String(sse[..<second.lowerBound])
}

/// Collects a stream's events and the error it ended with.
private func drain(_ stream: AsyncThrowingStream<StreamEvent, any Error>) async -> ([StreamEvent], ResponsesAPIError?) {
    var events: [StreamEvent] = []
    do {
        for try await event in stream { events.append(event) }
        return (events, nil)
    } catch {
        return (events, error as? ResponsesAPIError ?? .invalidResponse("untyped error \(error)"))
    }
}

private let createFile = "openai-create-get-delete-get404.openai-dotnet.json"
private let request = CreateResponseRequest(model: "gpt-4o-mini", input: [.user("Hello, model!")])

@Suite("Client against a local server")
struct ClientTests {
    @Test func retries429AfterRetryAfterThenSucceeds() async throws {
        let ok = try fixtureBody(createFile, entry: 0)
        let limited = #"{"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"#
        try await withHarness([
            .json(status: 429, headers: ["Retry-After": "2"], body: limited), .json(status: 200, body: ok),
        ]) { h in
            let response = try await h.client.create(request)
            #expect(response.id == "resp_012716c47e5818750068c9ef3acb74819590c9bfdd9025e969")
            #expect(response.outputText == "Hello! How can I assist you today?")
            #expect(h.sleeps.value == [.seconds(2)])

            let received = h.server.requests
            #expect(received.count == 2)
            #expect(received.allSatisfy { $0.method == "POST" && $0.uri == "/v1/responses" })
            #expect(received[0].headers["authorization"] == "Bearer \(apiKey)")
            #expect(received[0].headers["content-type"] == "application/json")
            let sentBody = try request.encodedBody()
            #expect(received[0].body == sentBody)
            #expect(h.sent.value == [
                SentRequest(method: "POST", path: "/responses", bodyBytes: sentBody.count, attempt: 1),
                SentRequest(method: "POST", path: "/responses", bodyBytes: sentBody.count, attempt: 2),
            ])
        }
    }

    @Test func aGetIsRetriedAfter500WithBackoffAndEveryRetryIsAnnounced() async throws {
        try await withHarness([
            .json(status: 500, body: #"{"error":{"message":"The server had an error"}}"#),
            .json(status: 200, body: try fixtureBody(createFile, entry: 1)),
        ]) { h in
            let response = try await h.client.retrieve("resp_012716c47e5818750068c9ef3acb74819590c9bfdd9025e969")
            #expect(response.status == .completed)
            #expect(h.sleeps.value == [.milliseconds(250)])  // 0.5 s ceiling × jitter 0.5
            #expect(h.server.requests.count == 2)
            #expect(h.notices.value.map(\.description) == [
                "the server failed (HTTP 500): The server had an error; sending GET "
                    + "/responses/resp_012716c47e5818750068c9ef3acb74819590c9bfdd9025e969 again in 1s (attempt 2 of 4)"
            ])
        }
    }

    /// A 500 may come after the response was created (and billed): a POST is not sent again.
    @Test func aPostIsNotRepeatedAfterA500() async throws {
        try await withHarness([
            .json(status: 500, body: #"{"error":{"message":"The server had an error"}}"#),
            .json(status: 200, body: try fixtureBody(createFile, entry: 0)),
        ]) { h in
            await #expect(throws: ResponsesAPIError.server(status: 500, message: "The server had an error")) {
                try await h.client.create(request)
            }
            #expect(h.server.requests.count == 1)
            #expect(h.notices.value.isEmpty)
        }
    }

    @Test func gives5xxUpAfterMaxAttempts() async throws {
        let down = ScriptedServer.Reply.json(status: 503, body: #"{"error":{"message":"overloaded"}}"#)
        try await withHarness([down, down, down], maxAttempts: 3) { h in
            await #expect(throws: ResponsesAPIError.server(status: 503, message: "overloaded")) {
                try await h.client.create(request)
            }
            #expect(h.server.requests.count == 3)
            #expect(h.sleeps.value == [.milliseconds(250), .milliseconds(500)])
        }
    }

    @Test func unauthorizedIsNotRetriedAndHidesTheKey() async throws {
        let body = #"{"error":{"message":"Incorrect API key provided: test-key-ABC123.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#
        try await withHarness([.json(status: 401, body: body)]) { h in
            do {
                _ = try await h.client.create(request)
                Issue.record("expected an authentication error")
            } catch {
                guard case .authentication(401, let message)? = error as? ResponsesAPIError else {
                    Issue.record("got \(error)")
                    return
                }
                #expect(message == "Incorrect API key provided: [redacted].")
                #expect(!String(describing: error).contains(apiKey))
            }
            #expect(h.server.requests.count == 1)
            #expect(h.sleeps.value.isEmpty)
        }
    }

    @Test func connectionRefusedIsTypedAndRetried() async throws {
        // A port that is bound but never listens refuses every connection, and, unlike a port a stopped server
        // gave back, no other test running in parallel can start listening on it meanwhile.
        let refusing = try RefusingPort()
        defer { refusing.close() }
        try await withHarness([], baseURL: URL(string: "http://127.0.0.1:\(refusing.port)/v1"), maxAttempts: 2) { h in
            do {
                _ = try await h.client.create(request)
                Issue.record("expected a connection failure")
            } catch {
                guard case .connectionFailed(let detail)? = error as? ResponsesAPIError else {
                    Issue.record("got \(error)")
                    return
                }
                #expect(detail.contains("refused"))
            }
            #expect(h.sent.value.map(\.attempt) == [1, 2])
            #expect(h.sleeps.value.count == 1)
        }
    }

    @Test func streamDeliversEventsAndFinalResponse() async throws {
        let sse = String(decoding: try Fixtures.data("openai-stream-text-2025-09.body.sse"), as: UTF8.self)
        try await withHarness([.sse(body: sse)]) { h in
            var text = ""
            var createdID: String?
            let final = try await h.client.stream(request) { event in
                switch event {
                case .created(let response): createdID = response.id
                case .textDelta(let delta): text += delta
                default: break
                }
            }
            #expect(createdID == "resp_0b70e4946283a4df0068c9ef5ef4d88194adeeb6e2283d609a")
            #expect(text == "Hello! How can I assist you today?")
            #expect(final.id == createdID)
            #expect(final.status == .completed)
            let sent = try #require(h.server.requests.first)
            #expect(sent.headers["accept"] == "text/event-stream")
            let json = try JSONSerialization.jsonObject(with: sent.body) as? [String: Any]
            #expect(json?["stream"] as? Bool == true)
        }
    }

    @Test func streamCutAfterOutputIsInterruptedAndNotRetried() async throws {
        let sse = String(decoding: try Fixtures.data("openai-stream-text-2025-09.body.sse"), as: UTF8.self)
        let marker = "event: response.output_text.delta"
        let firstDelta = try #require(sse.range(of: marker))
        let secondDelta = try #require(sse.range(of: marker, range: firstDelta.upperBound..<sse.endIndex))
        let partial = String(sse[..<secondDelta.lowerBound]) + "event: response.output_text.delta\ndata: {\"ty"
        try await withHarness([.sse(body: partial, cut: true), .sse(body: sse)]) { h in
            var events: [StreamEvent] = []
            do {
                for try await event in h.client.stream(request) { events.append(event) }
                Issue.record("expected the stream to be interrupted")
            } catch {
                #expect(error as? ResponsesAPIError
                    == .streamInterrupted(responseID: "resp_0b70e4946283a4df0068c9ef5ef4d88194adeeb6e2283d609a", afterOutput: true))
            }
            #expect(events.contains(.textDelta("Hello")))
            #expect(!events.contains { $0.isTerminal })
            #expect(h.server.requests.count == 1)
            #expect(h.sleeps.value.isEmpty)
        }
    }

    @Test func streamRequestRejectedWithJSONIsMapped() async throws {
        let body = #"{"error":{"message":"Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.","type":"invalid_request_error","param":"temperature","code":"decimal_below_min_value"}}"#
        try await withHarness([.json(status: 400, body: body)]) { h in
            var bad = request
            bad.temperature = -1
            do {
                for try await _ in h.client.stream(bad) {}
                Issue.record("expected a bad request")
            } catch {
                guard case .badRequest(400, "decimal_below_min_value", "temperature", _)? = error as? ResponsesAPIError else {
                    Issue.record("got \(error)")
                    return
                }
            }
            #expect(h.server.requests.count == 1)
        }
    }

    @Test func retrieveDeleteAndNotFound() async throws {
        let id = "resp_012716c47e5818750068c9ef3acb74819590c9bfdd9025e969"
        try await withHarness([
            .json(status: 200, body: try fixtureBody(createFile, entry: 1)),
            .json(status: 200, body: try fixtureBody(createFile, entry: 2)),
            .json(status: 404, body: try fixtureBody(createFile, entry: 3)),
        ]) { h in
            let fetched = try await h.client.retrieve(id)
            #expect(fetched.outputText == "Hello! How can I assist you today?")
            let deleted = try await h.client.delete(id)
            #expect(deleted == DeletedResponse(id: id, deleted: true))
            await #expect(throws: ResponsesAPIError.notFound(id: id, message: "Response with id '\(id)' not found.")) {
                try await h.client.retrieve(id)
            }
            #expect(h.server.requests.map { "\($0.method) \($0.uri)" } == [
                "GET /v1/responses/\(id)", "DELETE /v1/responses/\(id)", "GET /v1/responses/\(id)",
            ])
            #expect(h.sleeps.value.isEmpty)
        }
    }

    @Test func inputItemsFollowPagination() async throws {
        let page1 = #"{"object":"list","data":[{"id":"msg_1","type":"message","role":"user","content":[{"type":"input_text","text":"one"}]}],"first_id":"msg_1","last_id":"msg_1","has_more":true}"#
        let page2 = #"{"object":"list","data":[{"id":"msg_2","type":"message","role":"assistant","content":[{"type":"output_text","text":"two"}]}],"first_id":"msg_2","last_id":"msg_2","has_more":false}"#
        try await withHarness([.json(status: 200, body: page1), .json(status: 200, body: page2)]) { h in
            let items = try await h.client.inputItems("resp_x")
            #expect(items.map(\.text) == ["one", "two"])
            #expect(items.map(\.role) == ["user", "assistant"])
            #expect(h.server.requests.map(\.uri) == [
                "/v1/responses/resp_x/input_items?limit=100&order=asc",
                "/v1/responses/resp_x/input_items?limit=100&order=asc&after=msg_1",
            ])
        }
    }

    @Test func noReplyWithinTheTimeoutIsTimeout() async throws {
        try await withHarness([.silent], timeout: .milliseconds(300)) { h in
            await #expect(throws: ResponsesAPIError.timeout) { try await h.client.retrieve("resp_slow") }
            #expect(h.server.requests.count == 1)
            #expect(h.sleeps.value.isEmpty)
        }
    }

    /// A non-streamed POST that gets no answer in time is not sent again: the server may be working on it.
    @Test func aCreateWithNoReplyWithinTheTimeoutIsTimeoutAndNotSentAgain() async throws {
        try await withHarness([.silent], timeout: .milliseconds(300)) { h in
            await #expect(throws: ResponsesAPIError.timeout) {
                try await h.client.create(request)
            }
            #expect(h.server.requests.count == 1)
        }
    }

    /// 600 s by default, as OpenAI's SDK allows a request; the HTTP client may be silent as long (a non-streamed
    /// answer sends nothing until it is whole), and lookups wait at most 120 s of it.
    @Test func theDefaultTimeoutIsTenMinutesAndLookupsWaitAtMostTwo() async throws {
        #expect(ResponsesClient.defaultTimeout == .seconds(600))
        #expect(ResponsesClient.recommendedHTTPConfiguration().timeout.read == .seconds(600))
        #expect(ResponsesClient.recommendedHTTPConfiguration(timeout: .seconds(1200)).timeout.read == .seconds(1200))
        #expect(ResponsesClient.recommendedHTTPConfiguration().timeout.connect == .seconds(10))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ResponsesClient.recommendedHTTPConfiguration())
        let url = URL(string: "http://127.0.0.1:9/v1")!
        let client = ResponsesClient(baseURL: url, apiKey: apiKey, httpClient: http)
        #expect(client.timeout == .seconds(600))
        #expect(client.lookupTimeout == .seconds(120))
        let quick = ResponsesClient(baseURL: url, apiKey: apiKey, httpClient: http, timeout: .milliseconds(500))
        #expect(quick.lookupTimeout == .milliseconds(500))
        try await http.shutdown()
    }

    @Test func httpsToAPlainServerIsTLSError() async throws {
        try await withHarness([.silent]) { h in
            let url = URL(string: "https://127.0.0.1:\(h.server.port)/v1")!
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: ResponsesClient.recommendedHTTPConfiguration())
            let client = ResponsesClient(baseURL: url, apiKey: apiKey, httpClient: http, retry: .none, timeout: .seconds(5))
            do {
                _ = try await client.retrieve("resp_x")
                Issue.record("expected a TLS failure")
            } catch {
                if case .tls? = error as? ResponsesAPIError {} else { Issue.record("got \(error)") }
            }
            try await http.shutdown()
        }
    }

    @Test func streamRateLimitedBeforeOutputIsRetried() async throws {
        let sse = String(decoding: try Fixtures.data(streamFile), as: UTF8.self)
        try await withHarness([
            .json(status: 429, headers: ["Retry-After": "1"], body: #"{"error":{"message":"slow down"}}"#),
            .sse(body: sse),
        ]) { h in
            let (events, error) = await drain(h.client.stream(request))
            #expect(error == nil)
            #expect(events.filter { if case .created = $0 { true } else { false } }.count == 1)
            #expect(events.last?.isTerminal == true)
            #expect(h.sleeps.value == [.seconds(1)])
            #expect(h.server.requests.count == 2)
        }
    }

    @Test func streamEndingWithoutTerminalEventIsInterrupted() async throws {
        try await withHarness([.sse(body: try streamUpToSecondDelta())]) { h in
            let (events, error) = await drain(h.client.stream(request))
            #expect(error == .streamInterrupted(responseID: streamID, afterOutput: true))
            #expect(events.contains(.textDelta("Hello")))
            #expect(h.server.requests.count == 1)
        }
    }

    /// Before its first event a stream may already have created a response on the server: the POST is not
    /// repeated (it could be billed twice), the caller is told the stream broke.
    @Test func streamCutBeforeAnyEventIsNotRepeated() async throws {
        let sse = String(decoding: try Fixtures.data(streamFile), as: UTF8.self)
        try await withHarness([.sse(body: "event: response.created\ndata: {\"type\"", cut: true), .sse(body: sse)]) { h in
            let (events, error) = await drain(h.client.stream(request))
            #expect(error == .streamInterrupted(responseID: nil, afterOutput: false))
            #expect(events.isEmpty)
            #expect(h.server.requests.count == 1)
            #expect(h.sleeps.value.isEmpty)
        }
    }

    /// A stream that goes silent for the whole timeout after `response.created` is a timeout naming the response
    /// (not a broken connection), and the POST is not repeated.
    @Test func aStreamSilentForTheTimeoutIsStreamTimedOutNamingTheResponse() async throws {
        let sse = String(decoding: try Fixtures.data(streamFile), as: UTF8.self)
        let created = String(sse[..<sse.range(of: "event: response.in_progress")!.lowerBound])
        try await withHarness([.sse(body: created, hang: true), .sse(body: sse)], timeout: .milliseconds(300)) { h in
            let (events, error) = await drain(h.client.stream(request))
            #expect(error == .streamTimedOut(responseID: streamID))
            #expect(events.count == 1)
            #expect(h.server.requests.count == 1)
        }
    }

    /// After `response.created` the id is known: the POST is not repeated, and the error names the response.
    @Test func streamCutAfterCreatedNamesTheResponseAndIsNotRepeated() async throws {
        let sse = String(decoding: try Fixtures.data(streamFile), as: UTF8.self)
        let created = String(sse[..<sse.range(of: "event: response.in_progress")!.lowerBound])
        try await withHarness([.sse(body: created, cut: true), .sse(body: sse)]) { h in
            let (events, error) = await drain(h.client.stream(request))
            #expect(error == .streamInterrupted(responseID: streamID, afterOutput: false))
            #expect(events.count == 1)
            #expect(h.server.requests.count == 1)
        }
    }

    /// 503 turns the request away before any work: repeating the POST is safe, and announced.
    @Test func aPostIsRepeatedAfter503() async throws {
        try await withHarness([
            .json(status: 503, body: #"{"error":{"message":"overloaded"}}"#),
            .json(status: 200, body: try fixtureBody(createFile, entry: 0)),
        ]) { h in
            let response = try await h.client.create(request)
            #expect(response.status == .completed)
            #expect(h.server.requests.count == 2)
            #expect(h.notices.value.map(\.attempt) == [2])
        }
    }

    /// A server's absurd `Retry-After` waits the policy's cap and reads as hours, never a trap.
    @Test func anAbsurdRetryAfterIsCapped() async throws {
        let limited = #"{"error":{"message":"slow down"}}"#
        try await withHarness([
            .json(status: 429, headers: ["Retry-After": "1e300"], body: limited),
            .json(status: 200, body: try fixtureBody(createFile, entry: 0)),
        ]) { h in
            _ = try await h.client.create(request)
            #expect(h.sleeps.value == [.seconds(8)])
        }
        #expect(ResponsesAPIError.rateLimited(retryAfter: 1e300, message: "slow down").nextStep == "try again later")
        #expect(ResponsesAPIError.rateLimited(retryAfter: 172_800, message: "slow down").nextStep == "try again in 48h")
    }

    /// A `Retry-After: 0` (or a date in the past) never reads "try again in 0s".
    @Test func noMessageSaysZeroSeconds() {
        #expect(ResponsesAPIError.rateLimited(retryAfter: 0, message: "slow down").nextStep == "try again shortly")
        #expect(ResponsesAPIError.rateLimited(retryAfter: 0.3, message: "slow down").nextStep == "try again in 1s")
        #expect(ResponsesAPIError.rateLimited(retryAfter: 2, message: "slow down").nextStep == "try again in 2s")
        let past = RetryPolicy.parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT") ?? -1
        #expect(ResponsesAPIError.rateLimited(retryAfter: past, message: "x").description.hasSuffix("try again shortly"))
        let notice = RetryNotice(method: "POST", path: "/responses", reason: "rate limited", attempt: 2, maxAttempts: 4, delay: .zero)
        #expect(notice.description == "rate limited; sending POST /responses again shortly (attempt 2 of 4)")
        #expect(!RetryNotice(method: "GET", path: "/x", reason: "r", attempt: 2, maxAttempts: 4, delay: .milliseconds(120))
            .description.contains("0s"))
    }

    @Test func errorEventInTheStreamIsThrown() async throws {
        let failure = "event: error\ndata: {\"type\":\"error\",\"code\":\"server_error\",\"message\":\"The model crashed\",\"param\":null,\"sequence_number\":5}\n\n"
        try await withHarness([.sse(body: try streamUpToSecondDelta() + failure)]) { h in
            let (events, error) = await drain(h.client.stream(request))
            #expect(error == .streamError(code: "server_error", message: "The model crashed"))
            #expect(events.contains(.textDelta("Hello")))
            #expect(h.server.requests.count == 1)
        }
    }

    @Test func malformedEventInTheStreamIsInvalidResponse() async throws {
        let broken = "event: response.output_text.delta\ndata: {not json}\n\n"
        try await withHarness([.sse(body: try streamUpToSecondDelta() + broken)]) { h in
            let (_, error) = await drain(h.client.stream(request))
            guard case .invalidResponse(let detail)? = error else {
                Issue.record("got \(String(describing: error))")
                return
            }
            #expect(detail.contains("malformed stream event"))
            #expect(h.server.requests.count == 1)
        }
    }

    @Test func xaiStreamWithoutEventLines() async throws {
        let body = String(decoding: try Fixtures.xaiStreamBytes(), as: UTF8.self)
        try await withHarness([.sse(body: body)]) { h in
            var text = ""
            let final = try await h.client.stream(request) { event in
                if case .textDelta(let delta) = event { text += delta }
            }
            #expect(text == "hello")
            #expect(final.id == "0d7f672c-6cf5-9f88-af4b-a8b16c2c965d")
            #expect(final.usage?.reasoningTokens == 198)
        }
    }

    @Test func redirectIsNotFollowedSoTheKeyStaysPut() async throws {
        try await withHarness([
            .json(status: 307, headers: ["Location": "http://127.0.0.1:9/elsewhere"], body: ""),
        ]) { h in
            await #expect(throws: ResponsesAPIError.badRequest(status: 307, code: nil, param: nil, message: "HTTP 307 with an empty body")) {
                try await h.client.retrieve("resp_moved")
            }
            #expect(h.server.requests.count == 1)
        }
    }

    @Test func streamAnsweredWithPlainJSONBecomesEvents() async throws {
        let body = try fixtureBody("openai-max-output-tokens-incomplete.openai-dotnet.json", entry: 0)
        try await withHarness([.json(status: 200, body: body)]) { h in
            let (events, error) = await drain(h.client.stream(request))
            #expect(error == nil)
            let response = try ResponseObject(data: Data(body.utf8))
            #expect(events == [.created(response), .textDelta(response.outputText), .incomplete(response)])
            #expect(h.server.requests.count == 1)
        }
    }
}

/// A loopback TCP port held bound without listening: connecting to it is refused.
private struct RefusingPort {
    let descriptor: Int32
    let port: UInt16

    init() throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(descriptor, pointer, length) == 0 && getsockname(descriptor, pointer, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(descriptor)
            throw POSIXError(.EADDRINUSE)
        }
        self.descriptor = descriptor
        port = UInt16(bigEndian: address.sin_port)
    }

    func close() { Glibc.close(descriptor) }
}
