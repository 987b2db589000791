/// Why bytes are not JSON.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem, from 0.
    public let offset: Int
    /// What was wrong there.
    public let reason: String
    /// `<reason> at byte <offset>`.
    public var description: String { "\(reason) at byte \(offset)" }
}

extension JSONValue {
    /// Parses JSON text strictly (RFC 8259): one value, no `+1`, `01`, `1.`, `.5`, `NaN`, trailing
    /// commas, comments, invalid UTF-8, lone surrogates, control characters in strings or duplicate
    /// keys. Numbers keep their type and exact value (see ``JSONValue``).
    public static func parse(_ bytes: some Collection<UInt8>) throws(JSONParseError) -> JSONValue {
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(JSONParseError) in try parse(buffer: buffer) }
        }
        if let contiguous { return try contiguous.get() }
        return try Array(bytes).withUnsafeBufferPointer { buffer throws(JSONParseError) in try parse(buffer: buffer) }
    }

    /// Parses JSON text strictly; see ``parse(_:)-(Collection<UInt8>)``.
    public static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private static func parse(buffer: UnsafeBufferPointer<UInt8>) throws(JSONParseError) -> JSONValue {
        var parser = JSONParser(bytes: buffer)
        let value = try parser.value(depth: 0)
        try parser.end()
        return value
    }
}

/// The exact bytes of parts of a JSON document, found without re-encoding them, so that what a
/// server wrote can be kept as it wrote it. The whole container is checked as strictly as ``JSONValue/parse(_:)-(Collection<UInt8>)``.
public enum JSONSlices {
    /// The byte range of the value of member `name` of the object in `range` (default: the whole
    /// document), or nil when it is absent or the object is not valid JSON.
    public static func member(_ name: String, in bytes: [UInt8], range: Range<Int>? = nil) -> Range<Int>? {
        let range = range ?? 0..<bytes.count
        return bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: UnsafeBufferPointer(rebasing: buffer[..<range.upperBound]), index: range.lowerBound)
            let wanted = Array(name.utf8)
            var found: Range<Int>?
            do {
                try parser.members(depth: 0) { parser, key throws(JSONParseError) in
                    let start = parser.index
                    try parser.skip(depth: 1)
                    if found == nil, key.elementsEqual(wanted) { found = start..<parser.index }
                }
                try parser.end()
            } catch { return nil }
            return found
        }
    }

    /// The byte ranges of the elements of the array in `range`, or nil when it is not a valid array.
    public static func elements(in bytes: [UInt8], range: Range<Int>) -> [Range<Int>]? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONParser(bytes: UnsafeBufferPointer(rebasing: buffer[..<range.upperBound]), index: range.lowerBound)
            var ranges = [Range<Int>]()
            do {
                try parser.elements(depth: 0) { parser throws(JSONParseError) in
                    let start = parser.index
                    try parser.skip(depth: 1)
                    ranges.append(start..<parser.index)
                }
                try parser.end()
            } catch { return nil }
            return ranges
        }
    }
}

/// A strict recursive-descent parser over UTF-8 bytes.
struct JSONParser {
    let bytes: UnsafeBufferPointer<UInt8>
    var index = 0
    static let maximumDepth = 512

    init(bytes: UnsafeBufferPointer<UInt8>, index: Int = 0) {
        self.bytes = bytes
        self.index = index
    }

    func fail(_ reason: String, at offset: Int? = nil) -> JSONParseError {
        JSONParseError(offset: offset ?? index, reason: reason)
    }

    mutating func skipSpace() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    /// Only whitespace may follow the value.
    mutating func end() throws(JSONParseError) {
        skipSpace()
        guard index == bytes.count else { throw fail("unexpected \(describe(bytes[index])) after the value") }
    }

    func describe(_ byte: UInt8) -> String {
        (0x21..<0x7F).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    mutating func value(depth: Int) throws(JSONParseError) -> JSONValue {
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            var members = [String: JSONValue]()
            try self.members(depth: depth) { parser, key throws(JSONParseError) in
                let name = String(decoding: key, as: UTF8.self)
                let offset = parser.index
                let value = try parser.value(depth: depth + 1)
                guard members.updateValue(value, forKey: name) == nil else {
                    throw parser.fail("duplicate key \"\(name)\"", at: offset)
                }
            }
            return .object(members)
        case UInt8(ascii: "["):
            var values = [JSONValue]()
            try elements(depth: depth) { parser throws(JSONParseError) in values.append(try parser.value(depth: depth + 1)) }
            return .array(values)
        case UInt8(ascii: "\""):
            return .string(String(decoding: try string(), as: UTF8.self))
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("unexpected \(describe(bytes[index]))")
        }
    }

