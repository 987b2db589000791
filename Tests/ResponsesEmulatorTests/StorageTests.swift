import Foundation
import NIOHTTP1
import Testing

@testable import ResponsesEmulator

@Suite("What the server stores, and when it forgets")
struct StorageTests {
    @Test("GET returns the stored object byte for byte; DELETE answers response.deleted; then GET is 404")
    func getDeleteGet() async throws {
        try await withEmulator { _, client in
            let created = try await client.say("keep me")
            let id = try #require(created.json["id"]?.stringValue)
            let fetched = try await client.send(.GET, "/v1/responses/\(id)")
            #expect(fetched.status == 200)
            #expect(fetched.text == created.text)

            let deleted = try await client.send(.DELETE, "/v1/responses/\(id)")
            #expect(deleted.status == 200)
            #expect(deleted.text == "{\n  \"id\": \"\(id)\",\n  \"object\": \"response.deleted\",\n  \"deleted\": true\n}")

            let gone = try await client.send(.GET, "/v1/responses/\(id)")
            #expect(gone.status == 404)
            #expect(gone.json["error"]?["message"]?.stringValue == "Response with id '\(id)' not found.")
            let again = try await client.send(.DELETE, "/v1/responses/\(id)")
            #expect(again.status == 404)
        }
    }

    @Test("store:false is echoed, not retrievable and cannot be chained")
    func storeFalse() async throws {
        try await withEmulator { _, client in
            let reply = try await client.say("my name is Dan", extra: [("store", .bool(false))])
            #expect(reply.status == 200)
            #expect(reply.json["store"]?.boolValue == false)
            let id = try #require(reply.json["id"]?.stringValue)
            #expect(try await client.send(.GET, "/v1/responses/\(id)").status == 404)
            let chained = try await client.say("what's my name", after: id)
            #expect(chained.status == 400)
            #expect(chained.json["error"]?["code"]?.stringValue == "previous_response_not_found")
        }
    }

