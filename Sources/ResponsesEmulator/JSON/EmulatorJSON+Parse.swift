import Foundation

/// Why a text is not JSON.
struct EmulatorJSONError: Error, Sendable, CustomStringConvertible {
    /// Byte offset of the problem.
    let offset: Int
    /// What was wrong there.
    let reason: String
    /// `<reason> at byte <offset>`.
    var description: String { "\(reason) at byte \(offset)" }
}

extension EmulatorJSON {
    /// Parses JSON text (RFC 8259), keeping the key order of objects.
    static func parse(_ text: String) throws(EmulatorJSONError) -> EmulatorJSON {
        try parse(Array(text.utf8))
    }

    /// Parses UTF-8 JSON bytes, keeping the key order of objects.
    static func parse(_ bytes: [UInt8]) throws(EmulatorJSONError) -> EmulatorJSON {
        var parser = JSONParser(bytes: bytes)
        let value = try parser.value(depth: 0)
        parser.skipSpace()
        guard parser.index == bytes.count else { throw parser.fail("trailing characters") }
        return value
    }
}

private struct JSONParser {
    let bytes: [UInt8]
    var index = 0

    func fail(_ reason: String) -> EmulatorJSONError { EmulatorJSONError(offset: index, reason: reason) }

    mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    mutating func value(depth: Int) throws(EmulatorJSONError) -> EmulatorJSON {
        guard depth < 512 else { throw fail("nesting too deep") }
        skipSpace()
        guard index < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[index] {
        case UInt8(ascii: "{"): return try object(depth: depth)
        case UInt8(ascii: "["): return try array(depth: depth)
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default: return try number()
        }
    }

    mutating func literal(_ word: String, _ value: EmulatorJSON) throws(EmulatorJSONError) -> EmulatorJSON {
        let w = Array(word.utf8)
        guard index + w.count <= bytes.count, Array(bytes[index..<index + w.count]) == w else {
            throw fail("invalid literal")
        }
        index += w.count
        return value
    }

    mutating func expect(_ c: Character) throws(EmulatorJSONError) {
        skipSpace()
        guard index < bytes.count, bytes[index] == c.asciiValue! else { throw fail("expected '\(c)'") }
        index += 1
    }

    mutating func peek(_ c: Character) -> Bool {
        skipSpace()
        return index < bytes.count && bytes[index] == c.asciiValue!
    }

    mutating func object(depth: Int) throws(EmulatorJSONError) -> EmulatorJSON {
        index += 1
        var pairs: [(String, EmulatorJSON)] = []
        if peek("}") { index += 1; return .object(pairs) }
        repeat {
            skipSpace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("expected a key") }
            let key = try string()
            try expect(":")
            pairs.append((key, try value(depth: depth + 1)))
        } while try separator(close: "}")
        return .object(pairs)
    }

    mutating func array(depth: Int) throws(EmulatorJSONError) -> EmulatorJSON {
        index += 1
        var items: [EmulatorJSON] = []
        if peek("]") { index += 1; return .array(items) }
        repeat { items.append(try value(depth: depth + 1)) } while try separator(close: "]")
        return .array(items)
    }

    /// True after a comma; false after the closing bracket.
    mutating func separator(close: Character) throws(EmulatorJSONError) -> Bool {
        if peek(",") { index += 1; return true }
        try expect(close)
        return false
    }

    mutating func string() throws(EmulatorJSONError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var run: [UInt8] = []
        func flush() throws(EmulatorJSONError) {
            guard let text = String(validating: run, as: UTF8.self) else { throw fail("invalid UTF-8 in string") }
            scalars.append(contentsOf: text.unicodeScalars)
            run.removeAll()
        }
        while index < bytes.count {
            let b = bytes[index]
            index += 1
            switch b {
            case UInt8(ascii: "\""):
                try flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                try flush()
                scalars.append(try escape())
            case 0..<0x20:
                throw fail("control character in string")
            default:
                run.append(b)
            }
        }
        throw fail("unterminated string")
    }

    mutating func escape() throws(EmulatorJSONError) -> Unicode.Scalar {
        guard index < bytes.count else { throw fail("unterminated escape") }
        let c = bytes[index]
        index += 1
        switch c {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            // A lone surrogate is an error rather than a silent U+FFFD: a client must never send one.
            let high = try hex4()
            if (0xD800..<0xDC00).contains(high), index + 1 < bytes.count,
                bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
            {
                index += 2
                let low = try hex4()
                if (0xDC00..<0xE000).contains(low), let scalar = Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)) {
                    return scalar
                }
            }
            guard let scalar = Unicode.Scalar(high) else { throw fail("lone surrogate in \\u escape") }
            return scalar
        default: throw fail("invalid escape")
        }
    }

    mutating func hex4() throws(EmulatorJSONError) -> UInt32 {
        guard index + 4 <= bytes.count,
            let v = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw fail("invalid \\u escape") }
        index += 4
        return v
    }

    /// RFC 8259's grammar, which the real servers enforce: no `+1`, `01`, `1.`, `.5`, `NaN` or `Infinity`.
    mutating func number() throws(EmulatorJSONError) -> EmulatorJSON {
        let start = index
        func digits() -> Int {
            let from = index
            while index < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[index]) { index += 1 }
            return index - from
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "-") { index += 1 }
        let integerStart = index
        let integerDigits = digits()
        guard integerDigits > 0 else { index = start; throw fail(bytes[start] == UInt8(ascii: "-") ? "invalid number" : "unexpected character") }
        guard bytes[integerStart] != UInt8(ascii: "0") || integerDigits == 1 else { index = start; throw fail("invalid number: leading zero") }
        var isFloat = false
        if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
            index += 1
            guard digits() > 0 else { index = start; throw fail("invalid number: no digit after '.'") }
            isFloat = true
        }
        if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
            index += 1
            if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard digits() > 0 else { index = start; throw fail("invalid number: no digit in the exponent") }
            isFloat = true
        }
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if !isFloat, let i = Int(text) { return .int(i) }
        guard let d = Double(text), d.isFinite else { index = start; throw fail("number out of range") }
        return .double(d)
    }
}
