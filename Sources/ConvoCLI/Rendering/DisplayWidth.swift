import Foundation

/// Cutting rendered lines to the terminal's width, by the columns characters take on screen (a CJK character or
/// an emoji takes two, a combining mark none), so that `log`'s layouts never wrap on a terminal. Only for
/// lines already escaped (``VisibleText``): the only escape sequences left in them are convo's own colours,
/// which take no columns and are kept whole.
enum DisplayWidth {
    /// The columns `character` takes on a terminal.
    static func columns(_ character: Character) -> Int {
        var width = 0
        for scalar in character.unicodeScalars {
            let properties = scalar.properties
            switch properties.generalCategory {
            case .nonspacingMark, .enclosingMark, .format, .control: continue
            default: break
            }
            if scalar.value == 0x200B || (0xFE00...0xFE0F).contains(scalar.value) { continue }
            width = max(width, isWide(scalar) ? 2 : 1)
        }
        return width
    }

    /// East Asian Wide and Fullwidth ranges (Unicode's EastAsianWidth.txt, the blocks terminals draw double),
    /// and emoji drawn as pictures.
    private static func isWide(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.properties.isEmojiPresentation { return true }
        switch scalar.value {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
            0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x2FFFD,
            0x30000...0x3FFFD:
            return true
        default:
            return false
        }
    }

    /// The columns `text` takes, colour sequences not counted.
    static func columns(of text: String) -> Int {
        var total = 0
        var sequence = false
        for character in text {
            if sequence {
                if character == "m" { sequence = false }
                continue
            }
            if character == "\u{1B}" {
                sequence = true
                continue
            }
            total += columns(character)
        }
        return total
    }

    /// `line` cut to at most `width` columns, ending in "…" when cut; colour sequences are kept whole (and a reset
    /// follows a cut, when the line had colours, so that the colour does not run on).
    static func cut(_ line: String, to width: Int) -> String {
        guard width > 0, columns(of: line) > width else { return line }
        var result = ""
        var used = 0
        var sequence = false
        var coloured = false
        for character in line {
            if sequence {
                result.append(character)
                if character == "m" { sequence = false }
                continue
            }
            if character == "\u{1B}" {
                sequence = true
                coloured = true
                result.append(character)
                continue
            }
            let next = columns(character)
            if used + next > width - 1 { break }
            result.append(character)
            used += next
        }
        return result + "…" + (coloured ? "\u{1B}[m" : "")
    }

    /// Every line of `text` cut to `width` (nil: unchanged).
    static func cutLines(_ text: String, to width: Int?) -> String {
        guard let width else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { cut(String($0), to: width) }.joined(separator: "\n")
    }
}
