import Foundation
import Testing

@testable import ResponsesAPI

/// `GET /models` bodies as OpenAI and xAI document them, read leniently.
@Suite struct ModelListTests {
    @Test func bothProvidersShapesDecodeAndUnknownFieldsAreIgnored() throws {
        let openai = #"{"object":"list","data":[{"id":"gpt-4.1","object":"model","created":1744316542,"owned_by":"system"}]}"#
        let xai = #"{"data":[{"id":"grok-4","created":1752019200,"object":"model","owned_by":"xai","aliases":["grok-4-latest"]}],"object":"list"}"#
        #expect(try ModelList(data: Data(openai.utf8)).data == [ModelInfo(id: "gpt-4.1", created: 1_744_316_542, ownedBy: "system")])
        #expect(try ModelList(data: Data(xai.utf8)).data == [ModelInfo(id: "grok-4", created: 1_752_019_200, ownedBy: "xai")])
    }

    @Test func onlyTheIdIsRequired() throws {
        let body = #"{"data":[{"id":"m"},{"id":"n","created":"yesterday","owned_by":7}]}"#
        #expect(try ModelList(data: Data(body.utf8)).data == [ModelInfo(id: "m"), ModelInfo(id: "n")])
    }

    @Test(arguments: [#"{"object":"list"}"#, #"{"data":[{"object":"model"}]}"#, "<html>", ""])
    func aBodyThatIsNoModelListIsAnInvalidResponse(body: String) {
        #expect(throws: ResponsesAPIError.self) { try ModelList(data: Data(body.utf8)) }
    }
}
