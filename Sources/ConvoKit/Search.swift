import ConvoStore
import Foundation

/// What `convo search` looks for, and where.
public struct SearchOptions: Sendable {
    /// The query (see ``SearchQuery``).
    public var query: String
    /// Search this turn and its ancestors (default HEAD).
    public var revision: String?
    /// Search every stored turn instead.
    public var all: Bool
    /// At most this many matches.
    public var limit: Int

    /// The number of matches printed when no limit is given.
    public static let defaultLimit = 20

    /// Creates search options.
    public init(query: String, revision: String? = nil, all: Bool = false, limit: Int = SearchOptions.defaultLimit) {
        self.query = query
        self.revision = revision
        self.all = all
        self.limit = limit
    }
}

/// One match, with its short id.
public struct SearchEntry: Sendable, Equatable {
    /// The match.
    public var hit: SearchHit
    /// The shortest unique abbreviation of the turn id (at least 7 digits).
    public var shortID: String
}

/// Full-text search over the inputs and answers of turns.
public enum Search {
    /// The newest matches (newest first) and the number of matches in all (see ``SearchResults`` for when
    /// that number is only a lower bound).
    public static func run(_ workspace: Workspace, _ options: SearchOptions) throws -> (entries: [SearchEntry], results: SearchResults) {
        let query = try SearchQuery(options.query)
        return try workspace.repository.read { reader in
            let scope: SearchScope = options.all ? .everything : .ancestry(of: try reader.resolve(options.revision ?? "HEAD"))
            let results = try reader.search(query, scope: scope, limit: options.limit)
            let short = try reader.abbreviations(of: results.hits.map(\.summary.id))
            let entries = results.hits.map { SearchEntry(hit: $0, shortID: short[$0.summary.id] ?? $0.summary.id.abbreviated()) }
            return (entries, results)
        }
    }
}
