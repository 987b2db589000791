import Foundation
import HTTPTypes
import Hummingbird

/// Routes every request: `/v1/...` through auth, faults and the endpoints (and into
/// the request log), `/_emulator/requests` to the log itself.
struct EmulatorResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    let configuration: EmulatorConfiguration
    let endpoints: Endpoints
    let log: RequestLog
    let faults: FaultCounter
    let runFaults: RunFaults

    func respond(to request: Request, context: Context) async throws -> Response {
        var request = request
        // Room for the largest documented inline attachment (a 50 MB file) in base64, so the emulator's own
        // size errors, not the transport's, answer an oversized one.
        let bytes = try await request.collectBody(upTo: 96 * 1024 * 1024)
        let bodyText = bytes.readableBytes > 0 ? String(buffer: bytes) : nil
        let path = request.uri.path
        let method = request.method.rawValue
        if path == "/_emulator/requests" { return introspect(method) }
        if path == "/_emulator/advance", let testClock = configuration.testClock {
            return advance(testClock, method: method, query: Self.query(request.uri.query))
        }

        // Parsed from the bytes, not `bodyText`, which has already replaced invalid UTF-8.
        let parsedBody = bytes.readableBytes > 0 ? try? EmulatorJSON.parse(Array(buffer: bytes)) : nil
        let faultHeader = request.headers[HTTPField.Name("X-Emulator-Fault")!]
        let rendered = await answer(request, path: path, body: bodyText, parsed: parsedBody, faultHeader: faultHeader)
        log.append(
            RecordedRequest(
                method: method, path: path, query: request.uri.query ?? "", body: bodyText,
                previousResponseID: parsedBody?["previous_response_id"]?.stringValue,
                hasAuthorization: request.headers[.authorization] != nil, faultHeader: faultHeader,
                status: rendered.status.code))
        return rendered
    }

    private func answer(_ request: Request, path: String, body: String?, parsed: EmulatorJSON?, faultHeader: String?) async -> Response {
        let flavor = configuration.flavor
        do throws(APIError) {
            try authorize(request.headers[.authorization])
            let plan: FaultPlan
            do { plan = try faultHeader.map(FaultPlan.parse(header:)) ?? runFaults.current } catch { throw .badFaultHeader(error) }
            if plan.latencyMilliseconds > 0 { try? await Task.sleep(for: .milliseconds(plan.latencyMilliseconds)) }
            let isStream = request.method == .post && parsed?["stream"]?.boolValue == true
            let failing = faults.shouldFail(
                plan, key: faultHeader ?? "", applicable: plan.status != nil || (plan.breaksStreams && isStream))
            if failing, let status = plan.status {
                if plan.echoAuthorization { throw .echoedAuthorization(status: status, header: request.headers[.authorization] ?? "") }
                throw .injected(status: status, retryAfter: plan.retryAfterSeconds ?? (status == 429 ? 1 : nil))
            }
            var streamFaults = StreamFaults(delayMilliseconds: plan.slowStreamMilliseconds)
            if failing {
                streamFaults.cutAfter = plan.cutAfterEvents
                streamFaults.malformedIndex = plan.malformedEventIndex
            }
            return SSEWriter.response(for: try route(request, path: path, body: body, parsed: parsed, streamFaults: streamFaults), flavor: flavor)
        } catch {
            return SSEWriter.response(for: flavor.render(error))
        }
    }

    private func authorize(_ header: String?) throws(APIError) {
        guard let expected = configuration.apiKey else { return }
        guard let header else { throw .invalidAPIKey(sent: nil) }
        let sent = header.hasPrefix("Bearer ") ? String(header.dropFirst(7)) : header
        guard sent == expected else { throw .invalidAPIKey(sent: sent) }
    }

    private func route(_ request: Request, path: String, body: String?, parsed: EmulatorJSON?, streamFaults: StreamFaults) throws(APIError) -> Answer {
        // Split on the path's own slashes, then decode each segment, as an HTTP server does: an id sent as
        // `resp_x%2F..` is one segment holding `resp_x/..`, not a way to another endpoint.
        let parts = path.split(separator: "/", omittingEmptySubsequences: true).map { String($0).removingPercentEncoding ?? String($0) }
        if parts == ["v1", "models"], request.method == .get { return .body(status: 200, configuration.flavor.modelList()) }
        guard parts.count >= 2, parts[0] == "v1", parts[1] == "responses" else {
            throw .unknownRoute(method: request.method.rawValue, path: path)
        }
        switch (request.method, parts.count) {
        case (.post, 2):
            guard let parsed else { throw .invalidBody(body == nil ? "The body is empty." : "The body is not valid JSON.") }
            return try endpoints.create(parsed, streamFaults: streamFaults)
        case (.post, 3) where parts[2] == "compact":
            guard let parsed else { throw .invalidBody(body == nil ? "The body is empty." : "The body is not valid JSON.") }
            return try endpoints.compact(parsed)
        case (.get, 3): return try endpoints.get(parts[2])
        case (.delete, 3): return try endpoints.delete(parts[2])
        case (.get, 4) where parts[3] == "input_items":
            return try endpoints.inputItems(parts[2], query: Self.query(request.uri.query))
        default: throw .unknownRoute(method: request.method.rawValue, path: path)
        }
    }

    static func query(_ raw: String?) -> [String: String] {
        var result: [String: String] = [:]
        for pair in (raw ?? "").split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1).map {
                String($0).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0)
            }
            if let key = kv.first { result[key] = kv.count > 1 ? kv[1] : "" }
        }
        return result
    }

    /// TEST ONLY (`--test-clock`): `POST /_emulator/advance?seconds=N` moves the clock N seconds
    /// forward and answers `{"advanced":N,"now":UNIX}`.
    private func advance(_ clock: AdvanceableClock, method: String, query: [String: String]) -> Response {
        guard method == "POST" else {
            return SSEWriter.response(for: RenderedBody(status: 405, body: #"{"error":"use POST /_emulator/advance?seconds=N"}"#))
        }
        guard let seconds = query["seconds"].flatMap(Double.init), seconds.isFinite, seconds >= 0 else {
            let error = EmulatorJSON.object([("error", .string("seconds must be a number >= 0, not '\(query["seconds"] ?? "")'"))])
            return SSEWriter.response(for: RenderedBody(status: 400, body: error.serialized()))
        }
        clock.advance(by: seconds)
        let body = EmulatorJSON.object([("advanced", .double(seconds)), ("now", .int(Int(clock.now.timeIntervalSince1970)))])
        return SSEWriter.response(for: RenderedBody(status: 200, body: body.serialized(indent: 0)))
    }

    /// `GET /_emulator/requests` → `{"requests":[…]}`; `DELETE` clears the log.
    private func introspect(_ method: String) -> Response {
        switch method {
        case "GET":
            let entries = EmulatorJSON.object([("requests", .array(log.all().map(\.json)))])
            return SSEWriter.response(for: RenderedBody(status: 200, body: entries.serialized(indent: 2)))
        case "DELETE":
            log.clear()
            return SSEWriter.response(for: RenderedBody(status: 200, body: #"{"cleared":true}"#))
        default:
            return SSEWriter.response(for: RenderedBody(status: 405, body: #"{"error":"use GET or DELETE"}"#))
        }
    }
}
