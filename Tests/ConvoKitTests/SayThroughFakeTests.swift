import ConvoKit
import ConvoStore
import Foundation
import ResponsesAPI
import Testing

/// `say`'s decisions through the client protocol: which route it takes, what it sends, what it records.
@Suite struct SayThroughFakeTests {
    /// A conversation of two turns (r1, r2) at the start time.
    static func twoTurns(config: [String: String] = [:]) async throws -> KitWorkspace {
        let kit = try KitWorkspace(config: config)
        try await kit.say("Hello, my name is Alice.", answeredBy: "r1")
        try await kit.say("I like tea.", answeredBy: "r2", previous: "r1")
        return kit
    }

    @Test func aLiveHeadIsContinuedWithPreviousResponseIDAndOnlyTheNewMessage() async throws {
        let kit = try await Self.twoTurns()
        let result = try await kit.say("What's my name?", answeredBy: "r3", previous: "r2")
        #expect(result.route == .chain(previousResponseID: "r2"))
        let request = try #require(kit.fake.requests.last)
        #expect(request.previousResponseID == "r2")
        #expect(request.input.map(\.text) == ["What's my name?"])
        #expect(kit.fake.calls == Array(repeating: "POST /responses", count: 3))
        #expect(kit.fake.baseURLs.allSatisfy { $0.absoluteString == KitWorkspace.baseURL })
    }

    @Test func aFirstTurnSendsJustTheMessage() async throws {
        let kit = try KitWorkspace()
        let result = try await kit.say("Hello", answeredBy: "r1")
        #expect(result.route == .fresh)
        #expect(kit.fake.requests.first?.previousResponseID == nil)
        #expect(kit.fake.requests.first?.input.map(\.text) == ["Hello"])
    }

