import ConvoStore

/// `convo search`: the newest matches and how many there are in all.
public struct SearchResult: Sendable {
    /// The matches shown, newest first.
    public var items: [SearchItem]
    /// Matching turns in all (a lower bound unless ``totalIsExact``).
    public var total: Int
    /// Whether ``total`` counts every match.
    public var totalIsExact: Bool
    /// Turns holding every word of the query: an upper bound of the matches.
    public var candidates: Int

    /// Creates a result; `candidates` defaults to `total`.
    public init(items: [SearchItem], total: Int, totalIsExact: Bool = true, candidates: Int? = nil) {
        self.items = items
        self.total = total
        self.totalIsExact = totalIsExact
        self.candidates = candidates ?? total
    }
}

/// One matching turn: what the line shows and `search --json` prints.
public struct SearchItem: Sendable, Encodable {
    let entry: SearchEntry
    private var hit: SearchHit { entry.hit }

    /// Its short id.
    public var shortID: String { entry.shortID }
    /// Unix seconds.
    public var createdAt: Int64 { hit.summary.createdAt }
    /// Whether the snippet comes from the user's message (else from the answer).
    public var inInput: Bool { hit.side == .input }
    /// The snippet, in pieces: `highlighted` pieces are the matches.
    public var fragments: [(text: String, highlighted: Bool)] { hit.snippet.fragments.map { ($0.text, $0.highlighted) } }

    /// `{"id", "short_id", "created_at", "response_id", "model", "matched", "side", "snippet"}`.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("id", hit.summary.id.hex)
        try json.set("short_id", shortID)
        try json.set("created_at", Timestamps.format(createdAt))
        try json.set("response_id", hit.summary.responseID)
        try json.set("model", hit.summary.model)
        try json.set("matched", hit.matched.map(\.rawValue))
        try json.set("side", hit.side.rawValue)
        try json.set("snippet", hit.snippet.text)
    }
}

extension Search {
    /// `convo search QUERY [REV]` (see ``run(_:_:)``).
    public static func result(_ workspace: Workspace, _ options: SearchOptions) throws -> SearchResult {
        let (entries, results) = try run(workspace, options)
        return SearchResult(
            items: entries.map(SearchItem.init), total: results.total, totalIsExact: results.totalIsExact, candidates: results.candidates)
    }
}
