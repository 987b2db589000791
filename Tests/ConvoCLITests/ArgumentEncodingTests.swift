import Testing

@testable import ConvoCLI

/// Arguments that are not UTF-8 are found before any command runs (Swift would replace their bad bytes).
@Suite struct ArgumentEncodingTests {
    @Test func theFirstArgumentWithABadByteIsNamedWithItsOffset() {
        let arguments: [[UInt8]] = [Array("say".utf8), Array("café".utf8), [0x63, 0x61, 0x66, 0xE9, 0x20, 0x6F, 0x6B], [0xFF]]
        let bad = ArgumentEncoding.firstInvalid(arguments)
        #expect(bad?.argument == 3 && bad?.offset == 3)
        #expect(ArgumentEncoding.firstInvalid([Array("say".utf8), Array("日本語 \u{0}".utf8), []]) == nil)
        let message = ArgumentEncoding.message(arguments, (3, 3))
        #expect(message.hasPrefix(#"error: argument 3 ('caf\xe9 ok') is not valid UTF-8 (byte offset 3, counting from 0); nothing was done"#))
        #expect(message.contains("\nhint: "))
    }

    @Test func aTruncatedSequenceAndControlCharactersAreShownNotObeyed() {
        let arguments: [[UInt8]] = [[0x1B, 0x5B, 0x32, 0x4A, 0xE6, 0x97]]
        #expect(ArgumentEncoding.firstInvalid(arguments)?.offset == 4)
        #expect(ArgumentEncoding.message(arguments, (1, 4)).contains(#"('^[[2J\xe6\x97')"#))
    }
}
