import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("GET /v1/models and input_items listing every content part")
struct ModelsAndInputItemsTests {
    /// OpenAI's API reference and xAI's REST reference both document `{"object": "list", "data": [{"id",
    /// "object": "model", "created", "owned_by"}]}`; each flavour lists its provider's default model.
    @Test("The model list has the documented shape in each flavour", arguments: Flavor.allCases)
    func modelList(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor, apiKey: "key")) { emulator, _ in
            let client = TestClient(emulator, apiKey: "key")
            let reply = try await client.send(.GET, "/v1/models")
            #expect(reply.status == 200, "\(reply.text)")
            let json = reply.json
            #expect(json["object"]?.stringValue == "list")
            let models = json["data"]?.arrayValue ?? []
            #expect(models.count >= 3)
            for model in models {
                #expect(model["object"]?.stringValue == "model")
                #expect(model["id"]?.stringValue?.isEmpty == false)
                #expect(model["created"]?.intValue != nil)
                #expect(model["owned_by"]?.stringValue == (flavor == .xai ? "xai" : "system"))
            }
            let ids = models.compactMap { $0["id"]?.stringValue }
            #expect(ids.contains(flavor == .xai ? "grok-4" : "gpt-4.1-mini"), "the provider's default model is listed: \(ids)")
        }
    }

    @Test("Listing models needs the key, in the flavour's error envelope", arguments: Flavor.allCases)
    func modelListNeedsTheKey(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor, apiKey: "key")) { emulator, _ in
            let reply = try await TestClient(emulator, apiKey: "wrong").send(.GET, "/v1/models")
            #expect(reply.status == 401 || reply.status == 400, "\(reply.status) \(reply.text)")
            #expect(!reply.text.contains("\"data\""))
        }
    }

    /// A request with text, an image and a file is listed with all three parts, in order, as sent.
    @Test("input_items lists images and files, not only the text", arguments: Flavor.allCases)
    func inputItemsListEveryPart(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor)) { _, client in
            let image = EmulatorJSON.object([("type", .string("input_image")), ("image_url", .string("data:image/png;base64,iVBORw0KGgo="))])
            let file = EmulatorJSON.object([("type", .string("input_file")), ("file_url", .string("https://example.com/a.pdf"))])
            let text = EmulatorJSON.object([("type", .string("input_text")), ("text", .string("Look"))])
            let created = try await client.create([
                ("model", .string("m")),
                ("input", .array([.object([("role", .string("user")), ("content", .array([text, image, file]))])])),
            ])
            #expect(created.status == 200, "\(created.text)")
            let id = try #require(created.json["id"]?.stringValue)
            let items = try await client.send(.GET, "/v1/responses/\(id)/input_items?order=asc")
            let content = items.json["data"]?.arrayValue?.first?["content"]?.arrayValue ?? []
            #expect(content.map { $0["type"]?.stringValue ?? "" } == ["input_text", "input_image", "input_file"], "\(items.text)")
            #expect(content.first?["text"]?.stringValue == "Look")
            #expect(content.dropFirst().first?["image_url"]?.stringValue == "data:image/png;base64,iVBORw0KGgo=")
            #expect(content.last?["file_url"]?.stringValue == "https://example.com/a.pdf")
        }
    }
}
