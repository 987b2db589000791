import Foundation
import Testing

@testable import ResponsesAPI

@Suite("Decoding recorded response bodies")
struct ResponseDecodingTests {
    @Test func createGetDeleteGet404() throws {
        let entries = try Fixtures.entries("openai-create-get-delete-get404.openai-dotnet.json")
        let created = try ResponseObject(data: entries[0].body)
        #expect(created.id == "resp_012716c47e5818750068c9ef3acb74819590c9bfdd9025e969")
        #expect(created.status == .completed)
        #expect(created.model == "gpt-4o-mini-2024-07-18")
        #expect(created.createdAt == 1_758_064_442)
        #expect(created.previousResponseID == nil)
        #expect(created.instructions == nil)
        #expect(created.store == true)
        #expect(created.outputText == "Hello! How can I assist you today?")
        #expect(created.output.map(\.type) == ["message"])
        #expect(created.output[0].id == "msg_012716c47e5818750068c9ef3b66e88195a23f9088d683cd19")
        #expect(created.output[0].role == "assistant")
        #expect(created.output[0].status == "completed")
        #expect(created.usage == Usage(inputTokens: 11, outputTokens: 10, totalTokens: 21, cachedTokens: 0, reasoningTokens: 0))
        #expect(created.incompleteReason == nil)
        #expect(created.error == nil)
        #expect(created.raw == entries[0].body)

        let fetched = try ResponseObject(data: entries[1].body)
        #expect(fetched.id == created.id)
        #expect(fetched.outputText == created.outputText)

        let deleted = try JSONDecoder().decode(DeletedResponse.self, from: entries[2].body)
        #expect(deleted == DeletedResponse(id: created.id, deleted: true))

        #expect(entries[3].status == 404)
        #expect(throws: ResponsesAPIError.self) { try ResponseObject(data: entries[3].body) }
    }

    @Test func storeFalseIsEchoed() throws {
        let entries = try Fixtures.entries("openai-store-false-then-get404.openai-dotnet.json")
        let response = try ResponseObject(data: entries[0].body)
        #expect(response.id == "resp_0e2800fd5f0ca7a60168c9ef3cb4308190b5165fa836f8862b")
        #expect(response.store == false)
        #expect(response.outputText == "Hello! How can I assist you today?")
    }

    @Test func previousResponseIDAndReasoningItem() throws {
        let entries = try Fixtures.entries("openai-previous-response-id-two-turns.openai-dotnet.json")
        let first = try ResponseObject(data: entries[0].body)
        #expect(first.id == "resp_0a7dc17d80037ac10068c9ef5fde6c819584f9330a1318e98e")
        #expect(first.outputText == "Hello, Travis! How can I assist you today?")
        #expect(first.usage?.totalTokens == 28)

        let second = try ResponseObject(data: entries[1].body)
        #expect(second.id == "resp_0a7dc17d80037ac10068c9ef60c4688195b733b7b002095bfc")
        #expect(second.previousResponseID == first.id)
        #expect(second.model == "o3-mini-2025-01-31")
        #expect(second.output.map(\.type) == ["reasoning", "message"])
        #expect(second.output[0].id == "rs_0a7dc17d80037ac10068c9ef6270a481958620006ce0c5d14a")
        #expect(second.output[0].text == nil)
        #expect(second.outputText == "Your name is Travis.")
        #expect(second.usage == Usage(inputTokens: 38, outputTokens: 70, totalTokens: 108, cachedTokens: 0, reasoningTokens: 64))
    }

