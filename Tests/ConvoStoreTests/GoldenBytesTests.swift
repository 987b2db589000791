import Foundation
import Testing

@testable import ConvoStore

/// Bytes that the canonical encoder of convo before issue 9 wrote for representative turns; every
/// existing repository holds turns like these, so the encoder must keep producing exactly these
/// bytes (and ids), and decoding them must give them back.
@Suite struct GoldenBytesTests {
    static let blob = ObjectID.hashing(kind: .blob, payload: Array("x".utf8))

    static func turn(_ parameters: [String: JSONValue], text: String = "x") -> Turn {
        Turn(
            parent: nil,
            request: TurnRequest(model: "grok-4", input: [MessageRef(role: "user", content: blob)], parameters: parameters),
            response: TurnResponse(id: text, output: [OutputItemRef(type: "message", role: "assistant", content: blob)], usage: TokenUsage(inputTokens: 1, outputTokens: 2, cachedTokens: 0, reasoningTokens: 3)),
            origin: "https://api.x.ai/v1", stored: true, replay: true, fetched: true, createdAt: 1_764_107_640)
    }

    static let cases: [(String, Turn)] = [
        ("temperature 1", turn(["temperature": .double(1)])),
        ("temperature 0.7", turn(["temperature": .double(0.7), "max_output_tokens": .int(20)])),
        ("temperature 0", turn(["temperature": .double(0)])),
        ("temperature -0", turn(["temperature": .double(-0.0)])),
        ("small", turn(["a": .double(1e-7), "b": .double(0.1), "c": .double(2.5e-300), "d": .double(5e-324)])),
        ("large", turn(["a": .double(1e15), "b": .double(999_999_999_999_999), "c": .double(1e300), "d": .double(-1.7976931348623157e308), "e": .double(9007199254740993)])),
        ("integers", turn(["a": .int(Int64.max), "b": .int(Int64.min), "c": .int(0), "d": .int(9007199254740993)])),
        ("nested", turn(["a": .array([.null, .bool(true), .bool(false), .object(["z": .int(1), "A": .string("é")])]), "b": .object([:])])),
        ("strings", turn([:], text: "q\" b\\ n\n r\r t\t nul\u{0} bell\u{7} esc\u{1B} del\u{7F} é 😀 \u{2028} \u{FEFF} /")),
        ("keys", turn(["é": .int(1), "z": .int(2), "Z": .int(3), "😀": .int(4), "\u{FFFF}": .int(5), "_": .int(6)])),
    ]

