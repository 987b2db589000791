import Foundation

/// The emulator's "model": a deterministic answer that shows what context the server
/// holds. It remembers a name it was told, and otherwise echoes and counts messages.
enum Responder {
    /// The answer to the last user message of `context` (earlier turns first).
    static func answer(context: [Message]) -> String {
        guard let lastUser = context.lastIndex(where: { $0.role == "user" }) else {
            return "Echo:  (I see \(context.count) earlier messages.)"
        }
        let question = context[lastUser].text
        let name = context.filter { $0.role == "user" }.compactMap { Self.name(in: $0.text) }.last
        if asksForName(question), let name { return "Your name is \(name)." }
        if let told = Self.name(in: question) { return "Nice to meet you, \(told)." }
        return "Echo: \(question) (I see \(lastUser) earlier messages.)" + seen(context, newest: lastUser)
    }

    /// What the attachments of the context were, so that a test can tell the server saw them: the newest
    /// message's ("I see …"), and the earlier ones it still holds ("I remember …").
    static func seen(_ context: [Message], newest: Int) -> String {
        let now = context[newest].attachments.map(\.described)
        let earlier = context[..<newest].flatMap(\.attachments).map(\.described)
        var text = ""
        if !now.isEmpty { text += " I see " + now.joined(separator: ", ") + "." }
        if !earlier.isEmpty { text += " I remember " + earlier.joined(separator: ", ") + "." }
        return text
    }

    /// The word after "my name is", without punctuation.
    static func name(in text: String) -> String? {
        guard let range = text.range(of: "my name is", options: .caseInsensitive) else { return nil }
        let word = text[range.upperBound...].split(whereSeparator: \.isWhitespace).first ?? ""
        let name = word.filter { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "'" }
        return name.isEmpty ? nil : String(name)
    }

    static func asksForName(_ text: String) -> Bool {
        let t = text.lowercased().replacingOccurrences(of: "’", with: "'")
        return t.contains("what's my name") || t.contains("what is my name")
    }

    /// Tokens, deterministically: one per whitespace-separated word.
    static func tokens(_ text: String) -> Int {
        text.split(whereSeparator: \.isWhitespace).count
    }

    /// The first `limit` tokens of `text`, as `max_output_tokens` would cut it.
    static func truncate(_ text: String, toTokens limit: Int) -> String {
        deltas(text).prefix(limit).joined()
    }

    /// The text split losslessly into stream deltas, one per word with the whitespace
    /// before it: `["Your", " name", " is", " Alice."]`; joined they give the text back.
    static func deltas(_ text: String) -> [String] {
        var chunks: [String] = []
        var current = ""
        var inWord = false
        for c in text {
            if c.isWhitespace, inWord {
                chunks.append(current)
                current = ""
                inWord = false
            }
            current.append(c)
            if !c.isWhitespace { inWord = true }
        }
        if !current.isEmpty {
            if inWord || chunks.isEmpty { chunks.append(current) } else { chunks[chunks.count - 1] += current }
        }
        return chunks
    }
}
