import Foundation
import Testing

@testable import ResponsesAPI

@Suite("Provider profiles and request bodies")
struct ProviderAndRequestTests {
    @Test func profiles() {
        #expect(ProviderProfile.xai.baseURL.absoluteString == "https://api.x.ai/v1")
        #expect(ProviderProfile.xai.apiKeyEnvironmentVariable == "XAI_API_KEY")
        #expect(ProviderProfile.xai.defaultModel == "grok-4")
        #expect(ProviderProfile.openai.baseURL.absoluteString == "https://api.openai.com/v1")
        #expect(ProviderProfile.openai.apiKeyEnvironmentVariable == "OPENAI_API_KEY")
        let custom = ProviderProfile.custom(baseURL: URL(string: "http://127.0.0.1:9/v1")!, defaultModel: "m")
        #expect(custom.apiKeyEnvironmentVariable == "CONVO_API_KEY")
    }

    @Test func instructionsPerProvider() {
        let text = "Be brief."
        #expect(ProviderProfile.openai.instructionsToSend(text, hasPreviousResponse: true) == text)
        #expect(ProviderProfile.openai.instructionsToSend(text, hasPreviousResponse: false) == text)
        #expect(ProviderProfile.xai.instructionsToSend(text, hasPreviousResponse: true) == nil)
        #expect(ProviderProfile.xai.instructionsToSend(text, hasPreviousResponse: false) == text)
        let custom = ProviderProfile.custom(baseURL: URL(string: "https://llm.example/v1")!, defaultModel: "m")
        #expect(custom.instructionsToSend(text, hasPreviousResponse: true) == text)
        #expect(ProviderProfile.xai.instructionsToSend(nil, hasPreviousResponse: false) == nil)
    }

    @Test func baseURLValidation() throws {
        #expect(try ProviderProfile.validateBaseURL("https://api.x.ai/v1").host == "api.x.ai")
        #expect(try ProviderProfile.validateBaseURL("http://127.0.0.1:8080/v1").port == 8080)
        #expect(throws: Never.self) { try ProviderProfile.validateBaseURL("http://localhost/v1") }
        #expect(throws: Never.self) { try ProviderProfile.validateBaseURL("http://[::1]:80/v1") }
        #expect(throws: BaseURLError.insecureHTTP("http://api.example.com/v1")) {
            try ProviderProfile.validateBaseURL("http://api.example.com/v1")
        }
        #expect(throws: Never.self) {
            try ProviderProfile.validateBaseURL("http://api.example.com/v1", allowInsecureHTTP: true)
        }
        #expect(throws: BaseURLError.unsupportedScheme("ftp://x/v1")) { try ProviderProfile.validateBaseURL("ftp://x/v1") }
        #expect(throws: BaseURLError.malformed("not a url")) { try ProviderProfile.validateBaseURL("not a url") }
        #expect(BaseURLError.insecureHTTP("http://h/v1").description.contains("http://h/v1"))
    }

    @Test func minimalBodyOmitsNilKeys() throws {
        let request = CreateResponseRequest(model: "grok-4", input: [.user("Hi")])
        let json = String(decoding: try request.encodedBody(), as: UTF8.self)
        #expect(json == #"{"input":[{"content":"Hi","role":"user","type":"message"}],"model":"grok-4","store":true,"stream":false}"#)
    }

    @Test func fullBody() throws {
        let request = CreateResponseRequest(
            model: "gpt-4.1-mini", instructions: "Be brief.",
            input: [.user("Hello"), .assistant("Hi!"), InputMessage(role: .developer, text: "d")],
            previousResponseID: "resp_1", store: false, temperature: 0.5, maxOutputTokens: 20, stream: true)
        let object = try #require(try JSONSerialization.jsonObject(with: request.encodedBody()) as? [String: Any])
        #expect(Set(object.keys) == ["model", "instructions", "input", "previous_response_id", "store", "temperature", "max_output_tokens", "stream"])
        #expect(object["previous_response_id"] as? String == "resp_1")
        #expect(object["max_output_tokens"] as? Int == 20)
        #expect(object["temperature"] as? Double == 0.5)
        let input = try #require(object["input"] as? [[String: String]])
        #expect(input == [
            ["type": "message", "role": "user", "content": "Hello"],
            ["type": "message", "role": "assistant", "content": "Hi!"],
            ["type": "message", "role": "developer", "content": "d"],
        ])
    }
}
