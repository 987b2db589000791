import ConvoStore
import Foundation
import ResponsesAPI
import Testing

@testable import ConvoKit

/// What `say` hands to the store for a response, so that later turns know whether they can chain to it.
@Suite struct SayDraftTests {
    static func response(_ json: String) throws -> ResponseObject { try ResponseObject(data: Data(json.utf8)) }

    static let request = CreateResponseRequest(
        model: "grok-4", instructions: nil, input: [.user("Earlier"), .assistant("Answer"), .user("Now")],
        previousResponseID: nil, store: true, temperature: 0.5, maxOutputTokens: 64)

    @Test func aCompletedReplayKeepsEverythingTheServerReported() throws {
        let response = try Self.response("""
            {"id":"resp_9","object":"response","created_at":1,"status":"completed","model":"grok-4-0709",
             "output":[{"type":"reasoning","id":"rs_1","summary":[]},
                       {"type":"message","id":"msg_1","role":"assistant","status":"completed",
                        "content":[{"type":"output_text","text":"Hi ","annotations":[]},{"type":"output_text","text":"there","annotations":[]}]}],
             "usage":{"input_tokens":30,"output_tokens":5,"total_tokens":35,
                      "input_tokens_details":{"cached_tokens":20},"output_tokens_details":{"reasoning_tokens":2}}}
            """)
        let exchange = Exchange(route: .replay(.expired(at: 0)), request: Self.request, response: response, replayedTurns: 1)
        let draft = Say.makeDraft(
            exchange, parent: nil, instructions: "Be brief.", origin: "https://api.x.ai/v1", stored: true, createdAt: 7)
        #expect(draft.replay)
        #expect(draft.stored)
        #expect(draft.instructions == "Be brief.")
        #expect(draft.input.map(\.role) == ["user", "assistant", "user"])
        #expect(draft.parameters == ["temperature": .double(0.5), "max_output_tokens": .int(64)])
        #expect(draft.responseID == "resp_9")
        #expect(draft.responseModel == "grok-4-0709")
        #expect(draft.output.map(\.type) == ["reasoning", "message"])
        #expect(draft.outputText == "Hi there")
        #expect(draft.usage == ConvoStore.TokenUsage(inputTokens: 30, outputTokens: 5, cachedTokens: 20, reasoningTokens: 2))
        #expect(draft.raw?.contains(#""id":"resp_9""#) == true)
        #expect(draft.origin == "https://api.x.ai/v1")
        #expect(draft.createdAt == 7)
    }

    @Test func aFailedResponseIsRecordedWithItsErrorSoTheNextTurnReplays() throws {
        let response = try Self.response("""
            {"id":"resp_f","object":"response","created_at":1,"status":"failed","model":"grok-4","output":[],
             "error":{"code":"server_error","message":"The model crashed."}}
            """)
        let draft = Say.makeDraft(
            Exchange(route: .chain(previousResponseID: "resp_8"), request: Self.request, response: response, replayedTurns: 0),
            parent: nil, instructions: nil, origin: "o", stored: true, createdAt: 1)
        #expect(draft.status == "failed")
        #expect(draft.error == "The model crashed.")
        #expect(!draft.replay)
        let next = SayPlan.route(
            tip: TipRecord(responseID: draft.responseID, status: draft.status, stored: draft.stored, origin: "o", createdAt: 1),
            origin: "o", retentionDays: 30, now: 2, forceReplay: false)
        #expect(next == .replay(.unusable(status: "failed")))
    }
}
