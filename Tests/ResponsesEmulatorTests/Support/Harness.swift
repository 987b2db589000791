import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Testing

@testable import ResponsesEmulator

/// An answer as a client sees it.
struct Reply {
    var status: Int
    var headers: HTTPHeaders
    var text: String

    /// The body parsed with key order kept; records a test failure if it is not JSON.
    var json: EmulatorJSON {
        do { return try EmulatorJSON.parse(text) } catch {
            Issue.record("body is not JSON (\(error)): \(text)")
            return .null
        }
    }

    /// The text of the first output message.
    var outputText: String? {
        json["output"]?.arrayValue?.first { $0["type"]?.stringValue == "message" }?["content"]?.arrayValue?.first?["text"]?.stringValue
    }
}

/// A tiny AsyncHTTPClient wrapper bound to one emulator.
struct TestClient {
    let root: String
    var apiKey: String?

    init(_ emulator: RunningEmulator, apiKey: String? = nil) {
        root = "http://127.0.0.1:\(emulator.port)"
        self.apiKey = apiKey
    }

    func send(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> Reply {
        let response = try await execute(method, path, body: body, headers: headers)
        let bytes = try await response.body.collect(upTo: 8 * 1024 * 1024)
        return Reply(status: Int(response.status.code), headers: response.headers, text: String(buffer: bytes))
    }

    func execute(
        _ method: HTTPMethod, _ path: String, body: String? = nil, headers: [(String, String)] = []
    ) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: root + path)
        request.method = method
        if let apiKey { request.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        // Only a guard against a hang: on a loaded machine a debug-built emulator takes well over 30 s to parse the
        // 28 MB body of the too-large-image test.
        return try await HTTPClient.shared.execute(request, timeout: .seconds(180))
    }

    /// `POST /v1/responses` with a JSON body built from `fields`.
    func create(_ fields: [(String, EmulatorJSON)], headers: [(String, String)] = []) async throws -> Reply {
        try await send(.POST, "/v1/responses", body: EmulatorJSON.object(fields).serialized(), headers: headers)
    }

    /// One user turn, optionally chained.
    func say(_ text: String, after previous: String? = nil, model: String = "gpt-4o-mini", extra: [(String, EmulatorJSON)] = [])
        async throws -> Reply
    {
        var fields: [(String, EmulatorJSON)] = [("model", .string(model)), ("input", .string(text))]
        if let previous { fields.append(("previous_response_id", .string(previous))) }
        return try await create(fields + extra)
    }
}

/// Starts an emulator, runs `body`, and stops the emulator whatever happens.
func withEmulator(
    _ configuration: EmulatorConfiguration = EmulatorConfiguration(),
    _ body: (RunningEmulator, TestClient) async throws -> Void
) async throws {
    let emulator = try await Emulator.start(configuration)
    do {
        try await body(emulator, TestClient(emulator, apiKey: configuration.apiKey))
    } catch {
        await emulator.stop()
        throw error
    }
    await emulator.stop()
}

/// One SSE event as parsed from the wire.
struct WireEvent {
    var event: String?
    var data: String

    var json: EmulatorJSON? { try? EmulatorJSON.parse(data) }
    var type: String { json?["type"]?.stringValue ?? event ?? "" }
}

/// Splits an SSE body into events (`event:` / `data:` lines, blank-line separated).
func parseSSE(_ text: String) -> [WireEvent] {
    text.components(separatedBy: "\n\n").compactMap { block in
        var event: String?
        var data: [String] = []
        for line in block.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("event: ") { event = String(line.dropFirst(7)) }
            if line.hasPrefix("data: ") { data.append(String(line.dropFirst(6))) }
        }
        return data.isEmpty ? nil : WireEvent(event: event, data: data.joined(separator: "\n"))
    }
}
