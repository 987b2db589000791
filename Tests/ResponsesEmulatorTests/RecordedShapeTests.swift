import Foundation
import Testing

@testable import ResponsesEmulator

/// The emulator's bodies against the recorded traffic. OpenAI is compared with the
/// 2025-09 shape (`openai-create-get-delete-get404…`, `openai-stream-text-2025-09…`).
@Suite("Shapes match the recorded traffic")
struct RecordedShapeTests {
    static let createGetDelete = "openai-create-get-delete-get404.openai-dotnet.json"

    @Test("The JSON writer reproduces the recorded Content-Length of every recorded JSON body")
    func writerMatchesWire() async throws {
        var checked = 0
        for name in try Fixtures.sessionRecordNames() {
            for entry in try #require(Fixtures.json(name)["Entries"]?.arrayValue) {
                guard let body = entry["ResponseBody"], case .object = body,
                    let length = entry["ResponseHeaders"]?["Content-Length"]?.stringValue.flatMap(Int.init)
                else { continue }
                let status = entry["StatusCode"]?.intValue
                // The 401 comes from the auth layer: 4 spaces and a newline (SOURCE.md).
                let text = status == 401 ? body.serialized(indent: 4) + "\n" : body.serialized(indent: 2)
                #expect(text.utf8.count == length, "\(name) \(status ?? 0)")
                checked += 1
            }
        }
        #expect(checked >= 15)
    }

    @Test("OpenAI non-stream body: the recorded key paths in the recorded order")
    func openAIKeys() async throws {
        let recorded = try Fixtures.entry(Self.createGetDelete, 0)["ResponseBody"]!
        try await withEmulator { _, client in
            let reply = try await client.say("Hello, model!")
            #expect(keyPaths(reply.json) == keyPaths(recorded))
            #expect(reply.headers.first(name: "Content-Type") == "application/json")
            let id = try #require(reply.json["id"]?.stringValue)
            let msg = try #require(reply.json["output"]?.arrayValue?.first?["id"]?.stringValue)
            #expect(id.hasPrefix("resp_") && id.count == "resp_".count + 50)
            #expect(msg.hasPrefix("msg_"))
        }
    }

    @Test("OpenAI bodies are laid out byte for byte as the recorded one: 2 spaces, no trailing newline, floats as 1.0")
    func openAIPretty() async throws {
        let recorded = try Fixtures.entry(Self.createGetDelete, 0)
        let recordedBody = try #require(recorded["ResponseBody"])
        let recordedLength = try #require(recorded["ResponseHeaders"]?["Content-Length"]?.stringValue.flatMap(Int.init))
        try await withEmulator { _, client in
            let reply = try await client.say("Hello, model!")
            // The recording keeps the wire's length, not its whitespace: the emulator's bytes must add up to that
            // length once each value that differs (ids, times, text, token counts) is counted at its recorded size.
            let mine = leaves(reply.json), theirs = leaves(recordedBody)
            try #require(mine.map(\.path) == theirs.map(\.path))
            let valueDifference = zip(mine, theirs).reduce(0) { sum, pair in
                sum + pair.0.value.serialized().utf8.count - pair.1.value.serialized().utf8.count
            }
            #expect(reply.text.utf8.count == recordedLength + valueDifference)
            #expect(!reply.text.hasSuffix("\n"))
            #expect(reply.text.contains("\n  \"temperature\": 1.0,\n"))
            #expect(reply.text.contains("\n  \"top_p\": 1.0,\n"))
        }
    }

    /// Every scalar, empty array and empty object with its path, in document order.
    func leaves(_ value: EmulatorJSON, _ path: String = "") -> [(path: String, value: EmulatorJSON)] {
        switch value {
        case .object(let pairs) where !pairs.isEmpty: pairs.flatMap { leaves($0.1, "\(path).\($0.0)") }
        case .array(let items) where !items.isEmpty: items.enumerated().flatMap { leaves($0.1, "\(path)[\($0.0)]") }
        default: [(path, value)]
        }
    }

    @Test("OpenAI 404 and DELETE bodies have the recorded envelope exactly")
    func openAIEnvelopes() async throws {
        let recordedDelete = try Fixtures.entry(Self.createGetDelete, 2)["ResponseBody"]!
        let recorded404 = try Fixtures.entry(Self.createGetDelete, 3)["ResponseBody"]!
        try await withEmulator { _, client in
            let id = try #require(try await client.say("x").json["id"]?.stringValue)
            let deleted = try await client.send(.DELETE, "/v1/responses/\(id)")
            #expect(deleted.json.objectKeys == recordedDelete.objectKeys)
            #expect(deleted.json["object"] == recordedDelete["object"] && deleted.json["deleted"] == recordedDelete["deleted"])
            let gone = try await client.send(.GET, "/v1/responses/\(id)")
            let recordedID = try #require(recordedDelete["id"]?.stringValue)
            let expected = recorded404.serialized(indent: 2).replacingOccurrences(of: recordedID, with: id)
            #expect(gone.status == 404)
            #expect(gone.text == expected)
        }
    }

    @Test("OpenAI stream: recorded event order, framing and per-event key paths")
    func openAIStream() async throws {
        let recorded = parseSSE(try Fixtures.text("openai-stream-text-2025-09.body.sse"))
        try await withEmulator { _, client in
            let reply = try await client.say("Hello, world!", extra: [("stream", .bool(true))])
            #expect(reply.headers.first(name: "Content-Type")?.hasPrefix("text/event-stream") == true)
            #expect(!reply.text.contains("[DONE]"))
            let events = parseSSE(reply.text)
            #expect(collapsed(events.map(\.type)) == collapsed(recorded.map(\.type)))
            #expect(events.allSatisfy { $0.event == $0.type })
            #expect(events.map { $0.json?["sequence_number"]?.intValue } == Array(0..<events.count).map { Optional($0) })
            for event in events {
                let twin = try #require(recorded.first { $0.type == event.type })
                #expect(keyPaths(try #require(event.json)) == keyPaths(try #require(twin.json)), "\(event.type)")
            }
            let deltas = events.filter { $0.type == "response.output_text.delta" }.compactMap { $0.json?["delta"]?.stringValue }
            #expect(deltas.count > 1)
            #expect(deltas.joined() == events.last?.json?["response"]?["output"]?.arrayValue?.first?["content"]?.arrayValue?.first?["text"]?.stringValue)
        }
    }

    @Test("OpenAI stream cut by max_output_tokens ends with response.incomplete")
    func openAIIncompleteStream() async throws {
        try await withEmulator { _, client in
            let reply = try await client.say("a b c d", extra: [("stream", .bool(true)), ("max_output_tokens", .int(2))])
            let last = try #require(parseSSE(reply.text).last)
            #expect(last.type == "response.incomplete")
            #expect(last.json?["response"]?["incomplete_details"]?["reason"]?.stringValue == "max_output_tokens")
        }
    }

    @Test("xAI body: the key paths of the recorded grok-4 body (reasoning items aside), UUID ids")
    func xaiKeys() async throws {
        let recorded = withoutReasoning(try Fixtures.json("xai-nonstream-grok-4.vercel-ai.json"))
        try await withEmulator(EmulatorConfiguration(flavor: .xai)) { _, client in
            let reply = try await client.say("Reply with exactly: hello")
            #expect(keyPaths(reply.json) == keyPaths(recorded))
            let id = try #require(reply.json["id"]?.stringValue)
            #expect(UUID(uuidString: id) != nil && id == id.lowercased())
            #expect(reply.json["output"]?.arrayValue?.first?["id"]?.stringValue == "msg_\(id)")
            #expect(reply.json["store"]?.boolValue == true)
        }
    }

    @Test("xAI stream: the recorded text events, sequence_number first, same key paths")
    func xaiStream() async throws {
        let recorded = try Fixtures.text("xai-stream-grok-4.vercel-ai.chunks.txt").split(separator: "\n")
            .map { try EmulatorJSON.parse(String($0)) }
            .filter { !($0["type"]?.stringValue ?? "").contains("reasoning") && $0["item"]?["type"]?.stringValue != "reasoning" }
            .map(withoutReasoning)
        try await withEmulator(EmulatorConfiguration(flavor: .xai)) { _, client in
            let reply = try await client.say("hello", extra: [("stream", .bool(true))])
            let events = try parseSSE(reply.text).map { try #require($0.json) }
            #expect(collapsed(events.compactMap { $0["type"]?.stringValue }) == collapsed(recorded.compactMap { $0["type"]?.stringValue }))
            for event in events {
                #expect(event.objectKeys?.first == "sequence_number")
                let twin = try #require(recorded.first { $0["type"] == event["type"] })
                #expect(keyPaths(event) == keyPaths(twin), "\(event["type"]?.stringValue ?? "")")
            }
        }
    }
}
