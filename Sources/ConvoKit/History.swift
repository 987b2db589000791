import ConvoStore
import Foundation
import HeapModule

/// One line of history: a turn as the index knows it, with its short id and the refs pointing at it.
public struct LogEntry: Sendable, Equatable {
    /// The index entry.
    public var summary: TurnSummary
    /// The shortest unique abbreviation (at least 7 digits).
    public var shortID: String
    /// Decorations, git style: `HEAD -> main`, `HEAD`, `travel`.
    public var refs: [String]
    /// What the server holds of the turn's response.
    public var remote: RemoteState = .none
}

/// What `convo log` lists.
public struct LogOptions: Sendable {
    /// Where to start (default HEAD).
    public var revision: String?
    /// At most this many entries.
    public var limit: Int?
    /// Every turn reachable from any branch or HEAD.
    public var all: Bool
    /// Oldest first.
    public var reverse: Bool

    /// Creates log options.
    public init(revision: String? = nil, limit: Int? = nil, all: Bool = false, reverse: Bool = false) {
        self.revision = revision
        self.limit = limit
        self.all = all
        self.reverse = reverse
    }
}

/// Reading history: `log`, `show`, `rev-parse`, `reflog`.
public enum History {
    /// Lists turns, newest first (children always before their parents), from the index only.
    public static func log(_ workspace: Workspace, options: LogOptions) throws -> [LogEntry] {
        try workspace.repository.read { reader in
            var summaries: [TurnSummary]
            if options.all {
                var tips = try reader.branches().map(\.tip)
                if let head = try reader.head().tip { tips.append(head) }
                if let revision = options.revision { tips.append(try reader.resolve(revision)) }
                let reachable = try reader.reachableTurns(from: Set(tips))
                summaries = TopologicalOrder.newestFirst(try reader.allSummaries().filter { reachable.contains($0.id) })
                if let limit = options.limit { summaries = Array(summaries.prefix(limit)) }
            } else {
                let start = try reader.resolve(options.revision ?? "HEAD")
                summaries = try reader.ancestry(of: start, limit: options.limit ?? .max)
            }
            if options.reverse { summaries.reverse() }
            let short = try reader.abbreviations(of: summaries.map(\.id))
            let decorations = try Decorations(reader, for: summaries.map(\.id))
            let remote = try RemoteStates(reader, for: summaries, now: Int64(workspace.environment.now().timeIntervalSince1970))
            return summaries.map {
                LogEntry(summary: $0, shortID: short[$0.id] ?? $0.id.abbreviated(), refs: decorations[$0.id], remote: remote[$0])
            }
        }
    }

    /// The full id of a revision.
    public static func revParse(_ workspace: Workspace, _ revision: String) throws -> ObjectID {
        try workspace.repository.read { try $0.resolve(revision) }
    }

    /// Reflog entries of `ref` (`HEAD` or a branch), newest first, with their short ids.
    public static func reflog(_ workspace: Workspace, ref: String?) throws -> [(entry: ReflogEntry, shortID: String, name: String)] {
        try workspace.repository.read { reader in
            let name = ref ?? "HEAD"
            let refName: String
            if name == "HEAD" {
                refName = "HEAD"
            } else {
                let branch = try BranchName(name)
                guard try reader.target(of: branch.refName) != nil else { throw StoreError.branchNotFound(name) }
                refName = branch.refName
            }
            let entries = try reader.reflog(refName)
            let short = try reader.abbreviations(of: Set(entries.compactMap(\.new)))
            return entries.enumerated().map { index, entry in
                (entry, entry.new.flatMap { short[$0] } ?? "0000000", "\(name)@{\(index)}")
            }
        }
    }
}

/// Which refs point at which turns, for `(HEAD -> main, travel)` decorations.
public struct Decorations: Sendable {
    private var labels: [ObjectID: [String]] = [:]

    /// Reads HEAD and the branches pointing at `ids`.
    public init(_ reader: StoreReader, for ids: some Collection<ObjectID>) throws {
        let head = try reader.head()
        for (branch, tip) in try reader.branches(pointingAt: ids) {
            if head.branch == branch {
                labels[tip, default: []].insert("HEAD -> \(branch)", at: 0)
            } else {
                labels[tip, default: []].append(branch.rawValue)
            }
        }
        if case .detached(let id) = head { labels[id, default: []].insert("HEAD", at: 0) }
    }

    /// The labels of turn `id`, HEAD first.
    public subscript(id: ObjectID) -> [String] { labels[id] ?? [] }
}

/// Orders a set of turns so that children come before parents, newest first among the ready ones.
public enum TopologicalOrder {
    /// A turn whose children have all been placed, ranked by time then id.
    private struct Ready: Comparable {
        var summary: TurnSummary
        static func < (lhs: Ready, rhs: Ready) -> Bool {
            (lhs.summary.createdAt, lhs.summary.id) < (rhs.summary.createdAt, rhs.summary.id)
        }
        static func == (lhs: Ready, rhs: Ready) -> Bool { lhs.summary.id == rhs.summary.id }
    }

    /// Kahn's algorithm on the reversed parent relation, ties broken by time then id.
    public static func newestFirst(_ summaries: [TurnSummary]) -> [TurnSummary] {
        var byID = [ObjectID: TurnSummary]()
        var pendingChildren = [ObjectID: Int]()
        for summary in summaries { byID[summary.id] = summary }
        for summary in summaries {
            if let parent = summary.parent, byID[parent] != nil { pendingChildren[parent, default: 0] += 1 }
        }
        var ready = Heap(summaries.filter { pendingChildren[$0.id, default: 0] == 0 }.map(Ready.init))
        var ordered = [TurnSummary]()
        ordered.reserveCapacity(summaries.count)
        while let next = ready.popMax()?.summary {
            ordered.append(next)
            if let parent = next.parent, let parentSummary = byID[parent] {
                pendingChildren[parent]! -= 1  // safe: counted above for every child whose parent is in byID
                if pendingChildren[parent] == 0 { ready.insert(Ready(summary: parentSummary)) }
            }
        }
        return ordered
    }
}