    @Test func aHeadPastRetentionIsReplayedWithoutAskingTheServer() async throws {
        let kit = try await Self.twoTurns()
        kit.fake.expect("POST /responses", .response(try FakeResponses.response("r3", text: "Alice", createdAt: KitWorkspace.start)))
        var notices = [String]()
        let result = try await Say.run(kit.workspace(afterDays: 31), SayOptions(message: "What's my name?"), notice: { notices.append($0) })
        guard case .replay(.expired) = result.route else {
            Issue.record("expected a replay for expiry, got \(result.route)")
            return
        }
        let request = try #require(kit.fake.requests.last)
        #expect(request.previousResponseID == nil)
        #expect(request.input.map(\.text) == [
            "Hello, my name is Alice.", "answer to Hello, my name is Alice.", "I like tea.", "answer to I like tea.", "What's my name?",
        ])
        #expect(result.replayedTurns == 2)
        #expect(notices.contains { $0.hasPrefix("replaying 2 earlier turns: HEAD's response has expired") }, "\(notices)")
    }

    @Test func aResponseRecordedDeletedIsReplayed() async throws {
        let kit = try await Self.twoTurns()
        try kit.repository.write { try $0.recordRemote(RemoteKey(responseID: "r2", origin: KitWorkspace.baseURL), state: .deleted, reason: "gc --remote") }
        let result = try await kit.say("What's my name?", answeredBy: "r3")
        #expect(result.route == .replay(.deleted))
        #expect(kit.fake.requests.last?.previousResponseID == nil)
    }

    /// The server forgot HEAD's response: say replays at once, and records the response expired, so that the
    /// next command knows without asking.
    @Test func previousResponseNotFoundReplaysAndRecordsTheResponseExpired() async throws {
        let kit = try await Self.twoTurns()
        kit.fake.expect("POST /responses", .failure(.previousResponseNotFound(id: "r2", message: "Previous response with id 'r2' not found.")))
        let result = try await kit.say("What's my name?", answeredBy: "r3")
        #expect(result.route == .replay(.serverForgot(responseID: "r2")))
        #expect(kit.fake.requests.map(\.previousResponseID) == [nil, "r1", "r2", nil])
        #expect(kit.fake.requests.last?.input.count == 5)
        #expect(try kit.remoteRecord("r2")?.state == .expired)
        #expect(try kit.remoteRecord("r2")?.reason == "server 404")
        #expect(try Inspection.status(kit.workspace()).nextSay == .chain(previousResponseID: "r3"), "the new turn is live")
    }

    /// A 404 that names no response is checked by asking for the response itself; a not-found answer naming it
    /// is believed.
    @Test func anUnnamed404IsBelievedOnlyWhenTheResponseItselfIsNotFound() async throws {
        let kit = try await Self.twoTurns()
        kit.fake.expect("POST /responses", .failure(.endpointNotFound(url: KitWorkspace.baseURL + "/responses", message: "Not Found")))
        kit.fake.expect("GET /responses/r2", .failure(.notFound(id: "r2", message: "Response r2 not found")))
        let result = try await kit.say("What's my name?", answeredBy: "r3")
        #expect(result.route == .replay(.serverForgot(responseID: "r2")))
        #expect(try kit.remoteRecord("r2")?.state == .expired)
    }

    @Test func anUnnamed404ForAResponseTheServerStillHasIsAnErrorAndChangesNothing() async throws {
        let kit = try await Self.twoTurns()
        let turns = try kit.turnCount()
        kit.fake.expect("POST /responses", .failure(.endpointNotFound(url: KitWorkspace.baseURL + "/responses", message: "Not Found")))
        kit.fake.expect("GET /responses/r2", .response(try FakeResponses.response("r2", text: "still here", createdAt: KitWorkspace.start)))
        await #expect(throws: ResponsesAPIError.self) { try await Say.run(kit.workspace(), SayOptions(message: "What's my name?")) }
        #expect(try kit.remoteRecord("r2") == nil, "nothing recorded about r2")
        #expect(try kit.turnCount() == turns, "nothing committed")
        #expect(kit.fake.calls.suffix(2) == ["POST /responses", "GET /responses/r2"])
    }

    @Test func anotherFailureIsNotAReplayAndRecordsNothing() async throws {
        let kit = try await Self.twoTurns()
        let turns = try kit.turnCount()
        kit.fake.expect("POST /responses", .failure(.server(status: 500, message: "internal error")))
        await #expect(throws: ResponsesAPIError.self) { try await Say.run(kit.workspace(), SayOptions(message: "What's my name?")) }
        #expect(kit.fake.requests.count == 3, "no replay after a failure that does not say the response is gone")
        #expect(try kit.remoteRecord("r2") == nil)
        #expect(try kit.turnCount() == turns)
    }

    /// xAI rejects instructions with previous_response_id and keeps the first ones; OpenAI forgets them along a
    /// chain, so they go with every request.
    @Test(arguments: [("xai", false), ("openai", true)])
    func instructionsGoWithAChainedRequestOnlyForOpenAI(provider: String, sentWhenChained: Bool) async throws {
        let kit = try await Self.twoTurns(config: ["provider": provider, "instructions": "Be brief."])
        #expect(kit.fake.requests.first?.instructions == "Be brief.", "the first turn carries them")
        #expect(kit.fake.requests.last?.previousResponseID == "r1")
        #expect(kit.fake.requests.last?.instructions == (sentWhenChained ? "Be brief." : nil))
        try await kit.say("again", answeredBy: "r3") { $0.forceReplay = true }
        #expect(kit.fake.requests.last?.previousResponseID == nil)
        #expect(kit.fake.requests.last?.instructions == "Be brief.", "a replay always carries them")
    }

    /// The fake fails the test, naming the call, on anything it was not told to expect.
    @Test func theFakeFailsLoudlyOnAnUnexpectedCall() async throws {
        let fake = FakeResponses()
        await withKnownIssue("GET /responses/nobody-asked is not expected") {
            _ = try await fake.retrieve("nobody-asked")
        }
        #expect(fake.calls == ["GET /responses/nobody-asked"])
    }
}
