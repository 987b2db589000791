import ConvoStore
import Testing

@testable import ConvoKit

@Suite struct FetchReconstructionTests {
    static let context = [
        DraftMessage(role: "user", text: "Hello, my name is Alice."), DraftMessage(role: "assistant", text: "Nice to meet you, Alice."),
    ]
    static let new = [DraftMessage(role: "user", text: "What's my name?")]

    @Test func inputItemsThatRepeatTheChainedContextKeepOnlyTheNewMessages() {
        #expect(Fetch.ownMessages(Self.context + Self.new, context: Self.context) == Self.new)
    }

    @Test func inputItemsWithOnlyTheNewMessagesAreKeptAsTheyAre() {
        #expect(Fetch.ownMessages(Self.new, context: Self.context) == Self.new)
        #expect(Fetch.ownMessages(Self.new, context: []) == Self.new)
    }

    @Test func aListThatMerelyResemblesTheContextIsNotCut() {
        let different = [DraftMessage(role: "user", text: "Hello, my name is Bob.")] + Array(Self.context.dropFirst()) + Self.new
        #expect(Fetch.ownMessages(different, context: Self.context) == different)
        #expect(Fetch.ownMessages(Self.context, context: Self.context) == Self.context)
    }

    @Test func theContextOfAConversationTakesOnlyTheNewestMessageOfAReplay() {
        let history = [
            HistoryTurn(input: [DraftMessage(role: "user", text: "a")], answer: "A", replay: false),
            HistoryTurn(
                input: [DraftMessage(role: "user", text: "a"), DraftMessage(role: "assistant", text: "A"), DraftMessage(role: "user", text: "b")],
                answer: "B", replay: true),
        ]
        #expect(ReplayHistory.messages(history).map(\.text) == ["a", "A", "b", "B"])
    }
}