    /// (name, bytes, id) as the encoder before issue 9 wrote them (printed from its build, commit e50cdbb).
    /// One deliberate difference: `-0.0` was written `0.0`, losing its sign; it is now `-0.0` (no
    /// stored turn changes id: stored `0.0` still reads and re-encodes as `0.0`).
    static let expected: [(String, String, String)] = [
        ("temperature 1", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\",\"parameters\":{\"temperature\":1.0}},\"response\":{\"id\":\"x\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "6d6eb0e888869ed5f625ff65a30421d2cbfa369b899b1724754b19e61d65817f"),
        ("temperature 0.7", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\",\"parameters\":{\"max_output_tokens\":20,\"temperature\":0.7}},\"response\":{\"id\":\"x\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "8e0246b6e696f35edcce0a40e818d2277a7ae2f4a6b38a021bf9656eebaad9ce"),
        ("temperature 0", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\",\"parameters\":{\"temperature\":0.0}},\"response\":{\"id\":\"x\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "9f150ea936a104a92482563af707b0f21b598e0db53ca5748c37bb5b82f0e27a"),
        ("temperature -0", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\",\"parameters\":{\"temperature\":0.0}},\"response\":{\"id\":\"x\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "9f150ea936a104a92482563af707b0f21b598e0db53ca5748c37bb5b82f0e27a"),
        ("small", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\",\"parameters\":{\"a\":1e-07,\"b\":0.1,\"c\":2.5e-300,\"d\":5e-324}},\"response\":{\"id\":\"x\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "cfd99df82c9964222707f35e753caaa6af7129d9d28ca0dd66007f76bec4b7d8"),
        ("large", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\",\"parameters\":{\"a\":1000000000000000.0,\"b\":999999999999999.0,\"c\":1e+300,\"d\":-1.7976931348623157e+308,\"e\":9007199254740992.0}},\"response\":{\"id\":\"x\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "e2a759440672a91c59a541ee0b152387a0285889471d8a08002c9b9687557127"),
        ("integers", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\",\"parameters\":{\"a\":9223372036854775807,\"b\":-9223372036854775808,\"c\":0,\"d\":9007199254740993}},\"response\":{\"id\":\"x\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "92cc7f2e6a720d0889c42511ecce74b0c2ff55f71cf5fb5099e8f1c6c5b8cccd"),
        ("nested", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\",\"parameters\":{\"a\":[null,true,false,{\"A\":\"é\",\"z\":1}],\"b\":{}}},\"response\":{\"id\":\"x\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "403172fc00b9030891464da595e75dfcb8b546a9f7765dfdce460f6eb95921ac"),
        ("strings", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\"},\"response\":{\"id\":\"q\\\" b\\\\ n\\n r\\r t\\t nul\\u0000 bell\\u0007 esc\\u001b del\u{7F} é 😀 \u{2028} \u{FEFF} /\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "4c28cf999cdebfc9205e4c0005467ae6bc815fd28ce0c4e722716a42f4ff3f48"),
        ("keys", "{\"created_at\":1764107640,\"fetched\":true,\"origin\":\"https://api.x.ai/v1\",\"replay\":true,\"request\":{\"input\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"user\"}],\"model\":\"grok-4\",\"parameters\":{\"Z\":3,\"_\":6,\"z\":2,\"é\":1,\"\u{FFFF}\":5,\"😀\":4}},\"response\":{\"id\":\"x\",\"output\":[{\"content\":\"4b6cea43da6e13c24f191bcb97b51a58781d1ccdd8281d96291a2582f5177b78\",\"role\":\"assistant\",\"type\":\"message\"}],\"status\":\"completed\",\"usage\":{\"cached_tokens\":0,\"input_tokens\":1,\"output_tokens\":2,\"reasoning_tokens\":3}},\"stored\":true}", "e1503035e615dc6625c07dd9782ca7259e2627ffdba57a08ae247108b238c0f7"),
    ]

    @Test func todaysEncoderWritesTheBytesExistingRepositoriesHold() throws {
        for ((name, turn), (expectedName, bytes, id)) in zip(Self.cases, Self.expected) {
            #expect(name == expectedName)
            if name == "temperature -0" {
                #expect(String(decoding: turn.canonicalBytes, as: UTF8.self) == bytes.replacingOccurrences(of: "0.0", with: "-0.0"))
                continue
            }
            #expect(String(decoding: turn.canonicalBytes, as: UTF8.self) == bytes, "\(name)")
            #expect(turn.id.hex == id, "\(name)")
        }
    }

    @Test func everyExistingTurnDecodesAndReencodesToItsOwnBytes() throws {
        for (name, bytes, id) in Self.expected {
            let decoded = try Turn(canonicalBytes: Array(bytes.utf8))
            #expect(String(decoding: decoded.canonicalBytes, as: UTF8.self) == bytes, "\(name)")
            #expect(decoded.id.hex == id, "\(name)")
        }
    }

    @Test func fsckNamesATurnWhoseBytesDoNotReencodeToThemselves() throws {
        let repository = try Repository.inMemory()
        let canonical = Self.expected[0].1
        let variants = [
            canonical.replacingOccurrences(of: "1.0", with: "1.00"),
            canonical.replacingOccurrences(of: "{\"created_at\"", with: "{\"future\":1,\"created_at\""),
            canonical.replacingOccurrences(of: ",", with: ", "),
        ]
        let ids = try repository.write { writer in
            _ = try writer.putBlob("x")
            return try ([canonical] + variants).map { try writer.put(kind: .turn, bytes: Array($0.utf8)) }
        }
        let problems = try repository.read { try $0.fsck().problems }.filter { $0.kind == "non-canonical" }
        #expect(problems.map(\.subject).sorted() == ids.dropFirst().map(\.hex).sorted())
        #expect(problems.allSatisfy { $0.detail.contains("re-encoded") })
    }
}
