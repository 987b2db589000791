/// A full-text query as a person types it: words that must all appear, `"quoted phrases"` whose words must
/// appear together in that order, and `prefix*` for any word starting with the prefix. Matching ignores case
/// and diacritics; punctuation separates words. There is no OR or NOT: every word and phrase must appear.
///
/// The query is translated into an FTS5 expression in which every word is quoted, so that nothing a person
/// types (an apostrophe, `AND`, a colon, a hyphen) is read as FTS5 syntax.
public struct SearchQuery: Equatable, Sendable, CustomStringConvertible {
    /// One word or phrase.
    public struct Term: Equatable, Sendable {
        /// The words, as typed.
        public var text: String
        /// Whether the last word is a prefix (`word*`).
        public var prefix: Bool
        /// Whether it was quoted.
        public var phrase: Bool
    }

    /// What was typed.
    public let text: String
    /// The words and phrases, all required.
    public let terms: [Term]

    /// Parses a query; throws ``StoreError/invalidSearchQuery(_:reason:)`` for an unterminated quote, a `*`
    /// without a word, or a query without any letter or digit.
    public init(_ text: String) throws(StoreError) {
        self.text = text
        var terms = [Term]()
        var characters = Substring(text)
        func fail(_ reason: String) -> StoreError { .invalidSearchQuery(text, reason: reason) }
        while let first = characters.first {
            if first.isWhitespace {
                characters.removeFirst()
                continue
            }
            var term: Term
            if first == "\"" {
                characters.removeFirst()
                guard let close = characters.firstIndex(of: "\"") else { throw fail("the quote is not closed") }
                term = Term(text: String(characters[..<close]), prefix: false, phrase: true)
                characters = characters[characters.index(after: close)...]
                if characters.first == "*" {
                    term.prefix = true
                    characters.removeFirst()
                }
            } else {
                let end = characters.firstIndex { $0.isWhitespace || $0 == "\"" } ?? characters.endIndex
                var word = characters[..<end]
                characters = characters[end...]
                if word.hasSuffix("*") {
                    word = word.dropLast()
                    term = Term(text: String(word), prefix: true, phrase: false)
                } else {
                    term = Term(text: String(word), prefix: false, phrase: false)
                }
                if word.contains("*") { throw fail("'*' may only end a word, as in 'plan*'") }
            }
            guard term.text.contains(where: { $0.isLetter || $0.isNumber }) else {
                if term.prefix { throw fail("'*' needs a word before it, as in 'plan*'") }
                if term.phrase && term.text.allSatisfy(\.isWhitespace) { throw fail("the phrase \"\(term.text)\" is empty") }
                throw fail("'\(term.text)' has no letters or digits to search for")
            }
            // Every term is required, so a repeated one adds nothing but work: FTS5 took 95 s for one word typed 800
            // times on 10,000 turns.
            // (A one-word phrase is that word: both are the same FTS5 term.)
            if !terms.contains(where: { $0.text == term.text && $0.prefix == term.prefix }) { terms.append(term) }
        }
        guard !terms.isEmpty else { throw fail("it is empty; give at least one word") }
        self.terms = terms
    }

    /// The FTS5 expression: every term quoted, implicitly AND-ed.
    public var ftsExpression: String {
        terms.map { "\"" + $0.text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" + ($0.prefix ? "*" : "") }
            .joined(separator: " ")
    }

    public var description: String { text }
}
