import ConvoStore
import ResponsesAPI
import Testing

@testable import ConvoKit

@Suite struct SayPlanRouteTests {
    static let origin = "https://api.x.ai/v1"
    static let now: Int64 = 1_764_000_000

    static func tip(
        id: String? = "resp_1", status: String = "completed", stored: Bool = true, origin: String? = origin,
        age: Int64 = 3_600
    ) -> TipRecord {
        TipRecord(responseID: id, status: status, stored: stored, origin: origin, createdAt: now - age)
    }

    func route(_ tip: TipRecord?, origin: String = origin, retention: Int = 30, force: Bool = false) -> SayRoute {
        SayPlan.route(tip: tip, origin: origin, retentionDays: retention, now: Self.now, forceReplay: force)
    }

    @Test func aNewConversationSendsJustTheMessageEvenWhenReplayIsForced() {
        #expect(route(nil) == .fresh)
        #expect(route(nil, force: true) == .fresh)
    }

    @Test func aLiveStoredResponseOfTheSameServerIsChained() {
        #expect(route(Self.tip()) == .chain(previousResponseID: "resp_1"))
        #expect(route(Self.tip(status: "incomplete")) == .chain(previousResponseID: "resp_1"))
        #expect(route(Self.tip(), origin: Self.origin + "/") == .chain(previousResponseID: "resp_1"))
    }

    @Test func forcedReplayWins() {
        #expect(route(Self.tip(), force: true) == .replay(.forced))
    }

    @Test func unusableResponsesReplay() {
        #expect(route(Self.tip(status: "failed")) == .replay(.unusable(status: "failed")))
        #expect(route(Self.tip(id: nil, status: "incomplete")) == .replay(.unusable(status: "incomplete")))
        #expect(route(Self.tip(id: nil)) == .replay(.notStored))
        #expect(route(Self.tip(stored: false)) == .replay(.notStored))
    }

    @Test func anotherServersResponseIsNeverSentBack() {
        #expect(route(Self.tip(origin: "http://127.0.0.1:9/v1")) == .replay(.otherOrigin("http://127.0.0.1:9/v1")))
        #expect(route(Self.tip(origin: nil)) == .replay(.otherOrigin(nil)))
    }

    @Test func retentionDaysDecideExpiry() {
        let day: Int64 = 86_400
        #expect(route(Self.tip(age: 30 * day - 1)) == .chain(previousResponseID: "resp_1"))
        #expect(route(Self.tip(age: 30 * day)) == .replay(.expired(at: Self.now)))
        #expect(route(Self.tip(age: 2 * day), retention: 1) == .replay(.expired(at: Self.now - day)))
    }
}

@Suite struct SayPlanRequestTests {
    static let history = [
        HistoryTurn(input: [DraftMessage(role: "user", text: "Hello, my name is Alice.")], answer: "Nice to meet you, Alice.", replay: false),
        HistoryTurn(input: [DraftMessage(role: "user", text: "I live in Rome.")], answer: "Rome is lovely.", replay: false),
        // A replay re-sent everything before it; only its own message is new.
        HistoryTurn(
            input: [
                DraftMessage(role: "user", text: "Hello, my name is Alice."), DraftMessage(role: "assistant", text: "Nice to meet you, Alice."),
                DraftMessage(role: "user", text: "I live in Rome."), DraftMessage(role: "assistant", text: "Rome is lovely."),
                DraftMessage(role: "user", text: "What's my name?"),
            ], answer: "Your name is Alice.", replay: true),
    ]

    @Test func replayInputIsEveryEarlierMessageOnceOldestFirstThenTheNewOne() {
        let input = SayPlan.replayInput(history: Self.history, message: "And where do I live?")
        #expect(input == [
            .user("Hello, my name is Alice."), .assistant("Nice to meet you, Alice."),
            .user("I live in Rome."), .assistant("Rome is lovely."),
            .user("What's my name?"), .assistant("Your name is Alice."),
            .user("And where do I live?"),
        ])
    }

    @Test func aTurnWithoutAnAnswerKeepsItsQuestion() {
        let failed = [HistoryTurn(input: [DraftMessage(role: "user", text: "Q")], answer: "", replay: false)]
        #expect(SayPlan.replayInput(history: failed, message: "again") == [.user("Q"), .user("again")])
    }

    func request(_ route: SayRoute, _ profile: ProviderProfile) -> CreateResponseRequest {
        SayPlan.request(
            route: route, message: "new", history: Self.history, profile: profile, model: "m", instructions: "Be brief.",
            store: true, temperature: 0.5, maxOutputTokens: 100)
    }

    @Test func xaiGetsInstructionsOnlyWithoutPreviousResponse() {
        let chained = request(.chain(previousResponseID: "r1"), .xai)
        #expect(chained.previousResponseID == "r1")
        #expect(chained.instructions == nil)
        #expect(chained.input == [.user("new")])
        #expect(request(.fresh, .xai).instructions == "Be brief.")
        let replay = request(.replay(.expired(at: 0)), .xai)
        #expect(replay.instructions == "Be brief.")
        #expect(replay.previousResponseID == nil)
        #expect(replay.input.count == 7)
    }

    @Test func openaiGetsInstructionsOnEveryTurn() {
        let chained = request(.chain(previousResponseID: "r1"), .openai)
        #expect(chained.instructions == "Be brief.")
        #expect(chained.previousResponseID == "r1")
        #expect(chained.temperature == 0.5)
        #expect(chained.maxOutputTokens == 100)
    }
}

@Suite struct RemoteStateRouteTests {
    static let now: Int64 = 1_764_000_000

    func route(_ observed: ObservedRemoteState?, age: Int64 = 3_600) -> SayRoute {
        let tip = TipRecord(
            responseID: "resp_1", status: "completed", stored: true, origin: SayPlanRouteTests.origin, createdAt: Self.now - age,
            observed: observed)
        return SayPlan.route(tip: tip, origin: SayPlanRouteTests.origin, retentionDays: 30, now: Self.now, forceReplay: false)
    }

    @Test func aResponseObservedGoneReplaysAtOnceWithinRetention() {
        #expect(route(nil) == .chain(previousResponseID: "resp_1"))
        #expect(route(.live) == .chain(previousResponseID: "resp_1"))
        #expect(route(.deleted) == .replay(.deleted))
        #expect(route(.expired).isReplay)
    }

    @Test func expiryIsCreationPlusRetentionDays() throws {
        #expect(Retention.expiresAt(createdAt: 100, days: 30) == 100 + 30 * 86_400)
        #expect(try Retention.days(configured: nil) == 30)
        #expect(try Retention.days(configured: "7") == 7)
        // A stored value that is not a valid day count is an error naming the key, not a silent default.
        #expect(throws: ConvoError.self) { try Retention.days(configured: "nonsense") }
        #expect(throws: ConvoError.self) { try Retention.days(configured: "106751991167300") }
        #expect(route(nil, age: 30 * 86_400) == .replay(.expired(at: Self.now)))
        #expect(route(nil, age: 30 * 86_400 - 1) == .chain(previousResponseID: "resp_1"))
    }
}
