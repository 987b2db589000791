import ConvoKit
import Foundation
import Testing

@testable import ConvoCLI

@Suite("Chat input: lines, blocks and continuations")
struct ChatInputTests {
    private func entries(_ text: String) -> [ChatEntry] {
        let input = PipeChatInput(source: .bytes(Data(text.utf8)))
        var out: [ChatEntry] = []
        while true {
            let entry = input.next(prompt: "> ")
            out.append(entry)
            if entry == .end { return out }
        }
    }

    @Test("one message per line; blank lines between messages are skipped")
    func linesAreMessages() {
        #expect(entries("q1\n\n  \nq2\r\nq3") == [.text("q1"), .text("q2"), .text("q3"), .end])
    }

    @Test("a \"\"\" block is one message, kept byte for byte, blank lines and # included")
    func blockIsOneMessage() {
        let text = "before\n\"\"\"\n# Heading\n\n  indented\\\n\"\"\"\nafter\n"
        #expect(entries(text) == [.text("before"), .text("# Heading\n\n  indented\\"), .text("after"), .end])
    }

    @Test("a trailing backslash continues the line")
    func backslashContinues() {
        #expect(entries("one \\\ntwo\\\nthree\nfour\n") == [.text("one \ntwo\nthree"), .text("four"), .end])
    }

    @Test("an unterminated block or continuation at the end is still sent")
    func unterminatedIsSent() {
        #expect(entries("\"\"\"\na\nb") == [.text("a\nb"), .end])
        #expect(entries("a\\") == [.text("a"), .end])
    }

    @Test("nothing in, nothing out")
    func empty() {
        #expect(entries("") == [.end])
    }
}