    /// Checks a value without building it.
    mutating func skip(depth: Int) throws(JSONParseError) {
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            var keys = Set<[UInt8]>()
            try members(depth: depth) { parser, key throws(JSONParseError) in
                let offset = parser.index
                try parser.skip(depth: depth + 1)
                guard keys.insert(Array(key)).inserted else {
                    throw parser.fail("duplicate key \"\(String(decoding: key, as: UTF8.self))\"", at: offset)
                }
            }
        case UInt8(ascii: "["):
            try elements(depth: depth) { parser throws(JSONParseError) in try parser.skip(depth: depth + 1) }
        case UInt8(ascii: "\""): _ = try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): _ = try numberLiteral()
        default: throw fail("unexpected \(describe(bytes[index]))")
        }
    }

    mutating func literal(_ word: StaticString) throws(JSONParseError) {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
            UnsafeBufferPointer(rebasing: bytes[index..<index + count]).elementsEqual(
                UnsafeBufferPointer(start: word.utf8Start, count: count))
        else { throw fail("invalid literal") }
        index += count
    }

    /// Walks an object (at `{`), handing each key's bytes to `member`, which must consume the value.
    mutating func members(
        depth: Int, _ member: (inout JSONParser, [UInt8]) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        skipSpace()
        guard depth < Self.maximumDepth else { throw fail("nested too deeply") }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "{") else { throw fail("expected an object") }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") { index += 1; return }
        while true {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else {
                throw fail(index < bytes.count && bytes[index] == UInt8(ascii: "}") ? "trailing comma" : "expected a key")
            }
            let key = try string()
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("expected ':'") }
            index += 1
            skipSpace()
            try member(&self, key)
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated object") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "}") { index += 1; return }
            throw fail("expected ',' or '}'")
        }
    }

    /// Walks an array (at `[`); `element` must consume each value.
    mutating func elements(depth: Int, _ element: (inout JSONParser) throws(JSONParseError) -> Void) throws(JSONParseError) {
        skipSpace()
        guard depth < Self.maximumDepth else { throw fail("nested too deeply") }
        guard index < bytes.count, bytes[index] == UInt8(ascii: "[") else { throw fail("expected an array") }
        index += 1
        skipSpace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") { index += 1; return }
        while true {
            skipSpace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") { throw fail("trailing comma") }
            try element(&self)
            skipSpace()
            guard index < bytes.count else { throw fail("unterminated array") }
            if bytes[index] == UInt8(ascii: ",") { index += 1; continue }
            if bytes[index] == UInt8(ascii: "]") { index += 1; return }
            throw fail("expected ',' or ']'")
        }
    }

    /// The UTF-8 bytes of the string at `"`, escapes resolved and validated.
    mutating func string() throws(JSONParseError) -> [UInt8] {
        index += 1
        var out = [UInt8]()
        var runStart = index
        var runASCII = true
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case UInt8(ascii: "\""):
                try flush(from: runStart, ascii: runASCII, into: &out)
                index += 1
                return out
            case UInt8(ascii: "\\"):
                try flush(from: runStart, ascii: runASCII, into: &out)
                try escape(into: &out)
                runStart = index
                runASCII = true
            case 0x00..<0x20:
                throw fail("control character 0x\(String(byte, radix: 16)) in a string (write it as \\u00\(byte < 0x10 ? "0" : "")\(String(byte, radix: 16)))")
            default:
                if byte >= 0x80 { runASCII = false }
                index += 1
            }
        }
        throw fail("unterminated string")
    }

    private func flush(from start: Int, ascii: Bool, into out: inout [UInt8]) throws(JSONParseError) {
        let run = UnsafeBufferPointer(rebasing: bytes[start..<index])
        if !ascii, let bad = Self.firstInvalidUTF8(run) { throw fail("invalid UTF-8", at: start + bad) }
        out.append(contentsOf: run)
    }

    /// The offset of the first byte that does not start a valid UTF-8 sequence (overlong forms,
    /// surrogates and values past U+10FFFF are invalid), or nil.
    static func firstInvalidUTF8(_ run: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        while i < run.count {
            let lead = run[i]
            if lead < 0x80 { i += 1; continue }
            let length: Int
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0...0xEF: length = 3
            case 0xF0...0xF4: length = 4
            default: return i
            }
            guard i + length <= run.count else { return i }
            var scalar = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for k in 1..<length {
                let next = run[i + k]
                guard next & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(next & 0x3F)
            }
            switch length {
            case 3 where scalar < 0x800 || (0xD800...0xDFFF).contains(scalar): return i
            case 4 where scalar < 0x10000 || scalar > 0x10FFFF: return i
            default: break
            }
            i += length
        }
        return nil
    }

    private mutating func escape(into out: inout [UInt8]) throws(JSONParseError) {
        let start = index
        index += 1
        guard index < bytes.count else { throw fail("unterminated string") }
        let letter = bytes[index]
        index += 1
        switch letter {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(letter)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xDC00...0xDFFF).contains(scalar) { throw fail("lone low surrogate \\u\(String(scalar, radix: 16))", at: start) }
            if (0xD800...0xDBFF).contains(scalar) {
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail("lone high surrogate \\u\(String(scalar, radix: 16))", at: start)
                }
                index += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail("lone high surrogate \\u\(String(scalar, radix: 16))", at: start)
                }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            // Every remaining value is a scalar: surrogates were handled above.
            guard let unicode = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape", at: start) }
            out.append(contentsOf: UTF8.encode(unicode).map { Array($0) } ?? [])
        default: throw fail("invalid escape \\\(Character(Unicode.Scalar(letter)))", at: start)
        }
    }

    private mutating func hex4() throws(JSONParseError) -> UInt32 {
        guard index + 4 <= bytes.count else { throw fail("unterminated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape")
            }
            value = value << 4 | UInt32(digit)
            index += 1
        }
        return value
    }

    /// The literal's bytes and whether it has a fraction or exponent, checked against RFC 8259's grammar.
    mutating func numberLiteral() throws(JSONParseError) -> (UnsafeBufferPointer<UInt8>, isFloat: Bool) {
        let start = index
        func digit(_ at: Int) -> Bool { at < bytes.count && (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[at]) }
        if bytes[index] == UInt8(ascii: "-") { index += 1 }
        guard digit(index) else { throw fail("invalid number: a digit must follow '-'", at: start) }
        if bytes[index] == UInt8(ascii: "0") {
            index += 1
            if digit(index) { throw fail("invalid number: leading zero", at: start) }
        } else {
            while digit(index) { index += 1 }
        }
        var isFloat = false
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            isFloat = true
            index += 1
            guard digit(index) else { throw fail("invalid number: a digit must follow '.'", at: start) }
            while digit(index) { index += 1 }
        }
        if index < bytes.count, bytes[index] | 0x20 == UInt8(ascii: "e") {
            isFloat = true
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digit(index) else { throw fail("invalid number: a digit must follow the exponent", at: start) }
            while digit(index) { index += 1 }
        }
        return (UnsafeBufferPointer(rebasing: bytes[start..<index]), isFloat)
    }

    mutating func number() throws(JSONParseError) -> JSONValue {
        let (literal, isFloat) = try numberLiteral()
        if !isFloat {
            if let value = Self.int64(literal) { return .int(value) }
            return .number(String(decoding: literal, as: UTF8.self))
        }
        let text = String(decoding: literal, as: UTF8.self)
        if let value = Double(text), value.isFinite {
            let canonical = JSONValue.canonicalText(value)
            if canonical == text || Decimal(canonical.utf8) == Decimal(literal) { return .double(value) }
        }
        return .number(text)
    }

    /// The value of a valid integer literal, or nil when it does not fit.
    static func int64(_ literal: UnsafeBufferPointer<UInt8>) -> Int64? {
        let negative = literal.first == UInt8(ascii: "-")
        var value: Int64 = 0
        for byte in literal.dropFirst(negative ? 1 : 0) {
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (next, o2) = negative ? times10.subtractingReportingOverflow(digit) : times10.addingReportingOverflow(digit)
            if o1 || o2 { return nil }
            value = next
        }
        return value
    }
}