    @Test func instructionsAreEchoedAndInputItemsList() throws {
        let entries = try Fixtures.entries("openai-instructions-get-input-items.openai-dotnet.json")
        let response = try ResponseObject(data: entries[0].body)
        #expect(response.instructions == "Always begin your replies with 'Arr, matey'")
        #expect(response.outputText == "Arr, matey! How can I assist ye today?")
        #expect(response.usage?.inputTokens == 26)

        let list = try InputItemList(data: entries[2].body)
        let itemID = "msg_0c44c31242c2b08c0068c9ef2c7100819783c350e42c93ead8"
        #expect(list == InputItemList(
            data: [InputItem(id: itemID, type: "message", role: "user", text: "Hello, model!")],
            firstID: itemID, lastID: itemID, hasMore: false))
    }

    @Test func incompleteForMaxOutputTokens() throws {
        let entries = try Fixtures.entries("openai-max-output-tokens-incomplete.openai-dotnet.json")
        let response = try ResponseObject(data: entries[0].body)
        #expect(response.status == .incomplete)
        #expect(response.incompleteReason == "max_output_tokens")
        #expect(response.output[0].status == "incomplete")
        #expect(response.outputText == "Mango sun-kissed sweet,  \nGolden nectar drips like rain,  \nSummer's bliss revealed")
        #expect(response.usage?.outputTokens == 20)
    }

    @Test func reasoningModel2026Shape() throws {
        let entries = try Fixtures.entries("openai-nonstream-reasoning-model-2026-02.openai-dotnet.json")
        let response = try ResponseObject(data: entries[0].body)
        #expect(response.id == "resp_070dcff077093ea200699f4e4b5e6c8193bf98816bab3bcf20")
        #expect(response.model == "gpt-5-2025-08-07")
        #expect(response.instructions == "Always begin your replies with 'Ahoy'")
        #expect(response.output.map(\.type) == ["reasoning", "message"])
        #expect(response.outputText == "Ahoy! How can I help you today?")
        #expect(response.usage?.reasoningTokens == 64)
        #expect(response.usage?.outputTokens == 89)
    }

    @Test func conversationParameterShape() throws {
        let entries = try Fixtures.entries("openai-conversation-param-2026-06.openai-dotnet.json")
        let response = try ResponseObject(data: entries[1].body)
        #expect(response.id == "resp_0903dc172c433d83006a3f193a95148197a63e0918e859de99")
        #expect(response.outputText == "Why did the scarecrow win an award?\n\nBecause he was outstanding in his field!")
        #expect(response.usage?.totalTokens == 40)
    }

    @Test func xaiBodyKeepsExactBytes() throws {
        let bytes = try Fixtures.data("xai-nonstream-grok-4.vercel-ai.json")
        let response = try ResponseObject(data: bytes)
        #expect(response.id == "868f6a34-085d-9629-8087-7d49ed5bd476")
        #expect(UUID(uuidString: response.id) != nil)
        #expect(!response.id.hasPrefix("resp_"))
        #expect(response.model == "grok-4.3")
        #expect(response.createdAt == 1_785_220_807)
        #expect(response.status == .completed)
        #expect(response.store == true)
        #expect(response.output.map(\.id) == ["rs_868f6a34-085d-9629-8087-7d49ed5bd476", "msg_868f6a34-085d-9629-8087-7d49ed5bd476"])
        #expect(response.outputText == "hello")
        #expect(response.usage == Usage(inputTokens: 197, outputTokens: 111, totalTokens: 308, cachedTokens: 128, reasoningTokens: 110))
        #expect(response.raw == bytes)
    }

    @Test func outputItemKeepsItsJSON() throws {
        let bytes = try Fixtures.data("xai-nonstream-grok-4.vercel-ai.json")
        let reasoning = try ResponseObject(data: bytes).output[0]
        let object = try JSONSerialization.jsonObject(with: reasoning.raw) as? [String: Any]
        let summary = object?["summary"] as? [[String: Any]]
        #expect(summary?.first?["text"] as? String == "The user says: \"Reply with exactly: hello\"\n")
    }

    @Test func outputItemsKeepTheServersExactBytes() throws {
        let item = #"{"type":"reasoning", "id":"rs_1","score":1.0,"big":1e400,"summary":[]}"#
        let response = try ResponseObject(data: Data((#"{"id":"r1","output":[ "# + item + #" ,{"type":"message","content":[]}]}"#).utf8))
        #expect(String(decoding: response.output[0].raw, as: UTF8.self) == item)
        #expect(String(decoding: response.output[1].raw, as: UTF8.self) == #"{"type":"message","content":[]}"#)
    }

    @Test func tokenCountsNearTheLargestIntegerWithoutATotalDoNotTrap() throws {
        let body = #"{"id":"r1","usage":{"input_tokens":9223372036854775807,"output_tokens":9223372036854775807}}"#
        let response = try ResponseObject(data: Data(body.utf8))
        #expect(response.usage?.inputTokens == Int.max)
        #expect(response.usage?.totalTokens == Int.max, "the missing total saturates")
    }

    @Test func lenientAboutMissingAndUnknownFields() throws {
        let response = try ResponseObject(data: Data(#"{"future":{"x":[1]},"status":"queued","id":"r1"}"#.utf8))
        #expect(response.id == "r1")
        #expect(response.status == .other("queued"))
        #expect(response.output.isEmpty)
        #expect(response.usage == nil)
        #expect(response.outputText == "")
    }

    @Test func failedResponseCarriesItsError() throws {
        let body = #"{"id":"resp_f","status":"failed","error":{"code":"server_error","message":"boom"}}"#
        let response = try ResponseObject(data: Data(body.utf8))
        #expect(response.status == .failed)
        #expect(response.error == ResponseFailure(code: "server_error", message: "boom"))
    }

    @Test func garbageIsATypedError() {
        #expect {
            try ResponseObject(data: Data("<html>bad gateway</html>".utf8))
        } throws: { error in
            guard case .invalidResponse(let detail) = error as? ResponsesAPIError else { return false }
            return detail.contains("bad gateway")
        }
    }

    /// Every response object in every openai-dotnet recording decodes, and agrees with a
    /// plain JSON reading of the same body on id, status, model and text.
    @Test func everyRecordedResponseObjectDecodes() throws {
        let files = try FileManager.default.contentsOfDirectory(atPath: Fixtures.directory.path)
            .filter { $0.hasSuffix(".openai-dotnet.json") }
        var checked = 0
        for file in files {
            for entry in try Fixtures.entries(file) {
                guard let object = try? JSONSerialization.jsonObject(with: entry.body) as? [String: Any],
                    object["object"] as? String == "response"
                else { continue }
                let response = try ResponseObject(data: entry.body)
                #expect(response.id == object["id"] as? String, "\(file)")
                #expect(response.status.rawValue == object["status"] as? String, "\(file)")
                #expect(response.model == object["model"] as? String, "\(file)")
                let output = object["output"] as? [[String: Any]] ?? []
                let texts = output.filter { $0["type"] as? String == "message" }
                    .flatMap { $0["content"] as? [[String: Any]] ?? [] }
                    .filter { $0["type"] as? String == "output_text" }
                    .compactMap { $0["text"] as? String }
                #expect(response.outputText == texts.joined(), "\(file)")
                #expect(!response.outputText.isEmpty, "\(file)")
                checked += 1
            }
        }
        #expect(checked == 10)
    }
}
