/// The canonical bytes: what objects are hashed from, so every rule here is frozen. These are the
/// bytes convo has always written for every value a repository could hold; the only additions are
/// `-0.0` (formerly written `0.0`, losing the sign) and kept literals (`.number`, formerly rounded).
///
/// - Object keys are sorted by their UTF-8 bytes (which is Unicode scalar order; RFC 8785 sorts by
///   UTF-16 units instead, which differs only for keys mixing U+E000…U+FFFF with astral characters).
/// - No insignificant whitespace.
/// - Strings: `"` `\` and the control characters U+0000…U+001F are escaped (`\n` `\r` `\t`, the rest
///   as `\u00xx` in lowercase hex); everything else, DEL and U+2028 included, is written as UTF-8.
/// - `.int`: decimal. `.double`: a whole value below 10^15 as `<integer>.0`, any other finite value in
///   Swift's shortest round-trip form (`0.1`, `1e-07`, `1e+15`, `1.7976931348623157e+308`), which
///   always has a fraction or exponent, so it reads back as a double. A non-finite double (which no
///   parse produces) is written `null`. `.number`: the literal as written.
extension JSONValue {
    /// The canonical bytes of this value.
    public var canonicalBytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(256)
        write(into: &out)
        return out
    }

    /// The canonical form as a string.
    public var canonicalString: String { String(decoding: canonicalBytes, as: UTF8.self) }

    /// Appends the canonical bytes of this value to `out`.
    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .int(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): out.append(contentsOf: Self.canonicalText(value).utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let value): Self.writeString(value, into: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                value.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            let sorted = members.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
            for (index, member) in sorted.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.writeString(member.key, into: &out)
                out.append(UInt8(ascii: ":"))
                member.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The canonical text of a double (see the type's rules).
    public static func canonicalText(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded(), abs(value) < 1e15 {
            // Int64 has no negative zero: keep the sign by hand.
            return (value.sign == .minus && value == 0 ? "-" : "") + String(Int64(value)) + ".0"
        }
        return value.description
    }

    /// Appends `string` as a canonical JSON string. Runs of bytes that need no escape are copied whole: appending
    /// byte by byte was 60 instructions a byte, a ninth of `log --json` on long answers (issue 11).
    public static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var start = 0
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                if start < index { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index])) }
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
                case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
                case 0x0A: out.append(contentsOf: "\\n".utf8)
                case 0x0D: out.append(contentsOf: "\\r".utf8)
                case 0x09: out.append(contentsOf: "\\t".utf8)
                default:
                    out.append(contentsOf: "\\u00".utf8)
                    out.append(hexDigit(byte >> 4))
                    out.append(hexDigit(byte & 0x0F))
                }
            }
            if start < bytes.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...])) }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
    }
}
