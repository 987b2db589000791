import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("Pure parts: JSON, responder, fault header")
struct UnitTests {
    @Test("The parser keeps key order and the writer round-trips, compact and indented")
    func jsonRoundTrip() throws {
        let text = #"{"b":1,"a":[true,null,1.0,-2.5e-3,"x\"\n\u00e9\ud83d\ude00"],"c":{}}"#
        let value = try EmulatorJSON.parse(text)
        #expect(value.objectKeys == ["b", "a", "c"])
        #expect(value["a"]?.arrayValue?[4].stringValue == "x\"\né😀")
        #expect(try EmulatorJSON.parse(value.serialized()) == value)
        #expect(value.serialized() == #"{"b":1,"a":[true,null,1.0,-0.0025,"x\"\né😀"],"c":{}}"#)
        #expect(EmulatorJSON.object([("a", .array([])), ("b", .array([.int(1)]))]).serialized(indent: 2) == "{\n  \"a\": [],\n  \"b\": [\n    1\n  ]\n}")
    }

    @Test("The parser rejects broken JSON at the edges", arguments: ["", "{", "{\"a\":}", "[1,]", "\"abc", "01x", "{\"a\":1} x", "tru"])
    func jsonRejects(_ text: String) {
        #expect(throws: EmulatorJSONError.self) { try EmulatorJSON.parse(text) }
    }

    /// What RFC 8259 forbids and the real servers answer with 400 "We could not parse the JSON body".
    @Test("The parser rejects numbers, surrogates and bytes that are not JSON", arguments: [
        "+1", "01", "-01", "[00]", "1.", ".5", "-", "1e", "1e+", "NaN", "Infinity", "-Infinity", "{\"a\":1,}", "[1,2,]",
        "\"\\ud800\"", "\"\\udc00x\"", "\"\\ud800\\u0041\"", "1e400",
    ])
    func jsonRejectsStrictly(_ text: String) {
        #expect(throws: EmulatorJSONError.self) { try EmulatorJSON.parse(text) }
    }

    @Test("The parser rejects invalid UTF-8 instead of replacing it")
    func jsonRejectsInvalidUTF8() throws {
        #expect(throws: EmulatorJSONError.self) { try EmulatorJSON.parse([0x22, 0x61, 0xFF, 0x22]) }
        #expect(throws: EmulatorJSONError.self) { try EmulatorJSON.parse([0x22, 0xED, 0xA0, 0x80, 0x22]) }
        #expect(try EmulatorJSON.parse("[0,-0,0.5,-1e-3,1E+2,10]") == .array([.int(0), .int(0), .double(0.5), .double(-0.001), .double(100), .int(10)]))
    }

    @Test("The responder remembers names, echoes otherwise, and splits text losslessly")
    func responder() {
        let told = [Message(role: "user", text: "Hi, MY NAME IS alice!")]
        #expect(Responder.answer(context: told) == "Nice to meet you, alice.")
        #expect(Responder.answer(context: told + [Message(role: "assistant", text: "ok"), Message(role: "user", text: "What’s my name?")]) == "Your name is alice.")
        #expect(Responder.answer(context: [Message(role: "user", text: "what is my name")]) == "Echo: what is my name (I see 0 earlier messages.)")
        let text = "  two\nlines  here "
        #expect(Responder.deltas(text).joined() == text)
        #expect(Responder.deltas("Your name is Alice.") == ["Your", " name", " is", " Alice."])
        #expect(Responder.truncate("a b c d", toTokens: 2) == "a b")
    }

    @Test("The fault header parses every documented field and rejects unknown ones")
    func faultHeader() throws {
        let plan = try FaultPlan.parse(header: "status=429; retry-after=2;count=3;cut-after=4;slow-stream-ms=5;latency-ms=6;malformed-event=7;id=x")
        #expect(plan == FaultPlan(latencyMilliseconds: 6, status: 429, retryAfterSeconds: 2, count: 3, cutAfterEvents: 4, malformedEventIndex: 7, slowStreamMilliseconds: 5))
        #expect(try FaultPlan.parse(header: "malformed-event").malformedEventIndex == FaultPlan.firstTextDelta)
        #expect(throws: FaultHeaderError(field: "boom")) { try FaultPlan.parse(header: "boom") }
        #expect(throws: FaultHeaderError(field: "status=abc")) { try FaultPlan.parse(header: "status=abc") }
        #expect(throws: FaultHeaderError(field: "status=42")) { try FaultPlan.parse(header: "status=42") }
    }
}
