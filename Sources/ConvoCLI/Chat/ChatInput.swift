import ConvoKit
import Foundation

/// One thing the person entered at the chat prompt.
enum ChatEntry: Equatable, Sendable {
    /// A whole message or slash command: a line, a `"""` block, lines joined by a trailing `\`, or a paste.
    case text(String)
    /// Ctrl-C at the prompt (terminal only).
    case interrupt
    /// Ctrl-D or the end of the input.
    case end
}

/// Where `convo chat` reads what the person types: lines from a pipe, or a line editor on a terminal.
/// The session asks for one entry at a time and never sees raw lines.
protocol ChatInput: AnyObject {
    /// Reads the next entry, showing `prompt` first where a person is typing.
    func next(prompt: String) -> ChatEntry
}

/// Joins raw lines into entries, the same way for a pipe and a terminal: `"""` on a line of its own starts
/// and ends a block kept byte for byte; a line ending in `\` continues on the next line.
struct ChatLineAssembler: Sendable {
    private var block: [String]?
    private var continued: [String] = []

    /// True while a `"""` block or a `\` continuation is open (a terminal shows a continuation prompt).
    var isOpen: Bool { block != nil || !continued.isEmpty }

    /// Feeds one line (without its newline); returns an entry when the line completes one.
    mutating func feed(_ line: String) -> String? {
        if var lines = block {
            if line == "\"\"\"" {
                block = nil
                return lines.joined(separator: "\n")
            }
            lines.append(line)
            block = lines
            return nil
        }
        if continued.isEmpty, line == "\"\"\"" {
            block = []
            return nil
        }
        if line.hasSuffix("\\") {
            continued.append(String(line.dropLast()))
            return nil
        }
        let whole = (continued + [line]).joined(separator: "\n")
        continued = []
        return whole
    }

    /// What is left open at the end of the input: an unterminated block or continuation is still sent.
    mutating func finish() -> String? {
        defer { block = nil; continued = [] }
        if let lines = block { return lines.joined(separator: "\n") }
        return continued.isEmpty ? nil : continued.joined(separator: "\n")
    }
}

/// Entries from standard input that is not a terminal: one message per line or per `"""` block;
/// blank lines between messages are skipped.
final class PipeChatInput: ChatInput {
    private let source: InputSource
    private var pending = Data()
    private var atEnd = false
    private var assembler = ChatLineAssembler()

    init(source: InputSource) {
        self.source = source
    }

    func next(prompt: String) -> ChatEntry {
        while let line = nextLine() {
            if !assembler.isOpen, line.allSatisfy(\.isWhitespace) { continue }
            if let text = assembler.feed(line) { return .text(text) }
        }
        if let rest = assembler.finish() { return .text(rest) }
        return .end
    }

    /// The next line without its `\n` (and a `\r` before it), or nil at the end of the input.
    private func nextLine() -> String? {
        while true {
            if let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                var line = pending[pending.startIndex..<newline]
                pending = Data(pending[pending.index(after: newline)...])
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                return String(decoding: line, as: UTF8.self)
            }
            if atEnd {
                guard !pending.isEmpty else { return nil }
                defer { pending = Data() }
                return String(decoding: pending, as: UTF8.self)
            }
            let chunk = source.read(64 * 1024)
            if chunk.isEmpty { atEnd = true } else { pending.append(chunk) }
        }
    }
}
