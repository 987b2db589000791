import Foundation
import Testing

@testable import ConvoJSON

/// Golden vectors of the canonical writer and the strict parser: the rules every turn id depends on.
@Suite struct CanonicalVectorTests {
    /// (JSON text in, canonical bytes out): parse, then write.
    @Test(arguments: [
        // Numbers keep their type: a fraction or exponent makes a double, and a double keeps one.
        ("1", "1"), ("1.0", "1.0"), ("-1.0", "-1.0"), ("1.50", "1.5"), ("0.7", "0.7"), ("0.1", "0.1"),
        ("-0", "0"), ("-0.0", "-0.0"), ("0.0", "0.0"), ("0e0", "0.0"),
        ("1e300", "1e+300"), ("1E300", "1e+300"), ("1e+15", "1000000000000000.0"), ("1e-7", "1e-07"), ("5e-324", "5e-324"),
        ("123456789012345.0", "123456789012345.0"), ("9007199254740993.0", "9007199254740993.0"),
        ("9007199254740992.0", "9007199254740992.0"),
        // 2^53+1 as an integer is exact; as a double it is kept as written, not rounded to 2^53.
        ("9007199254740993", "9007199254740993"),
        ("9223372036854775807", "9223372036854775807"), ("-9223372036854775808", "-9223372036854775808"),
        ("9223372036854775808", "9223372036854775808"), ("18446744073709551616", "18446744073709551616"),
        ("1e400", "1e400"), ("-1e400", "-1e400"), ("1e-400", "1e-400"),
        ("0.10000000000000000001", "0.10000000000000000001"),
        // Strings: minimal escapes, lowercase hex, everything else as UTF-8.
        (#""a\/b""#, #""a/b""#), (#""\u00e9\u00E9é""#, #""ééé""#), (#""\ud83d\ude00""#, #""😀""#),
        (#""\u0000\u0001\u001F\b\f\n\r\t""#, #""\u0000\u0001\u001f\u0008\u000c\n\r\t""#),
        (#""\u007f\u2028\ufeff""#, "\"\u{7F}\u{2028}\u{FEFF}\""), (#""q\"b\\""#, #""q\"b\\""#),
        // Keys sorted by UTF-8 bytes (scalar order): "Z" < "_" < "z" < "é" < U+FFFF < "😀".
        (#"{"😀":1,"\uffff":2,"é":3,"z":4,"_":5,"Z":6}"#, "{\"Z\":6,\"_\":5,\"z\":4,\"é\":3,\"\u{FFFF}\":2,\"😀\":1}"),
        (" [ 1 , { } , [ ] , null , true , false ] ", "[1,{},[],null,true,false]"),
    ])
    func vector(input: String, canonical: String) throws {
        let value = try JSONValue.parse(input)
        #expect(value.canonicalString == canonical)
        #expect(try JSONValue.parse(canonical) == value, "the canonical form reads back as the same value")
        #expect(try JSONValue.parse(canonical).canonicalString == canonical, "canonical bytes are a fixed point")
    }

    @Test func numbersKeepTheirCase() throws {
        #expect(try JSONValue.parse("1") == .int(1))
        #expect(try JSONValue.parse("1.0") == .double(1))
        #expect(try JSONValue.parse("1e300") == .double(1e300))
        #expect(try JSONValue.parse("9007199254740993.0") == .number("9007199254740993.0"))
        #expect(try JSONValue.parse("1e400") == .number("1e400"))
        #expect(JSONValue.double(1).canonicalString == "1.0")
        #expect(JSONValue.double(-0.0).canonicalString == "-0.0")
        #expect(JSONValue.int(9_007_199_254_740_993).canonicalString == "9007199254740993")
    }

    @Test func everyDoubleWrittenReadsBackAsTheSameDouble() throws {
        var generator = SystemRandomNumberGenerator()
        let special: [Double] = [0.1, 0.2, 0.3, 1 / 3, 2.5e-300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 1e15, 1e16, 123.456, 1e21, 1e22, 1e-5, 1e-4]
        let random = (0..<2000).map { _ in Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)) }.filter(\.isFinite)
        for double in special + special.map(-) + random {
            let value = try JSONValue.parse(JSONValue.double(double).canonicalString)
            #expect(value == .double(double), "\(double) read back as \(value)")
        }
    }
}

@Suite struct StrictParserTests {
    /// What RFC 8259 forbids, and what a Swift string cannot hold.
    @Test(arguments: [
        "+1", "01", "-01", "1.", ".5", "-", "1e", "1e+", "0x10", "NaN", "Infinity", "-Infinity", "[1,]", "{\"a\":1,}",
        "[,1]", "{,}", "tru", "nul", "[1 2]", "{\"a\" 1}", "{a:1}", "'a'", "\"a", "[1", "{\"a\":1", "1 2", "",
        "// c\n1", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"tab\tin\"", "\u{FEFF}1",
        "{\"a\":1,\"a\":2}",
    ])
    func rejects(text: String) {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(text) }
    }

    @Test func invalidUTF8IsRejectedAtItsOffset() {
        for (bytes, offset) in [([0x22, 0x61, 0xFF, 0x22], 2), ([0x22, 0xC0, 0x80, 0x22], 1), ([0x22, 0xED, 0xA0, 0x80, 0x22], 1), ([0x22, 0xE2, 0x82, 0x22], 1)] as [([UInt8], Int)] {
            #expect(throws: JSONParseError(offset: offset, reason: "invalid UTF-8")) { try JSONValue.parse(bytes) }
        }
    }

    @Test func errorsNameTheByteOffset() {
        #expect(throws: JSONParseError(offset: 5, reason: "trailing comma")) { try JSONValue.parse("[1,2,]") }
        #expect(throws: JSONParseError(offset: 1, reason: "invalid number: leading zero")) { try JSONValue.parse("[01]") }
    }

    @Test func deepNestingIsAnErrorNotACrash() throws {
        #expect(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: "[", count: 100_000)) }
        #expect(throws: JSONParseError.self) { try JSONValue.parse(String(repeating: "{\"a\":", count: 100_000)) }
        #expect(try JSONValue.parse(String(repeating: "[", count: 500) + String(repeating: "]", count: 500)) != .null)
    }

    @Test func nulAndEveryScalarSurviveARoundTrip() throws {
        let text = "nul \u{0} é 😀 \u{10FFFF} \u{7F}"
        let value = try JSONValue.parse(JSONValue.string(text).canonicalBytes)
        #expect(value.stringValue.map { Array($0.unicodeScalars) } == Array(text.unicodeScalars))
    }

    @Test func truncatedAtEveryByteIsAnErrorOrAValue() {
        let text = Array(#"{"a":[1,2.5,"é\n😀",{"b":null}],"c":-1e-7}"#.utf8)
        for end in 0..<text.count {
            #expect(throws: JSONParseError.self) { try JSONValue.parse(text[..<end]) }
        }
    }
}

@Suite struct JSONSlicesTests {
    @Test func memberAndElementsAreTheExactBytes() {
        let text = Array(#"{"type":"x", "response" : {"output":[ {"a":1.0} ,{"b" : [2]}]} , "z":1}"#.utf8)
        let response = JSONSlices.member("response", in: text)
        #expect(response.map { String(decoding: text[$0], as: UTF8.self) } == #"{"output":[ {"a":1.0} ,{"b" : [2]}]}"#)
        let output = response.flatMap { JSONSlices.member("output", in: text, range: $0) }
        let items = output.flatMap { JSONSlices.elements(in: text, range: $0) }
        #expect(items?.map { String(decoding: text[$0], as: UTF8.self) } == [#"{"a":1.0}"#, #"{"b" : [2]}"#])
        #expect(JSONSlices.member("missing", in: text) == nil)
        #expect(JSONSlices.member("type", in: Array(#"{"type":"x",}"#.utf8)) == nil, "a malformed object gives nothing")
    }
}
