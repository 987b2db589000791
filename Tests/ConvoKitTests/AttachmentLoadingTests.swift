import Foundation
import Testing

@testable import ConvoKit

@Suite("Reading say -a attachments")
struct AttachmentLoadingTests {
    @Test("Types come from the bytes, not the name")
    func magicBytes() {
        #expect(MediaType.detect([0xFF, 0xD8, 0xFF, 0xE0], name: "x.png") == "image/jpeg")
        #expect(MediaType.detect(Array("GIF89a..".utf8), name: "x") == "image/gif")
        #expect(MediaType.detect(Array("RIFF\0\0\0\0WEBPVP8".utf8), name: "x") == "image/webp")
        #expect(MediaType.detect(Array("%PDF-1.7".utf8), name: "x.txt") == "application/pdf")
        #expect(MediaType.detect([0x50, 0x4B, 0x03, 0x04], name: "zip.zip") == nil)
        #expect(MediaType.detect(Array("plain".utf8), name: "x.png") == nil)
        #expect(MediaType.text(Array("héllo".utf8)) == "héllo")
        #expect(MediaType.text([0x68, 0, 0x69]) == nil)
        #expect(MediaType.text([0xFF, 0xFE]) == nil)
    }

    @Test("A text file's fence is longer than any backtick run inside it")
    func fence() {
        #expect(Attachments.fenced("a\n", name: "n.md") == "n.md:\n```\na\n```")
        #expect(Attachments.fenced("```swift\nx\n```", name: "r.md") == "r.md:\n````\n```swift\nx\n```\n````")
    }
}
