import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("input_image and input_file, as each provider documents them")
struct AttachmentTests {
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3, 4])

    func message(_ parts: [EmulatorJSON]) -> [(String, EmulatorJSON)] {
        [("model", .string("m")),
         ("input", .array([.object([("role", .string("user")), ("content", .array([.object([("type", .string("input_text")), ("text", .string("Look"))])] + parts))])]))]
    }

    func image(_ url: String) -> EmulatorJSON { .object([("type", .string("input_image")), ("image_url", .string(url))]) }

    @Test("The responder says what it received", arguments: Flavor.allCases)
    func seen(flavor: Flavor) async throws {
        try await withEmulator(EmulatorConfiguration(flavor: flavor)) { _, client in
            let reply = try await client.create(message([image("data:image/png;base64," + Self.png.base64EncodedString())]))
            #expect(reply.status == 200, "\(reply.text)")
            #expect(reply.outputText == "Echo: Look (I see 0 earlier messages.) I see an image (png, 12 bytes).")
        }
    }

    @Test("OpenAI: file_data needs a filename; a data URL that is not an image is refused, in the nested envelope")
    func openaiErrors() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .openai)) { _, client in
            let noName = try await client.create(message([.object([
                ("type", .string("input_file")), ("file_data", .string("data:application/pdf;base64,JVBERi0=")),
            ])]))
            #expect(noName.status == 400)
            #expect(noName.json["error"]?["param"]?.stringValue == "input[0].content[1].filename")
            #expect(noName.json["error"]?["code"]?.stringValue == "missing_required_parameter")

            let pdfAsImage = try await client.create(message([image("data:application/pdf;base64,JVBERi0=")]))
            #expect(pdfAsImage.status == 400)
            #expect(pdfAsImage.json["error"]?["code"]?.stringValue == "invalid_image_format")
            #expect(pdfAsImage.json["error"]?["message"]?.stringValue?.contains("'application/pdf'") == true)

            let file = try await client.create(message([.object([
                ("type", .string("input_file")), ("filename", .string("a.pdf")), ("file_data", .string("data:application/pdf;base64,JVBERi0=")),
            ])]))
            #expect(file.outputText?.hasSuffix("I see a file (a.pdf, application/pdf, 5 bytes).") == true, "\(file.text)")
        }
    }

    @Test("xAI: only JPEG and PNG, no inline files, and a too large image, in the flat envelope")
    func xaiErrors() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai)) { _, client in
            let gif = try await client.create(message([image("data:image/gif;base64,R0lGODlh")]))
            #expect(gif.status == 400)
            #expect(gif.json["error"]?.stringValue?.contains("'image/gif'") == true, "\(gif.text)")
            let inline = try await client.create(message([.object([
                ("type", .string("input_file")), ("filename", .string("a.pdf")), ("file_data", .string("data:application/pdf;base64,JVBERi0=")),
            ])]))
            #expect(inline.status == 400)
            #expect(inline.json["error"]?.stringValue?.contains("file_url or file_id") == true, "\(inline.text)")
            let big = Data(count: 20 * 1024 * 1024 + 1)
            let huge = try await client.create(message([image("data:image/png;base64," + big.base64EncodedString())]))
            #expect(huge.status == 400)
            #expect(huge.json["error"]?.stringValue?.contains("larger than the limit of 20971520 bytes") == true, "\(huge.text.prefix(300))")
        }
    }
}
