import Foundation

/// Untrusted text (model answers, imported transcripts, server messages, hand-edited settings) made harmless
/// for a terminal: every character a terminal would obey instead of print is shown as what it is.
///
/// A model answer can hold `ESC ] 52 ; c ; … BEL` (writes the clipboard), `ESC [ 2 J` (clears the screen),
/// a carriage return that overprints the line, or a bidi override (U+202E) that makes text read backwards.
/// C0 controls and DEL are shown in caret notation, as `cat -v` and `less` show them (`^[`, `^G`, `^M`,
/// `^?`); C1 controls, bidi controls and the Unicode line separators as `<U+202E>`. Tabs stay. This is for
/// text a person reads on a terminal only: JSON, `--raw` and pipes keep the bytes exact.
enum VisibleText {
    /// One line of a layout (a log summary, a branch list, a setting): a newline shows as `^J` too.
    static func line(_ text: String) -> String { escape(text, keepNewlines: false) }

    /// A multi-line text (an answer, a message, instructions): newlines stay and CR LF becomes LF, which
    /// prints the same; a lone carriage return shows as `^M`.
    static func block(_ text: String) -> String { escape(text, keepNewlines: true) }

    /// Whether a terminal would act on `scalar` rather than print it; true for tab and newline too, which the
    /// callers keep where the layout wants them.
    static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F: true
        // Bidi marks, embeddings, overrides and isolates, and the line and paragraph separators.
        case 0x061C, 0x200E, 0x200F, 0x2028...0x202E, 0x2066...0x2069: true
        default: false
        }
    }

    /// The visible form of one scalar: `^[` for ESC, `^?` for DEL, `<U+202E>` for the others.
    static func visible(_ scalar: Unicode.Scalar) -> String {
        switch scalar.value {
        case 0x00...0x1F: "^" + String(Unicode.Scalar(UInt8(scalar.value) + 0x40))
        case 0x7F: "^?"
        default: "<U+" + hex(scalar.value) + ">"
        }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Whether the UTF-8 `bytes` may hold a scalar `needsEscape` accepts (or a tab or newline): a byte below
    /// 0x20, DEL, or the encodings of U+0080…U+009F (C2 80…9F), U+061C (D8 9C), U+200E/F (E2 80 8E…8F),
    /// U+2028…U+202E (E2 80 A8…AE) and U+2066…U+2069 (E2 81 A6…A9). Common punctuation such as “ ” — →,
    /// also led by E2, does not send a text down the slow path.
    static func mayNeedEscape(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case 0x00..<0x20, 0x7F: return true
            case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]): return true
            case 0xD8 where index + 1 < bytes.count && bytes[index + 1] == 0x9C: return true
            case 0xE2 where index + 2 < bytes.count:
                let second = bytes[index + 1], third = bytes[index + 2]
                if second == 0x80 && ((0x8E...0x8F).contains(third) || (0xA8...0xAE).contains(third)) { return true }
                if second == 0x81 && (0xA6...0xA9).contains(third) { return true }
            default: break
            }
            index += 1
        }
        return false
    }

    private static func escape(_ text: String, keepNewlines: Bool) -> String {
        // Nearly every text has nothing to escape: check the bytes once before building a copy.
        guard text.utf8.withContiguousStorageIfAvailable(mayNeedEscape) ?? true else { return text }
        var result = String.UnicodeScalarView()
        var scalars = text.unicodeScalars.makeIterator()
        var next = scalars.next()
        while let scalar = next {
            next = scalars.next()
            if scalar == "\t" || (keepNewlines && scalar == "\n") {
                result.append(scalar)
            } else if keepNewlines && scalar == "\r" && next == "\n" {
                continue
            } else if needsEscape(scalar) {
                result.append(contentsOf: visible(scalar).unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }
}

/// Escapes a text that arrives in pieces (a streamed answer) as ``VisibleText/block(_:)`` escapes it whole:
/// a carriage return at the end of one piece waits for the next, in case it begins with the line feed.
/// The stream's callbacks come one at a time, but from whichever task reads the response: hence the lock.
final class VisibleStream: @unchecked Sendable {
    private let lock = NSLock()
    private var pendingReturn = false

    /// The visible form of `piece`, given everything before it.
    func next(_ piece: String) -> String {
        lock.lock()
        defer { lock.unlock() }
        var piece = piece
        if pendingReturn {
            piece = "\r" + piece
            pendingReturn = false
        }
        if piece.unicodeScalars.last == "\r" {
            piece.unicodeScalars.removeLast()
            pendingReturn = true
        }
        return VisibleText.block(piece)
    }

    /// What is still held back when the stream ends.
    func finish() -> String {
        lock.lock()
        defer {
            pendingReturn = false
            lock.unlock()
        }
        return pendingReturn ? VisibleText.block("\r") : ""
    }
}
