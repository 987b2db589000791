import Foundation
import Testing

@testable import ResponsesAPI

@Suite("Attachments in request bodies")
struct InputAttachmentTests {
    @Test("With attachments, content is a list: input_text, then input_image and input_file in the documented shapes")
    func contentList() throws {
        let request = CreateResponseRequest(model: "m", input: [
            .user("What is this?", attachments: [
                .image(url: InputAttachment.dataURL(mediaType: "image/png", bytes: [1, 2, 3])),
                .file(filename: "a.pdf", dataURL: "data:application/pdf;base64,JVBERi0="),
                .fileURL("https://example.com/b.pdf"),
            ])
        ])
        let json = String(decoding: try request.encodedBody(), as: UTF8.self)
        #expect(json == #"{"input":[{"content":[{"text":"What is this?","type":"input_text"},{"image_url":"data:image/png;base64,AQID","type":"input_image"},{"file_data":"data:application/pdf;base64,JVBERi0=","filename":"a.pdf","type":"input_file"},{"file_url":"https://example.com/b.pdf","type":"input_file"}],"role":"user","type":"message"}],"model":"m","store":true,"stream":false}"#)
    }

    @Test("Without attachments, content stays a string")
    func plain() throws {
        let json = String(decoding: try CreateResponseRequest(model: "m", input: [.user("Hi")]).encodedBody(), as: UTF8.self)
        #expect(json == #"{"input":[{"content":"Hi","role":"user","type":"message"}],"model":"m","store":true,"stream":false}"#)
    }

    @Test("Provider rules: xAI takes JPEG and PNG and no inline files, and advises against storing image turns")
    func rules() {
        #expect(ProviderProfile.xai.attachmentRules.imageTypes == ["image/jpeg", "image/png"])
        #expect(!ProviderProfile.xai.attachmentRules.acceptsFileData && !ProviderProfile.xai.attachmentRules.storesImages)
        #expect(ProviderProfile.openai.attachmentRules.imageTypes.contains("image/webp"))
        #expect(ProviderProfile.custom(baseURL: URL(fileURLWithPath: "/"), defaultModel: "m").attachmentRules == .openai)
    }
}
