import Foundation
import Testing

@testable import ConvoStore

/// The typed codec (``TurnCoding``) must write exactly the bytes of the generic canonical encoder and read
/// back exactly the turn the generic decoder reads; anything it does not model goes to the generic path.
@Suite struct TurnCodingTests {
    static func id(_ text: String) -> ObjectID { ObjectID.hashing(kind: .blob, payload: Array(text.utf8)) }

    /// Turns covering every field present and absent, texts needing every escape, and parameters of every kind.
    static var turns: [Turn] {
        let texts = ["", "x", "q\" b\\ n\n r\r t\t nul\u{0} bell\u{7} esc\u{1B} us\u{1F} del\u{7F} é 😀 \u{2028} \u{FEFF} /", "\\u0041"]
        var turns = GoldenBytesTests.cases.map(\.1)
        var seed: UInt64 = 11
        func next(_ bound: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(bound))
        }
        func maybe<T>(_ value: T) -> T? { next(2) == 0 ? nil : value }
        for index in 0..<300 {
            let text = texts[next(texts.count)]
            let parameters: [String: JSONValue] = next(3) == 0
                ? ["temperature": .double(0.1 * Double(index)), "n": .int(Int64(index) - 150), text: .array([.string(text), .null, .number("1e400")])]
                : [:]
            turns.append(Turn(
                parent: maybe(id("parent \(index)")),
                request: TurnRequest(
                    model: maybe(text), instructions: maybe(id("instructions \(index)")),
                    input: (0..<next(4)).map { MessageRef(role: $0 == 0 ? text : "user", content: id("input \($0)")) },
                    parameters: parameters, previousResponseID: maybe("resp_\(text)")),
                response: TurnResponse(
                    id: maybe(text), status: next(4) == 0 ? text : "completed", model: maybe("grok-4"),
                    output: (0..<next(4)).map {
                        OutputItemRef(type: $0 == 0 ? "reasoning" : "message", id: maybe("item \(text)"), role: maybe("assistant"),
                                      content: maybe(id("output \($0)")))
                    },
                    usage: maybe(TokenUsage(inputTokens: Int64(next(1000)) - 10, outputTokens: index % 7 == 0 ? Int64.min : Int64.max,
                                       cachedTokens: maybe(0), reasoningTokens: maybe(Int64(index)))),
                    raw: maybe(id("raw \(index)")), error: maybe(text)),
                origin: maybe("https://api.x.ai/v1"), stored: next(2) == 0, replay: next(2) == 0, fetched: next(2) == 0,
                createdAt: Int64(next(2_000_000_000)) - 1_000_000_000))
        }
        return turns
    }

    @Test func theFixedOrderWriterWritesTheGenericEncodersBytes() {
        for turn in Self.turns {
            #expect(TurnCoding.encode(turn) == turn.canonicalJSON.canonicalBytes, "\(turn.canonicalJSON.canonicalString)")
        }
    }

    @Test func theTypedDecoderReadsEveryCanonicalTurnAsTheGenericDecoderDoes() throws {
        for turn in Self.turns {
            let bytes = turn.canonicalJSON.canonicalBytes
            let typed = try #require(TurnCoding.decode(bytes), "\(turn.canonicalJSON.canonicalString)")
            #expect(typed == turn)
            #expect(try Turn(genericBytes: bytes) == typed)
        }
    }

    /// The texts' ids `wholeLines` reads without decoding a turn are the decoded turn's.
    @Test func theLineTextsAreTheDecodedTurnsTexts() throws {
        for turn in Self.turns {
            let bytes = turn.canonicalJSON.canonicalBytes
            let found = try #require(bytes.withUnsafeBufferPointer { TurnCoding.lineTexts($0) }, "\(turn.canonicalJSON.canonicalString)")
            #expect(found.input == turn.request.newestUserMessage?.content)
            #expect(found.output == turn.response.output.compactMap(\.content))
        }
        let truncated = Array(GoldenBytesTests.expected[0].1.utf8.dropLast())
        #expect(truncated.withUnsafeBufferPointer { TurnCoding.lineTexts($0) } == nil)
    }

    /// Bytes convo never wrote: the typed decoder declines them, and the generic path reads them as before,
    /// marked not canonical (fsck reports them), or rejects them.
    @Test func bytesTheTypedDecoderDoesNotModelGoToTheGenericPath() throws {
        let canonical = GoldenBytesTests.expected[0].1
        let readable = [
            canonical.replacingOccurrences(of: "1.0", with: "1.00"),
            canonical.replacingOccurrences(of: "{\"created_at\"", with: "{\"future\":1,\"created_at\""),
            canonical.replacingOccurrences(of: ",", with: ", "),
            canonical.replacingOccurrences(of: "\"fetched\":true", with: "\"fetched\":false"),
            canonical.replacingOccurrences(of: "\"input_tokens\":1", with: "\"input_tokens\":1.0"),
            canonical.replacingOccurrences(of: "\"id\":\"x\"", with: "\"id\":\"\\u0078\""),
            canonical.replacingOccurrences(of: "4b6cea43", with: "4B6CEA43"),
            canonical.replacingOccurrences(of: "\"created_at\":1764107640,\"fetched\":true", with: "\"fetched\":true,\"created_at\":1764107640"),
        ]
        for text in readable {
            let bytes = Array(text.utf8)
            #expect(TurnCoding.decode(bytes) == nil, "\(text)")
            let (turn, isCanonical) = try Turn.decode(bytes)
            #expect(!isCanonical, "\(text)")
            #expect(turn == (try Turn(genericBytes: bytes)))
        }
        let broken = [
            canonical.replacingOccurrences(of: "\"created_at\":1764107640,", with: ""),
            canonical + " x",
            String(canonical.dropLast()),
            canonical.replacingOccurrences(of: "\"created_at\":1764107640", with: "\"created_at\":1764107640,\"created_at\":1"),
            "",
        ]
        for text in broken {
            #expect(TurnCoding.decode(Array(text.utf8)) == nil, "\(text)")
            #expect(throws: StoreError.self) { try Turn(canonicalBytes: Array(text.utf8)) }
        }
        #expect(try Turn.decode(Array(canonical.utf8)).canonical)
    }

    /// Every prefix of a canonical turn is declined without a crash, and so is every one-byte change.
    @Test func truncatedAndDamagedBytesNeverCrashTheTypedDecoder() {
        let bytes = Self.turns[12].canonicalBytes
        for length in 0..<bytes.count { #expect(TurnCoding.decode(Array(bytes[..<length])) == nil) }
        for offset in stride(from: 0, to: bytes.count, by: 3) {
            var damaged = bytes
            damaged[offset] ^= 0x20
            if let turn = TurnCoding.decode(damaged) { #expect(turn.canonicalBytes == damaged) }
        }
    }
}

/// The index's first lines, computed without Foundation's bridged trimming, are the lines Foundation gave.
@Suite struct FirstLineTests {
    /// The implementation before: Foundation's trimming, line by line.
    static func foundationFirstLine(_ text: String) -> String {
        var rest = Substring(text)
        while !rest.isEmpty {
            let end = rest.firstIndex(where: \.isNewline) ?? rest.endIndex
            let line = rest[..<end].trimmingCharacters(in: .whitespaces)
            if !line.isEmpty { return line }
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : ""
        }
        return ""
    }

    @Test func blanksAreFoundationsWhitespaces() {
        for value in 0...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            #expect(Summary.isBlank(scalar) == CharacterSet.whitespaces.contains(scalar), "U+\(String(value, radix: 16))")
        }
    }

    @Test func firstLinesAreTheLinesFoundationTrimmed() {
        let texts = [
            "", " ", "\n\n", "hello", "  hello  ", "\n \t\nhello world \n second", "\r\nfirst\r\nsecond", "\u{2028}a\u{2029}b",
            "\u{85}x", "\u{B}\u{C}y", " \u{301}x", "\u{A0}\u{3000}\u{200B}z\u{200B}", "é\u{301} \u{1F600}\u{FE0F} ", "\0 nul\0",
            "\u{1680}\u{205F}\u{202F}", "x\u{200C}", " a b ", "\t\t\ttabs\t", "e\u{301}\n", "\u{1F1EB}\u{1F1F7}",
        ]
        for text in texts { #expect(Summary.firstLine(text) == Self.foundationFirstLine(text), "\(text.debugDescription)") }
    }

    /// The implementation before the byte scan (issue 11): scalar by scalar.
    static func scalarFirstLine(_ text: String) -> String {
        func isNewline(_ scalar: Unicode.Scalar) -> Bool { [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029].contains(scalar.value) }
        var rest = Substring(text).unicodeScalars
        while !rest.isEmpty {
            let end = rest.firstIndex(where: isNewline) ?? rest.endIndex
            var line = rest[..<end]
            while let first = line.first, Summary.isBlank(first) { line.removeFirst() }
            while let last = line.last, Summary.isBlank(last) { line.removeLast() }
            if !line.isEmpty { return String(line) }
            rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
        }
        return ""
    }

    /// The byte scan finds the same lines as the scalars did, for scalars at the ends and inside of lines, beside
    /// blanks and newlines of every length: every scalar up to U+3100 (all newlines and blanks are below it) and
    /// every 61st above, so that every lead byte of two, three and four bytes is met.
    @Test func theByteScanFindsTheLinesTheScalarsFound() {
        for value in Array(0...0x3100) + Array(stride(from: 0x3101, through: 0x10FFFF, by: 61)) {
            guard let scalar = Unicode.Scalar(value) else { continue }
            let s = String(Character(scalar))
            for text in [s, " \(s)x\(s) ", "\(s)\n\(s)y", "\u{A0}\(s)\u{2028}", "a\(s)\u{3000}", "\u{85}\(s)\u{200B}\(s)"] {
                let expected = Self.scalarFirstLine(text)
                if Summary.firstLine(text) != expected { Issue.record("U+\(String(value, radix: 16)) in \(text.debugDescription)") }
            }
        }
        for text in ["", "\n", "\r\n\r\n", "x", "\t\u{1680}\u{205F}\u{202F}\u{2000}\u{200A}\u{200B}", "\u{200C}y\u{200C}", "\u{E2}\u{80}"] {
            #expect(Summary.firstLine(text) == Self.scalarFirstLine(text), "\(text.debugDescription)")
        }
    }
}
