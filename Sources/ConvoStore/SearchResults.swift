import Foundation

/// Which text of a turn matched.
public enum SearchSide: String, Sendable, CaseIterable {
    /// The newest user message.
    case input
    /// The answer.
    case output
}

/// Which turns a search looks at.
public enum SearchScope: Equatable, Sendable {
    /// Every stored turn, including those only the reflog still names.
    case everything
    /// A turn and its ancestors: one conversation line.
    case ancestry(of: ObjectID)
}

/// A short piece of a matching text around the matches.
public struct SearchSnippet: Equatable, Sendable {
    /// A run of text, highlighted when it is a match.
    public struct Fragment: Equatable, Sendable {
        /// The text; whitespace (newlines too) is collapsed to single spaces.
        public var text: String
        /// Whether the text is a match.
        public var highlighted: Bool
    }

    /// The fragments in order.
    public var fragments: [Fragment]

    /// The snippet without highlighting.
    public var text: String { fragments.map(\.text).joined() }
}

/// One matching turn.
public struct SearchHit: Equatable, Sendable {
    /// The turn as the index knows it.
    public var summary: TurnSummary
    /// The texts holding matches (input first).
    public var matched: [SearchSide]
    /// The text the snippet comes from.
    public var side: SearchSide
    /// The best piece of that text.
    public var snippet: SearchSnippet
}

/// The newest matches of a search, and how many there are in all.
public struct SearchResults: Equatable, Sendable {
    /// At most the limit asked for, newest first.
    public var hits: [SearchHit]
    /// Every matching turn in the scope when `totalIsExact`; otherwise the matches found among the turns
    /// checked, a lower bound.
    public var total: Int
    /// Whether `total` counts every match. It does unless the query needs a check the index cannot make
    /// (a phrase, or a word punctuation splits, like `what's`) and the search stopped checking once it had
    /// enough matches.
    public var totalIsExact: Bool
    /// The turns in the scope holding every word of the query (what the index answers): an upper bound of
    /// the matches, equal to `total` when no check was needed.
    public var candidates: Int

    public init(hits: [SearchHit], total: Int, totalIsExact: Bool = true, candidates: Int? = nil) {
        self.hits = hits
        self.total = total
        self.totalIsExact = totalIsExact
        self.candidates = candidates ?? total
    }
}
