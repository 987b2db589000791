import Foundation

/// Removes secrets from text in every spelling a message can carry them in: as is, escaped by Swift's
/// `debugDescription` (how `HTTPClientError` prints header values), escaped in JSON (a server echoing the
/// request), percent-encoded (a URL), and base64 of the secret or of `user:secret` (a Basic header).
///
/// This is the one redaction convo applies wherever an error becomes text and before any error text is stored.
public struct Redactor: Sendable {
    /// What every spelling of a secret is replaced with.
    public static let placeholder = "[redacted]"

    /// Every spelling to replace, longest first, so a long one is not half-replaced by a shorter one inside it.
    private let spellings: [String]

    /// A redactor for `secrets`; empty ones are ignored.
    public init(secrets: some Sequence<String>) {
        var all = Set<String>()
        for secret in secrets where !secret.isEmpty { all.formUnion(Self.spellings(of: secret)) }
        spellings = all.sorted { $0.count != $1.count ? $0.count > $1.count : $0 < $1 }
    }

    /// Whether there is nothing to redact.
    public var isEmpty: Bool { spellings.isEmpty }

    /// `text` with every spelling of every secret replaced by ``placeholder``.
    public func callAsFunction(_ text: String) -> String {
        var text = text
        for spelling in spellings where text.contains(spelling) {
            text = text.replacingOccurrences(of: spelling, with: Self.placeholder)
        }
        return text
    }

    /// Whether `text` still holds any spelling of a secret.
    public func leaks(in text: String) -> Bool { spellings.contains { text.contains($0) } }

    /// The spellings of one secret. Derived spellings shorter than 6 characters are left out: so short a
    /// string turns up in ordinary text by chance, and redacting it there would garble the message.
    public static func spellings(of secret: String) -> Set<String> {
        var derived = Set<String>()
        // Swift's String.debugDescription, without its quotes.
        derived.insert(String(String(reflecting: secret).dropFirst().dropLast()))
        derived.formUnion(jsonEscaped(secret))
        derived.formUnion(percentEncoded(secret))
        derived.formUnion(base64Cores(Data(secret.utf8)))
        var result = derived.filter { $0.count >= 6 }
        result.insert(secret)
        return result
    }

    /// JSON string escapes: minimal, with `\/`, and ASCII-only (`\uXXXX` for everything else), in both hex cases.
    static func jsonEscaped(_ secret: String) -> Set<String> {
        var results = Set<String>()
        for (slash, asciiOnly, upperHex) in [(false, false, false), (true, false, false), (false, true, false), (false, false, true), (true, true, true), (false, true, true)] {
            var out = ""
            for scalar in secret.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "/": out += slash ? "\\/" : "/"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case "\u{8}": out += "\\b"
                case "\u{c}": out += "\\f"
                default:
                    if scalar.value < 0x20 || (asciiOnly && scalar.value > 0x7E) {
                        for unit in String(scalar).utf16 { out += "\\u" + hex(UInt32(unit), width: 4, upper: upperHex) }
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            results.insert(out)
        }
        return results
    }

    /// Percent-encodings: of every byte but the unreserved ones, as in a query, as in a path, and as a form
    /// (`+` for space), in both hex cases.
    static func percentEncoded(_ secret: String) -> Set<String> {
        let unreserved = CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        var forms = Set<String>()
        for allowed in [unreserved, .alphanumerics, .urlQueryAllowed, .urlPathAllowed] {
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: allowed) { forms.insert(encoded) }
        }
        if let form = secret.addingPercentEncoding(withAllowedCharacters: unreserved.union(CharacterSet(charactersIn: " "))) {
            forms.insert(form.replacingOccurrences(of: " ", with: "+"))
        }
        for form in forms { forms.insert(lowercasingPercentHex(form)) }
        return forms
    }

    /// The base64 characters that depend on the secret's bytes alone, for each of the three alignments the
    /// secret can have inside a longer encoded string (`user:secret` with any user), in the standard and the
    /// URL-safe alphabet; and the whole encoding of the secret alone, padding included.
    static func base64Cores(_ bytes: Data) -> Set<String> {
        var cores: Set<String> = [bytes.base64EncodedString()]
        let count = bytes.count
        for offset in 0..<3 {
            // `offset` filler bytes put the secret at that alignment, zeros fill the last group; a character is
            // kept when every byte it encodes is a byte of the secret.
            let padded = Data(repeating: 0, count: offset) + bytes + Data(repeating: 0, count: (3 - (offset + count) % 3) % 3)
            let encoded = Array(padded.base64EncodedString().utf8)
            let secretBytes = offset..<(offset + count)
            var core = [UInt8]()
            for (index, character) in encoded.enumerated() {
                let group = index / 4 * 3
                let sources: [Int] = switch index % 4 {
                case 0: [group]
                case 1: [group, group + 1]
                case 2: [group + 1, group + 2]
                default: [group + 2]
                }
                if sources.allSatisfy(secretBytes.contains) { core.append(character) }
            }
            cores.insert(String(decoding: core, as: UTF8.self))
        }
        for core in cores {
            cores.insert(core.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
        }
        return cores
    }

    private static func hex(_ value: UInt32, width: Int, upper: Bool) -> String {
        let digits = String(value, radix: 16, uppercase: upper)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func lowercasingPercentHex(_ text: String) -> String {
        var out = ""
        var pending = 0
        for character in text {
            if character == "%" {
                pending = 2
                out.append(character)
            } else if pending > 0 {
                pending -= 1
                out += character.lowercased()
            } else {
                out.append(character)
            }
        }
        return out
    }
}
