import AsyncHTTPClient
import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("Fault injection, auth and the request log")
struct FaultTests {
    static let fault = "X-Emulator-Fault"

    @Test("Header 429 with count: N failures with Retry-After and the flavour's body, then success", arguments: Flavor.allCases)
    func rateLimitThenSuccess(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor)) { emulator, client in
            let header = [(Self.fault, "status=429; retry-after=3; count=2")]
            for _ in 0..<2 {
                let limited = try await client.say("hi", extra: [], headers: header)
                #expect(limited.status == 429)
                #expect(limited.headers.first(name: "Retry-After") == "3")
                switch flavor {
                case .openai: #expect(limited.json["error"]?["code"]?.stringValue == "rate_limit_exceeded")
                case .xai: #expect(limited.json["code"]?.stringValue == "Some resource has been exhausted")
                }
            }
            #expect(try await client.say("hi", headers: header).status == 200)
            #expect(emulator.requestLog().map(\.status) == [429, 429, 200])
        }
    }

    @Test("Run-level --fail-first 500: the flavour's server error, then normal answers", arguments: Flavor.allCases)
    func serverErrorFirst(flavor: Flavor) async throws {
        let faults = FaultPlan(status: 500, count: 1)
        try await withEmulator(EmulatorConfiguration(flavor: flavor, faults: faults)) { _, client in
            let failed = try await client.say("hi")
            #expect(failed.status == 500)
            #expect(failed.headers.first(name: "Retry-After") == nil)
            switch flavor {
            case .openai: #expect(failed.json["error"]?["type"]?.stringValue == "server_error")
            case .xai: #expect(failed.json["code"]?.stringValue == "Internal error")
            }
            #expect(try await client.say("hi").status == 200)
        }
    }

    @Test("cut-after=N: the connection drops after N events, with no terminal event")
    func cutStream() async throws {
        try await withEmulator { _, client in
            let response = try await client.execute(
                .POST, "/v1/responses", body: #"{"model":"m","input":"one two three","stream":true}"#,
                headers: [(Self.fault, "cut-after=5")])
            #expect(response.status == .ok)
            var received = ""
            var failed = false
            do {
                for try await chunk in response.body { received += String(buffer: chunk) }
            } catch {
                failed = true
            }
            let events = parseSSE(received)
            #expect(failed, "the client sees the connection break")
            #expect(events.count == 5)
            #expect(!events.contains { $0.type == "response.completed" })
        }
    }

    @Test("malformed-event: one data line is not JSON; the rest of the stream is intact")
    func malformedEvent() async throws {
        try await withEmulator { _, client in
            let reply = try await client.say("one two", extra: [("stream", .bool(true))], headers: [(Self.fault, "malformed-event")])
            let events = parseSSE(reply.text)
            let broken = events.filter { $0.json == nil }
            #expect(broken.count == 1)
            #expect(broken.first?.event == "response.output_text.delta")
            #expect(events.last?.type == "response.completed")
        }
    }

    @Test("latency-ms and slow-stream-ms delay the answer")
    func delays() async throws {
        try await withEmulator(EmulatorConfiguration(faults: FaultPlan(latencyMilliseconds: 200))) { _, client in
            let clock = ContinuousClock()
            let plain = try await clock.measure { _ = try await client.say("hi") }
            #expect(plain >= .milliseconds(200))
            let slow = try await clock.measure {
                _ = try await client.say("a b c", extra: [("stream", .bool(true))], headers: [(Self.fault, "slow-stream-ms=30")])
            }
            // 4 opening events, 9 word deltas ("Echo: a b c (I see 0 earlier messages.)"), 4 closing; 30 ms each.
            #expect(slow >= .milliseconds(17 * 30))
        }
    }

    @Test("A bad fault header is a 400 that names the field")
    func badHeader() async throws {
        try await withEmulator { _, client in
            let reply = try await client.say("hi", headers: [(Self.fault, "status=429;explode=1")])
            #expect(reply.status == 400)
            #expect(reply.json["error"]?["message"]?.stringValue?.contains("'explode=1'") == true)
        }
    }

    @Test("Wrong or missing key: OpenAI 401 invalid_api_key (4-space body), key masked")
    func openAIAuth() async throws {
        try await withEmulator(EmulatorConfiguration(apiKey: "sk-right-key-0123456789")) { _, client in
            #expect(try await client.say("hi").status == 200)
            var wrong = client
            wrong.apiKey = "sk-wrong-key-0123456789"
            let denied = try await wrong.say("hi")
            #expect(denied.status == 401)
            #expect(denied.json["error"]?["code"]?.stringValue == "invalid_api_key")
            #expect(denied.text.hasPrefix("{\n    \"error\": {\n        \"message\"") && denied.text.hasSuffix("}\n"))
            #expect(!denied.text.contains("sk-wrong-key-0123456789"))
            #expect(denied.json["error"]?["message"]?.stringValue?.contains("sk-wrong***********6789") == true)
            wrong.apiKey = nil
            #expect(try await wrong.send(.GET, "/v1/responses/x").status == 401)
        }
    }

    @Test("Wrong key: xAI 400 with the gRPC text and a masked key")
    func xaiAuth() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: "xai-right")) { _, client in
            var wrong = client
            wrong.apiKey = "xai-wrong-key-62"
            let denied = try await wrong.say("hi")
            #expect(denied.status == 400)
            #expect(
                denied.text
                    == #"{"code":"Client specified an invalid argument","error":"Incorrect API key provided: xa***62. You can obtain an API key from https://console.x.ai."}"#)
        }
    }

    @Test("The request log records method, path, body, previous_response_id and whether a key was sent")
    func requestLog() async throws {
        try await withEmulator(EmulatorConfiguration(apiKey: "k-123")) { emulator, client in
            let first = try await client.say("hello")
            let id = try #require(first.json["id"]?.stringValue)
            _ = try await client.say("again", after: id)
            _ = try await client.send(.GET, "/v1/responses/\(id)/input_items?limit=1")
            let log = emulator.requestLog()
            #expect(log.map(\.method) == ["POST", "POST", "GET"])
            #expect(log.map(\.previousResponseID) == [nil, id, nil])
            #expect(log.allSatisfy { $0.hasAuthorization })
            #expect(log[2].query == "limit=1")

            let served = try await client.send(.GET, "/_emulator/requests")
            let entries = try #require(served.json["requests"]?.arrayValue)
            #expect(entries.count == 3)
            #expect(entries[1]["previous_response_id"]?.stringValue == id)
            #expect(entries[1]["body"]?["input"]?.stringValue == "again")
            #expect(entries[0]["authorization"]?.boolValue == true)
            #expect(!served.text.contains("k-123"))

            #expect(try await client.send(.DELETE, "/_emulator/requests").status == 200)
            #expect(emulator.requestLog().isEmpty)
        }
    }
}

extension TestClient {
    func say(_ text: String, extra: [(String, EmulatorJSON)] = [], headers: [(String, String)]) async throws -> Reply {
        try await create([("model", .string("m")), ("input", .string(text))] + extra, headers: headers)
    }
}