/// The exact value of a valid JSON number literal: sign, significant digits, and the power of ten
/// of the last one; used to tell whether a double holds a literal exactly.
struct Decimal: Equatable {
    var negative = false
    var digits = [UInt8]()
    var exponent = 0

    init(_ literal: some Collection<UInt8>) {
        var fractionDigits = 0, inFraction = false, explicitExponent = 0, exponentNegative = false, inExponent = false
        for byte in literal {
            switch byte {
            case UInt8(ascii: "-") where !inExponent: negative = true
            case UInt8(ascii: "-"): exponentNegative = true
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): inFraction = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            default:
                let digit = byte &- UInt8(ascii: "0")
                if inExponent {
                    // Saturate: a literal past any double's range compares unequal either way.
                    explicitExponent = min(explicitExponent * 10 + Int(digit), 1_000_000)
                } else {
                    if digits.isEmpty && digit == 0 {
                        if inFraction { fractionDigits += 1 }
                        continue
                    }
                    digits.append(digit)
                    if inFraction { fractionDigits += 1 }
                }
            }
        }
        while digits.last == 0 {
            digits.removeLast()
            fractionDigits -= 1
        }
        exponent = digits.isEmpty ? 0 : (exponentNegative ? -explicitExponent : explicitExponent) - fractionDigits
    }
}
