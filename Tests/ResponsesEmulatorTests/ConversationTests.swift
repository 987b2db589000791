import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("Conversations held by the server")
struct ConversationTests {
    @Test("Alice: the server remembers the name along previous_response_id and bills the whole context", arguments: Flavor.allCases)
    func alice(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor)) { _, client in
            let first = try await client.say("Hello, my name is Alice. Remember this.", extra: [("store", .bool(true))])
            #expect(first.status == 200)
            #expect(first.outputText == "Nice to meet you, Alice.")
            let firstID = try #require(first.json["id"]?.stringValue)

            let second = try await client.say("What's my name?", after: firstID)
            #expect(second.status == 200)
            #expect(second.outputText?.contains("Alice") == true)
            #expect(second.json["previous_response_id"]?.stringValue == firstID)
            let usage = try #require(second.json["usage"])
            // Context: 7 words of turn 1, 5 of its answer, 3 of this turn. Nothing cached: no prompt_cache_key
            // (xAI), and fewer than 1024 tokens (OpenAI); PromptCacheTests has the cache.
            #expect(usage["input_tokens"]?.intValue == 15)
            #expect(usage["input_tokens_details"]?["cached_tokens"]?.intValue == 0)
            #expect(usage["output_tokens"]?.intValue == 4)
            #expect(usage["total_tokens"]?.intValue == 19)
        }
    }

    @Test("Without previous_response_id the server holds nothing")
    func noChainNoMemory() async throws {
        try await withEmulator { _, client in
            _ = try await client.say("my name is Bob")
            let reply = try await client.say("What is my name?")
            #expect(reply.outputText == "Echo: What is my name? (I see 0 earlier messages.)")
            #expect(reply.json["usage"]?["input_tokens_details"]?["cached_tokens"]?.intValue == 0)
        }
    }

    @Test("Input arrays: typed messages and assistant history count as context")
    func inputArray() async throws {
        try await withEmulator { _, client in
            let input = try EmulatorJSON.parse(
                """
                [{"role":"user","content":"my name is Carol."},
                 {"type":"message","role":"assistant","content":[{"type":"output_text","text":"Hi Carol"}]},
                 {"type":"message","role":"user","content":[{"type":"input_text","text":"what's my name"}]}]
                """)
            let reply = try await client.create([("model", .string("m")), ("input", input)])
            #expect(reply.outputText == "Your name is Carol.")
            let echo = try await client.create([
                ("model", .string("m")),
                ("input", try EmulatorJSON.parse(#"[{"role":"system","content":"x"},{"role":"user","content":"ping"}]"#)),
            ])
            #expect(echo.outputText == "Echo: ping (I see 1 earlier messages.)")
        }
    }

    @Test("OpenAI does not carry instructions over a chain; each turn bills only its own")
    func openAIInstructions() async throws {
        try await withEmulator { _, client in
            let first = try await client.say("hi there", extra: [("instructions", .string("Be very brief"))])
            #expect(first.json["instructions"]?.stringValue == "Be very brief")
            #expect(first.json["usage"]?["input_tokens"]?.intValue == 2 + 3)
            let id = try #require(first.json["id"]?.stringValue)
            let second = try await client.say("again", after: id)
            #expect(second.json["instructions"]?.isNull == true)
            // hi there + answer (Echo: hi there (I see 0 earlier messages.) = 8) + again; no instructions.
            #expect(second.json["usage"]?["input_tokens"]?.intValue == 2 + 8 + 1)
        }
    }

    @Test("xAI keeps the first turn's instructions and rejects instructions with previous_response_id")
    func xaiInstructions() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai)) { _, client in
            let first = try await client.say("hi there", extra: [("instructions", .string("Be very brief"))])
            let id = try #require(first.json["id"]?.stringValue)
            let second = try await client.say("again", after: id)
            #expect(second.status == 200)
            #expect(second.json["usage"]?["input_tokens"]?.intValue == 2 + 8 + 1 + 3)

            let both = try await client.say("again", after: id, extra: [("instructions", .string("x"))])
            #expect(both.status == 400)
            #expect(
                both.text
                    == #"{"code":"Client specified an invalid argument","error":"Argument not supported: instructions and previous_response_id together"}"#)
        }
    }

    @Test("max_output_tokens cuts the answer: status incomplete, reason, truncated text")
    func maxOutputTokens() async throws {
        try await withEmulator { _, client in
            let reply = try await client.say("one two three four", extra: [("max_output_tokens", .int(3))])
            #expect(reply.json["status"]?.stringValue == "incomplete")
            #expect(reply.json["incomplete_details"] == .object([("reason", .string("max_output_tokens"))]))
            #expect(reply.json["output"]?.arrayValue?.first?["status"]?.stringValue == "incomplete")
            #expect(reply.outputText == "Echo: one two")
            #expect(reply.json["usage"]?["output_tokens"]?.intValue == 3)
            #expect(reply.json["max_output_tokens"]?.intValue == 3)
        }
    }

    @Test("Request validation answers like the real API")
    func validation() async throws {
        try await withEmulator { _, client in
            let noModel = try await client.create([("input", .string("x"))])
            #expect(noModel.status == 400)
            #expect(noModel.json["error"]?["code"]?.stringValue == "missing_required_parameter")
            #expect(noModel.json["error"]?["param"]?.stringValue == "model")

            let cold = try await client.say("x", extra: [("temperature", .int(-1))])
            #expect(cold.status == 400)
            #expect(
                cold.json["error"]
                    == .object([
                        ("message", .string("Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -1 instead.")),
                        ("type", .string("invalid_request_error")), ("param", .string("temperature")),
                        ("code", .string("decimal_below_min_value")),
                    ]))

            let garbage = try await client.send(.POST, "/v1/responses", body: "{not json")
            #expect(garbage.status == 400)
            #expect(garbage.json["error"]?["type"]?.stringValue == "invalid_request_error")

            // GET /v1/models is served (ModelsAndInputItemsTests); a path the emulator does not serve is not.
            let nowhere = try await client.send(.GET, "/v1/engines")
            #expect(nowhere.status == 404)
            #expect(nowhere.json["error"]?["message"]?.stringValue == "Invalid URL (GET /v1/engines)")
        }
    }
}