    @Test("Chaining to an unknown id: OpenAI 400 previous_response_not_found, exact envelope")
    func chainOpenAI() async throws {
        try await withEmulator { _, client in
            let reply = try await client.say("hi", after: "resp_missing")
            #expect(reply.status == 400)
            #expect(
                reply.text == """
                    {
                      "error": {
                        "message": "Previous response with id 'resp_missing' not found.",
                        "type": "invalid_request_error",
                        "param": "previous_response_id",
                        "code": "previous_response_not_found"
                      }
                    }
                    """)
        }
    }

    @Test("Chaining to an unknown id: xAI flat 404; GET and DELETE of unknown ids too")
    func chainXAI() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai)) { _, client in
            let id = "0d7f672c-6cf5-9f88-af4b-a8b16c2c965d"
            let reply = try await client.say("hi", after: id)
            #expect(reply.status == 404)
            #expect(reply.text == #"{"code":"Some requested entity was not found","error":"Previous response with id '\#(id)' not found."}"#)
            for method in [HTTPMethod.GET, .DELETE] {
                let missing = try await client.send(method, "/v1/responses/\(id)")
                #expect(missing.status == 404)
                #expect(missing.json["code"]?.stringValue == "Some requested entity was not found")
            }
        }
    }

    @Test("Test clock: POST /_emulator/advance ages stored responses; bad seconds are a 400 that moves nothing")
    func testClockEndpoint() async throws {
        // The clock is the system's plus what was advanced: a retention of an hour keeps the real seconds a loaded
        // machine spends between the requests from deciding the outcome.
        try await withEmulator(EmulatorConfiguration(retention: 3600, testClock: AdvanceableClock())) { _, client in
            let id = try #require(try await client.say("remember me").json["id"]?.stringValue)
            for bad in ["", "-5", "nan", "soon"] {
                let refused = try await client.send(.POST, "/_emulator/advance?seconds=\(bad)")
                #expect(refused.status == 400, "\(bad)")
                #expect(refused.json["error"]?.stringValue == "seconds must be a number >= 0, not '\(bad)'")
            }
            #expect(try await client.send(.GET, "/_emulator/advance?seconds=1").status == 405)
            let early = try await client.send(.POST, "/_emulator/advance?seconds=1800")
            #expect(early.status == 200)
            #expect(early.json["advanced"]?.doubleValue == 1800)
            #expect(try await client.send(.GET, "/v1/responses/\(id)").status == 200)
            #expect(try await client.send(.POST, "/_emulator/advance?seconds=1801").status == 200)
            #expect(try await client.send(.GET, "/v1/responses/\(id)").status == 404)
        }
    }

    @Test("Without a test clock /_emulator/advance does not exist and time is the system's")
    func noTestClockByDefault() async throws {
        #expect(EmulatorConfiguration().testClock == nil)
        try await withEmulator(EmulatorConfiguration(retention: 60)) { _, client in
            let id = try #require(try await client.say("remember me").json["id"]?.stringValue)
            let advance = try await client.send(.POST, "/_emulator/advance?seconds=3600")
            #expect(advance.status == 404)
            #expect(advance.json["error"]?["message"]?.stringValue == "Invalid URL (POST /_emulator/advance)")
            #expect(try await client.send(.GET, "/v1/responses/\(id)").status == 200)
        }
    }

    @Test("A test clock is refused on a host that is not loopback")
    func testClockOnlyOnLoopback() async throws {
        let configuration = EmulatorConfiguration(host: "0.0.0.0", testClock: AdvanceableClock())
        await #expect(throws: EmulatorError.testClockOffLoopback(host: "0.0.0.0")) { try await Emulator.start(configuration) }
    }

    @Test("Retention: after it passes, GET is 404 and chaining is previous_response_not_found", arguments: Flavor.allCases)
    func retention(flavor: Flavor) async throws {
        let clock = ManualClock()
        try await withEmulator(EmulatorConfiguration(flavor: flavor, retention: 60, clock: clock.clock)) { _, client in
            let reply = try await client.say("remember me")
            let id = try #require(reply.json["id"]?.stringValue)
            #expect(reply.json["created_at"]?.intValue == Int(clock.now.timeIntervalSince1970))
            clock.advance(by: 59)
            #expect(try await client.send(.GET, "/v1/responses/\(id)").status == 200)
            clock.advance(by: 1)
            #expect(try await client.send(.GET, "/v1/responses/\(id)").status == 404)
            let chained = try await client.say("still there?", after: id)
            switch flavor {
            case .openai: #expect(chained.json["error"]?["code"]?.stringValue == "previous_response_not_found")
            case .xai: #expect(chained.status == 404)
            }
        }
    }

    @Test("input_items: desc by default, limit/after/order paginate, instructions are not items")
    func inputItems() async throws {
        try await withEmulator { _, client in
            let input = try EmulatorJSON.parse(#"[{"role":"user","content":"a"},{"role":"assistant","content":"b"},{"role":"user","content":"c"}]"#)
            let created = try await client.create([("model", .string("m")), ("instructions", .string("sys")), ("input", input)])
            let id = try #require(created.json["id"]?.stringValue)
            func texts(_ reply: Reply) -> [String] {
                reply.json["data"]?.arrayValue?.compactMap { $0["content"]?.arrayValue?.first?["text"]?.stringValue } ?? []
            }
            let all = try await client.send(.GET, "/v1/responses/\(id)/input_items")
            #expect(all.json.objectKeys == ["object", "data", "first_id", "has_more", "last_id"])
            #expect(texts(all) == ["c", "b", "a"])
            #expect(all.json["has_more"]?.boolValue == false)
            let first = all.json["data"]?.arrayValue?.first
            #expect(first?.objectKeys == ["id", "type", "status", "content", "role"])
            #expect(all.json["first_id"] == first?["id"])

            let page1 = try await client.send(.GET, "/v1/responses/\(id)/input_items?order=asc&limit=2")
            #expect(texts(page1) == ["a", "b"])
            #expect(page1.json["has_more"]?.boolValue == true)
            let last = try #require(page1.json["last_id"]?.stringValue)
            let page2 = try await client.send(.GET, "/v1/responses/\(id)/input_items?order=asc&limit=2&after=\(last)")
            #expect(texts(page2) == ["c"])
            #expect(page2.json["has_more"]?.boolValue == false)

            #expect(try await client.send(.GET, "/v1/responses/\(id)/input_items?limit=0").status == 400)
            #expect(try await client.send(.GET, "/v1/responses/resp_nope/input_items").status == 404)
        }
    }
}
