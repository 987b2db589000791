import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("Context window and compaction")
struct ContextWindowTests {
    /// A user message of `words` words.
    static func words(_ count: Int) -> String { Array(repeating: "word", count: count).joined(separator: " ") }

    @Test("Past --context-window, OpenAI answers 400 context_length_exceeded in its nested envelope")
    func openAIOverflowBody() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, contextWindow: 10)) { _, client in
            #expect(try await client.say(Self.words(10)).status == 200)
            let reply = try await client.say(Self.words(11))
            #expect(reply.status == 400)
            #expect(
                reply.text == """
                    {
                      "error": {
                        "message": "Your input exceeds the context window of this model. Please adjust your input and try again.",
                        "type": "invalid_request_error",
                        "param": "input",
                        "code": "context_length_exceeded"
                      }
                    }
                    """)
        }
    }

    @Test("Past --context-window, xAI answers 400 naming the limit and the size, flat, streamed or not")
    func xaiOverflowBody() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, contextWindow: 10)) { _, client in
            for stream in [false, true] {
                let reply = try await client.say(Self.words(12), extra: [("stream", .bool(stream))])
                #expect(reply.status == 400)
                #expect(
                    reply.text
                        == #"{"code":"Client specified an invalid argument","error":"This model's maximum prompt length is 10 but the request contains 12 tokens."}"#)
            }
        }
    }

    @Test("OpenAI streams an overflow: created, in_progress, a nested error event, then response.failed")
    func openAIStreamedOverflow() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai, contextWindow: 5)) { _, client in
            let reply = try await client.say(Self.words(6), extra: [("stream", .bool(true))])
            #expect(reply.status == 200)
            let types = reply.text.split(separator: "\n").filter { $0.hasPrefix("event: ") }.map { String($0.dropFirst(7)) }
            #expect(types == ["response.created", "response.in_progress", "error", "response.failed"])
            #expect(
                reply.text.contains(
                    #"data: {"type":"error","sequence_number":2,"error":{"type":"invalid_request_error","code":"context_length_exceeded","message":"Your input exceeds the context window of this model. Please adjust your input and try again.","param":"input"}}"#
                ))
        }
    }

    @Test("The context counts what a chain holds, so a chain grows past the window", arguments: Flavor.allCases)
    func chainOverflows(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor, contextWindow: 30)) { _, client in
            let first = try await client.say(Self.words(10))
            let id = try #require(first.json["id"]?.stringValue)
            let second = try await client.say(Self.words(10), after: id)
            #expect(second.status == 400)
        }
    }

    @Test("compact: one opaque compaction item (OpenAI keeps the user messages before it) that keeps the name", arguments: Flavor.allCases)
    func compactKeepsName(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor)) { _, client in
            let history = try EmulatorJSON.parse(
                """
                [{"role":"user","content":"Hello, my name is Alice."},{"role":"assistant","content":"Nice to meet you, Alice."},
                 {"role":"user","content":"tell me about tea"},{"role":"assistant","content":"Echo: tell me about tea"}]
                """)
            let reply = try await client.send(
                .POST, "/v1/responses/compact",
                body: EmulatorJSON.object([("model", .string("m")), ("input", history)]).serialized())
            #expect(reply.status == 200)
            #expect(reply.json["object"]?.stringValue == "response.compaction")
            let output = try #require(reply.json["output"]?.arrayValue)
            let item = try #require(output.last)
            #expect(item["type"]?.stringValue == "compaction")
            #expect(output.count == (flavor == .openai ? 3 : 1))
            if flavor == .openai { #expect(output.dropLast().allSatisfy { $0["role"]?.stringValue == "user" }) }
            #expect(reply.json["usage"]?["input_tokens"]?.intValue == 19)

            // The item, sent back verbatim in place of the history, still carries the name.
            let next = EmulatorJSON.array([item, .object([("role", .string("user")), ("content", .string("What's my name?"))])])
            let answer = try await client.create([("model", .string("m")), ("input", next)])
            #expect(answer.outputText == "Your name is Alice.")
            #expect((answer.json["usage"]?["input_tokens"]?.intValue ?? 99) < 19)
        }
    }

    @Test("context_management: OpenAI compacts past compact_threshold and returns the item before the answer; xAI ignores it", arguments: Flavor.allCases)
    func contextManagement(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor)) { _, client in
            let management: (String, EmulatorJSON) = (
                "context_management", .array([.object([("type", .string("compaction")), ("compact_threshold", .int(20))])]))
            let first = try await client.say("Hello, my name is Alice. " + Self.words(10), extra: [management])
            #expect(first.json["output"]?.arrayValue?.count == 1)
            let id = try #require(first.json["id"]?.stringValue)
            let second = try await client.say(Self.words(10), after: id, extra: [management])
            let output = try #require(second.json["output"]?.arrayValue)
            #expect(output.map { $0["type"]?.stringValue ?? "" } == (flavor == .openai ? ["compaction", "message"] : ["message"]))
            // The compacted context bills less, and the chain goes on from it still knowing the name.
            let billed = try #require(second.json["usage"]?["input_tokens"]?.intValue)
            #expect(flavor == .openai ? billed < 20 : billed >= 30, "\(billed)")
            let third = try await client.say("What's my name?", after: try #require(second.json["id"]?.stringValue))
            #expect(third.outputText == "Your name is Alice.")
        }
    }

    @Test("compact refuses a conversation past the window, and a compaction item it did not write", arguments: Flavor.allCases)
    func compactRefusals(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor, contextWindow: 5)) { _, client in
            let big = try await client.send(
                .POST, "/v1/responses/compact",
                body: EmulatorJSON.object([("model", .string("m")), ("input", .string(Self.words(6)))]).serialized())
            #expect(big.status == 400)
            let forged = EmulatorJSON.array([.object([("type", .string("compaction")), ("encrypted_content", .string("not ours"))])])
            let reply = try await client.create([("model", .string("m")), ("input", forged)])
            #expect(reply.status == 400)
            #expect(reply.text.contains("input[0]"))
            let gone = try await client.send(
                .POST, "/v1/responses/compact",
                body: EmulatorJSON.object([("model", .string("m")), ("previous_response_id", .string("resp_gone"))]).serialized())
            #expect(gone.status == (flavor == .openai ? 400 : 404))
        }
    }
}
