import Foundation
import Testing

@testable import ConvoStore

/// Fixed vectors computed independently (Python: hashlib.sha256, json.dumps(sort_keys=True, separators=(",", ":"))).
@Suite struct CanonicalEncodingTests {
    @Test func blobIDsAreSHA256OfHeaderAndBytes() {
        #expect(ObjectID.hashing(kind: .blob, payload: Array("hello".utf8)).hex
            == "8aec4e4876f854f688d0ebfc8f37598f38e5fd6903cccc850ca36591175aeb60")
        #expect(ObjectID.hashing(kind: .blob, payload: [UInt8]()).hex
            == "473a0f4c3be8a93681a267e3b1e9a7dcda1185436fe141f7749120a303721813")
    }

    @Test func turnCanonicalBytesAndIDMatchTheIndependentVector() throws {
        let user = ObjectID(hex: "d32731e19866a54263cb2620656e78faea3e85e35d455f10853d4a5361f86b85")!
        let answer = ObjectID(hex: "e24f0faffc2fe6b7b72d7f75c49fdd440634fe1ce51aa14bfee1120a06119988")!
        #expect(ObjectID.hashing(kind: .blob, payload: Array("Hello, my name is Alice.".utf8)) == user)
        let turn = Turn(
            parent: nil,
            request: TurnRequest(model: "grok-4", input: [MessageRef(role: "user", content: user)]),
            response: TurnResponse(
                id: "resp_1", output: [OutputItemRef(type: "message", role: "assistant", content: answer)],
                usage: TokenUsage(inputTokens: 12, outputTokens: 9)),
            origin: "https://api.x.ai/v1", stored: true, createdAt: 1_764_107_640)
        let expected = #"{"created_at":1764107640,"origin":"https://api.x.ai/v1","request":{"input":[{"content":"d32731e19866a54263cb2620656e78faea3e85e35d455f10853d4a5361f86b85","role":"user"}],"model":"grok-4"},"response":{"id":"resp_1","output":[{"content":"e24f0faffc2fe6b7b72d7f75c49fdd440634fe1ce51aa14bfee1120a06119988","role":"assistant","type":"message"}],"status":"completed","usage":{"input_tokens":12,"output_tokens":9}},"stored":true}"#
        #expect(String(decoding: turn.canonicalBytes, as: UTF8.self) == expected)
        #expect(turn.id.hex == "30fff3a1c66978b38a1bee5a9658b238039b22ba53016dc3fe825515f9516ee9")
        #expect(try Turn(canonicalBytes: turn.canonicalBytes) == turn)
    }

    @Test func canonicalJSONSortsKeysByBytesAndEscapesMinimally() {
        let value = JSONValue.object([
            "b": .array([.int(-3), .double(0.5), .double(2), .bool(true), .null]),
            "a": .string("quote \" backslash \\ newline \n tab \t bell \u{7} é 😀"),
            "B": .object([:]),
        ])
        #expect(value.canonicalString
            == #"{"B":{},"a":"quote \" backslash \\ newline \n tab \t bell \u0007 é 😀","b":[-3,0.5,2.0,true,null]}"#)
    }

    @Test func canonicalJSONRoundTripsThroughTheParser() throws {
        let value = JSONValue.object(["text": .string("line\nnext \u{1}"), "n": .int(Int64.max), "x": .double(1e-7), "list": .array([])])
        #expect(try JSONValue.parse(value.canonicalBytes) == value)
    }

    @Test func absentAndFalseFieldsAreOmittedSoNewFieldsKeepOldIDs() {
        let blob = ObjectID.hashing(kind: .blob, payload: Array("x".utf8))
        let turn = Turn(
            parent: nil, request: TurnRequest(model: nil, input: [MessageRef(role: "user", content: blob)]),
            response: TurnResponse(id: nil, output: []), createdAt: 0)
        let text = String(decoding: turn.canonicalBytes, as: UTF8.self)
        for absent in ["parent", "origin", "stored", "replay", "fetched", "model", "instructions", "usage"] {
            #expect(!text.contains("\"\(absent)\""), "\(absent) should be omitted")
        }
    }

    @Test func objectIDParsesHexAndRejectsEverythingElse() {
        #expect(ObjectID(hex: String(repeating: "A", count: 64))?.hex == String(repeating: "a", count: 64))
        #expect(ObjectID(hex: String(repeating: "a", count: 63)) == nil)
        #expect(ObjectID(hex: String(repeating: "g", count: 64)) == nil)
    }

    @Test func corruptTurnBytesAreATypedError() {
        #expect(throws: StoreError.self) { try Turn(canonicalBytes: Array("{\"request\":{}}".utf8)) }
        #expect(throws: StoreError.self) { try Turn(canonicalBytes: Array("not json".utf8)) }
    }
}

@Suite struct ZlibTests {
    @Test(arguments: [0, 1, 100, 65_536, 1_000_003])
    func roundTrip(size: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let input = (0..<size).map { index in index % 3 == 0 ? UInt8.random(in: 0...255, using: &generator) : UInt8(index % 7) }
        let compressed = Zlib.compress(input)
        #expect(try Zlib.decompress(compressed, expectedSize: size) == input)
    }

    @Test func repetitiveTextShrinks() {
        let text = Array(String(repeating: "the same sentence again. ", count: 400).utf8)
        #expect(Zlib.compress(text).count * 10 < text.count)
    }

    @Test func truncatedOrWrongSizeDataIsRejected() {
        let compressed = Zlib.compress(Array("hello world".utf8))
        #expect(throws: StoreError.self) { try Zlib.decompress(Array(compressed.dropLast(3)), expectedSize: 11) }
        #expect(throws: StoreError.self) { try Zlib.decompress(compressed, expectedSize: 12) }
        #expect(throws: StoreError.self) { try Zlib.decompress([1, 2, 3], expectedSize: 3) }
    }
}
