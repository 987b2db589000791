import Foundation

extension EmulatorJSON {
    /// Serialises the value. `indent` 0 is compact (`{"a":1}`), like SSE data lines;
    /// otherwise the layout of Python's `json.dumps(indent:, ensure_ascii=False)`,
    /// which is what api.openai.com's bodies match byte for byte.
    func serialized(indent: Int = 0) -> String {
        var out = ""
        write(into: &out, indent: indent, level: 0)
        return out
    }

    private func write(into out: inout String, indent: Int, level: Int) {
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double(let d): out += Self.format(d)
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            writeContainer(
                items.map { item in { (o: inout String, l: Int) in item.write(into: &o, indent: indent, level: l) } },
                open: "[", close: "]", into: &out, indent: indent, level: level)
        case .object(let pairs):
            writeContainer(
                pairs.map { key, value in
                    { (o: inout String, l: Int) in
                        Self.writeString(key, into: &o)
                        o += indent == 0 ? ":" : ": "
                        value.write(into: &o, indent: indent, level: l)
                    }
                },
                open: "{", close: "}", into: &out, indent: indent, level: level)
        }
    }

    private func writeContainer(
        _ members: [(inout String, Int) -> Void], open: String, close: String,
        into out: inout String, indent: Int, level: Int
    ) {
        out += open
        guard !members.isEmpty else { return out += close }
        for (index, member) in members.enumerated() {
            if index > 0 { out += "," }
            if indent > 0 { out += "\n" + String(repeating: " ", count: indent * (level + 1)) }
            member(&out, level + 1)
        }
        if indent > 0 { out += "\n" + String(repeating: " ", count: indent * level) }
        out += close
    }

    /// `1.0`, `0.7`, `0.699999988079071`: shortest round-trip form, always with a
    /// fraction or exponent so that it reads back as a float.
    static func format(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        let text = "\(d)"
        return text.contains(".") || text.contains("e") ? text : text + ".0"
    }

    static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case _ where scalar.value < 0x20:
                out += "\\u" + String(format: "%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }
}
