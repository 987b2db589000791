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
    /// The turn's usage in full (cached and reasoning tokens), read only when ``LogOptions/usage`` asks.
    public var usage: TokenUsage? = nil
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
    /// Whether entries carry their server state (`--remote`, `--json`, `%R`); reading it costs a lookup per turn.
    public var remote: Bool
    /// Whether entries carry their full usage (`%k`); the index lacks cached tokens, so it costs reading each turn.
    public var usage = false
    /// Whether entries carry whole first lines (`--json`, `%s`, `%a`); without it a long line is the prefix the
    /// index keeps, which the shortened lines of the built-in layouts need no more than (issue 11, "Store size").
    /// Setting it sets both ``wholeInputLines`` and ``wholeOutputLines``.
    public var wholeLines: Bool {
        get { wholeInputLines || wholeOutputLines }
        set { (wholeInputLines, wholeOutputLines) = (newValue, newValue) }
    }
    /// Whether entries carry the newest user message's first line whole (`--json`, `%s`).
    public var wholeInputLines = true
    /// Whether entries carry the answer's first line whole (`--json`, `%a`); `%s` alone reads no answer's text.
    public var wholeOutputLines = true

    /// Creates log options.
    public init(revision: String? = nil, limit: Int? = nil, all: Bool = false, reverse: Bool = false, remote: Bool = true) {
        self.revision = revision
        self.limit = limit
        self.all = all
        self.reverse = reverse
        self.remote = remote
    }
}

/// Reading history: `log`, `show`, `rev-parse`, `reflog`.
public enum History {
    /// Lists turns, newest first (children always before their parents), from the index only.
    public static func log(_ workspace: Workspace, options: LogOptions) throws -> [LogEntry] {
        var entries = [LogEntry]()
        try log(workspace, options: options) { try $0.forEach { entries.append($0) } }
        return entries
    }

    /// ``log(_:options:)`` streamed: whatever can fail on the user's input (the revision) and the order are
    /// settled first, then `body` gets a ``LogStream`` that reads each entry as it is asked for, inside the
    /// same read transaction, so that a caller can print the first lines before the rest are read. With
    /// `--all` the order comes from the compact graph (ids, parents, times), and only the listed turns'
    /// index rows are read (issue 11).
    public static func log(_ workspace: Workspace, options: LogOptions, _ body: (LogStream) throws -> Void) throws {
        if !options.all, !options.remote, !options.usage, !options.wholeLines, let entries = try shortLog(workspace, options: options) {
            return try body(LogStream(entries: entries))
        }
        try workspace.repository.read { reader in
            let limit = options.limit ?? .max
            var listed: [ObjectID]
            var summaries: [ObjectID: TurnSummary] = [:]
            // The summaries of `listed`, in its order, when the walk read them all (one line of history).
            var known: [TurnSummary]?
            if options.all {
                var tips = try reader.branchTips()
                if let head = try reader.head().tip { tips.append(head) }
                if let revision = options.revision { tips.append(try reader.resolve(revision)) }
                // The kept order when every indexed turn is reachable (HistoryOrder), else the whole graph.
                if try reader.keptOrderHolds(from: tips) {
                    // A long list is streamed from the order index: the first lines before the rest are read.
                    if limit >= Abbreviations.scanned, !options.reverse, !options.remote {
                        try body(
                            LogStream(
                                reader: reader, listed: [], source: try KeptOrderCursor(reader, limit: limit),
                                summaries: [:], short: try Abbreviations(reader, for: []), decorations: try Decorations(everyBranch: reader),
                                remote: nil, usage: options.usage, lines: (options.wholeInputLines, options.wholeOutputLines)))
                        return
                    }
                    listed = try reader.keptOrder(limit: limit)
                } else {
                    listed = TopologicalOrder.newestFirst(try HistoryGraph(reader), from: tips, limit: limit)
                }
            } else {
                let chain = try reader.ancestry(of: try reader.resolve(options.revision ?? "HEAD"), limit: limit)
                listed = chain.map(\.id)
                known = chain
            }
            if options.reverse {
                listed.reverse()
                known?.reverse()
            }
            var remote: RemoteStates?
            if options.remote {
                let now = Int64(workspace.environment.now().timeIntervalSince1970)
                if listed.count > 500 {
                    remote = try RemoteStates(reader, for: [], now: now, everyRecord: true)
                } else {
                    for summary in known ?? [] { summaries[summary.id] = summary }
                    for id in listed where summaries[id] == nil { summaries[id] = try reader.summary(id) }
                    remote = try RemoteStates(reader, for: Array(summaries.values), now: now)
                }
            }
            try body(
                LogStream(
                    reader: reader, listed: listed, known: known, summaries: summaries, short: try Abbreviations(reader, for: listed, positional: known != nil),
                    decorations: try Decorations(reader, for: listed), remote: remote, usage: options.usage,
                    lines: (options.wholeInputLines, options.wholeOutputLines)))
        }
    }
}

extension History {
    /// The most entries ``shortLog(_:options:)`` reads: up to here one `IN` list finds the branches pointing at them.
    static let shortLogLimit = 500

    /// A log of one line of history, without `--remote` or `%k`, read through the plain connection of a workspace
    /// opened for ``Access/readIndex`` (issue 11: `log -n 20` without building GRDB's connection). Every entry is
    /// read before any is printed, so that nil (not opened so, a revision other than a ref with `~N`, a row not
    /// as convo writes it, more than ``shortLogLimit`` entries) can leave the log to the full reader, which prints
    /// the same entries or reports the error it always reported.
    static func shortLog(_ workspace: Workspace, options: LogOptions) throws -> [LogEntry]? {
        try workspace.repository.readIndex { reader in
            let chain = try reader.ancestry(of: try reader.resolve(options.revision ?? "HEAD"), limit: options.limit ?? .max)
            guard chain.count <= shortLogLimit else { throw IndexReader.Unsure() }
            let labels = Decorations(head: try reader.head(), branches: try reader.branches(pointingAt: chain.map(\.id)))
            var entries = try chain.map { LogEntry(summary: $0, shortID: try reader.abbreviation(of: $0.id), refs: labels[$0.id]) }
            if options.reverse { entries.reverse() }
            return entries
        }
    }
}

/// The entries of one `log`, in order, each read when it is reached; valid only inside ``History/log(_:options:_:)``.
public struct LogStream {
    fileprivate var reader: StoreReader?
    fileprivate var listed: [ObjectID]
    /// The summaries of `listed`, in its order, when they were read before the stream was made.
    fileprivate var known: [TurnSummary]?
    /// Where the turns come from when they are not `listed`: the order index, read as they are reached.
    fileprivate var source: KeptOrderCursor?
    fileprivate var summaries: [ObjectID: TurnSummary] = [:]
    fileprivate var short: Abbreviations?
    fileprivate var decorations: Decorations?
    fileprivate var remote: RemoteStates?
    fileprivate var usage = false
    /// Entries read before the stream was made (``History/shortLog(_:options:)``).
    fileprivate var entries: [LogEntry]?
    /// Which first lines entries carry whole: the newest user message's, the answer's.
    fileprivate var lines = (input: true, output: true)

    fileprivate init(
        reader: StoreReader, listed: [ObjectID], known: [TurnSummary]? = nil, source: KeptOrderCursor? = nil,
        summaries: [ObjectID: TurnSummary], short: Abbreviations, decorations: Decorations, remote: RemoteStates?, usage: Bool,
        lines: (input: Bool, output: Bool)
    ) {
        self.reader = reader
        self.listed = listed
        self.known = known
        self.source = source
        self.summaries = summaries
        self.short = short
        self.decorations = decorations
        self.remote = remote
        self.usage = usage
        self.lines = lines
    }

    fileprivate init(entries: [LogEntry]) {
        listed = entries.map(\.summary.id)
        self.entries = entries
    }

    /// Reads the entries in order and hands each to `body`.
    public func forEach(_ body: (LogEntry) throws -> Void) throws {
        if let entries { return try entries.forEach(body) }
        guard let reader, let short, let decorations else { return }
        if let known { return try forEach(known, reader: reader, short: short, decorations: decorations, body) }
        guard var source else { return try forEach(listed, reader: reader, short: short, decorations: decorations, body) }
        // Streamed: the first lines with their short ids looked up one by one; past them, the rest of the ids
        // are read at once, so that their short ids come from one sorted scan, as a listed log's do, and then
        // their rows again from the order index (each row one lookup, not two through its id; issue 11).
        var first = 0
        while first < Abbreviations.scanned, let summary = try source.nextSummary() {
            first += 1
            try entry(summary, reader: reader, short: short, decorations: decorations, body)
        }
        guard first == Abbreviations.scanned else { return }
        var rest = [ObjectID]()
        while let id = try source.next() { rest.append(id) }
        let restShort = try Abbreviations(reader, for: rest)
        try source.rewind(skipping: first)
        while let summary = try source.nextSummary() {
            try entry(summary, reader: reader, short: restShort, decorations: decorations, body)
        }
    }

    private func forEach(
        _ ids: [ObjectID], reader: StoreReader, short: Abbreviations, decorations: Decorations, _ body: (LogEntry) throws -> Void
    ) throws {
        for id in ids {
            guard let summary = try summaries[id] ?? reader.summary(id) else {
                throw StoreError.corruptObject(detail: "turn \(id.hex) is not in the index; run 'convo fsck --rebuild-index'")
            }
            try entry(summary, reader: reader, short: short, decorations: decorations, body)
        }
    }

    /// The entries of summaries read in advance, their whole lines read a run of them at a time (each call of
    /// ``StoreReader/wholeLines(_:input:output:)`` sorts and allocates its lists: a tenth of the reading per entry when
    /// one turn at a time, issue 11). A run whose lines cannot be read is read again one entry at a time, so that the
    /// entries before the one at fault are handed over first, as when each was read alone.
    private func forEach(
        _ known: [TurnSummary], reader: StoreReader, short: Abbreviations, decorations: Decorations, _ body: (LogEntry) throws -> Void
    ) throws {
        guard lines.input || lines.output else {
            for (position, summary) in known.enumerated() {
                try entry(summary, position: position, reader: reader, short: short, decorations: decorations, body)
            }
            return
        }
        // A long log finds its turns and texts in one scan of the object table when that costs less than a lookup each.
        let reads = known.reduce(0) { count, summary in
            count + (lines.input && summary.inputLineIsPrefix ? 2 : 0) + (lines.output && summary.outputLineIsPrefix ? 2 : 0)
        }
        let places = try reader.placeTable(forLookups: reads)
        var start = known.startIndex
        while start < known.endIndex {
            let end = min(start + Self.run, known.endIndex)
            let run = Array(known[start..<end])
            if let whole = try? reader.wholeLines(run, input: lines.input, output: lines.output, places: places) {
                for (offset, summary) in whole.enumerated() {
                    try entry(summary, whole: true, position: start + offset, reader: reader, short: short, decorations: decorations, body)
                }
            } else {
                for (offset, summary) in run.enumerated() {
                    try entry(summary, position: start + offset, reader: reader, short: short, decorations: decorations, body)
                }
            }
            start = end
        }
    }

    /// Entries whose whole lines are read at once by the stream of a walk read in advance.
    static let run = 128

    private func entry(
        _ summary: TurnSummary, whole: Bool = false, position: Int? = nil, reader: StoreReader, short: Abbreviations,
        decorations: Decorations, _ body: (LogEntry) throws -> Void
    ) throws {
        let id = summary.id
        var summary = summary
        if !whole, lines.input || lines.output { summary = try reader.wholeLines(summary, input: lines.input, output: lines.output) }
        let shortID = try position.map { try short.at($0, id) } ?? short[id]
        var entry = LogEntry(summary: summary, shortID: shortID, refs: decorations[id])
        if let remote { entry.remote = remote[summary] }
        if usage { entry.usage = try reader.turn(id).response.usage }
        try body(entry)
    }
}

/// Short ids for a list of turns: looked up one at a time as they are asked for when the list is short (so
/// the first line needs no scan), from one sorted scan of every object id when it is long.
struct Abbreviations {
    private let reader: StoreReader
    private let scanned: [ObjectID: String]?
    /// With `positional`, the scanned ones in the order of `ids` instead (no id hashed).
    private let ids: [ObjectID]
    private let list: [String?]?

    /// From this many ids on, one scan of every object id costs less than two lookups per id.
    static let scanned = 2_000

    /// For `ids`; `positional` when they will be asked for by their position in `ids` (``at(_:_:)``).
    init(_ reader: StoreReader, for ids: [ObjectID], positional: Bool = false) throws {
        self.reader = reader
        let list = ids.count < Self.scanned ? nil : try reader.abbreviationList(of: ids)
        if positional {
            (self.ids, self.list, scanned) = (ids, list, nil)
        } else {
            (self.ids, self.list) = ([], nil)
            scanned = list.map { list in
                var scanned = [ObjectID: String](minimumCapacity: ids.count)
                for (id, short) in zip(ids, list) { scanned[id] = short }
                return scanned
            }
        }
    }

    subscript(id: ObjectID) -> String {
        get throws { try scanned.map { $0[id] ?? id.abbreviated() } ?? reader.abbreviation(of: id) }
    }

    /// The abbreviation of `id`, the one at `position` of the ids it was made for.
    func at(_ position: Int, _ id: ObjectID) throws -> String {
        guard let list, ids.indices.contains(position), ids[position] == id else { return try self[id] }
        return list[position] ?? id.abbreviated()
    }
}

/// Which refs point at which turns, for `(HEAD -> main, travel)` decorations.
public struct Decorations: Sendable {
    private var labels: [ObjectID: [String]] = [:]
    /// The labels as a list when there are few: compared, not hashed, for every entry of a long log (issue 11).
    private var few: [(id: ObjectID, labels: [String])]?

    /// Reads HEAD and the branches pointing at `ids`.
    public init(_ reader: StoreReader, for ids: some Collection<ObjectID>) throws {
        self.init(head: try reader.head(), branches: try reader.branches(pointingAt: ids))
    }

    /// Reads HEAD and every branch (a log whose turns are not known in advance).
    public init(everyBranch reader: StoreReader) throws {
        self.init(head: try reader.head(), branches: try reader.branches())
    }

    /// The labels of `branches` and of HEAD, however they were read.
    init(head: Head, branches: [(name: BranchName, tip: ObjectID)]) {
        for (branch, tip) in branches {
            if head.branch == branch {
                labels[tip, default: []].insert("HEAD -> \(branch)", at: 0)
            } else {
                labels[tip, default: []].append(branch.rawValue)
            }
        }
        if case .detached(let id) = head { labels[id, default: []].insert("HEAD", at: 0) }
        if labels.count <= 4 { few = labels.map { ($0.key, $0.value) } }
    }

    /// The labels of turn `id`, HEAD first.
    public subscript(id: ObjectID) -> [String] {
        if let few { return few.first { $0.id == id }?.labels ?? [] }
        return labels[id] ?? []
    }
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

    /// A position in a ``HistoryGraph`` whose children have all been placed, ranked as ``Ready`` is.
    private struct ReadyPosition: Comparable {
        var createdAt: Int64
        var id: CompactID
        var position: Int32
        static func < (lhs: ReadyPosition, rhs: ReadyPosition) -> Bool { (lhs.createdAt, lhs.id) < (rhs.createdAt, rhs.id) }
        static func == (lhs: ReadyPosition, rhs: ReadyPosition) -> Bool { lhs.position == rhs.position }
    }

    /// The turns of `graph` reachable from `tips` (tips the graph lacks are ignored), in the order of
    /// ``newestFirst(_:)``, at most `limit` of them. Works on positions in flat arrays: no summary is read
    /// and no id is hashed after the graph is built.
    public static func newestFirst(_ graph: HistoryGraph, from tips: some Sequence<ObjectID>, limit: Int = .max) -> [ObjectID] {
        let parents = graph.parents
        // Children not yet placed, counted over the reachable turns only; -1 marks a turn no tip reaches.
        var pendingChildren = [Int32](repeating: -1, count: parents.count)
        for tip in tips {
            guard var position = graph.position(of: CompactID(tip)) else { continue }
            guard pendingChildren[Int(position)] < 0 else { continue }
            pendingChildren[Int(position)] = 0
            while case let parent = parents[Int(position)], parent >= 0 {
                let seen = pendingChildren[Int(parent)] >= 0
                pendingChildren[Int(parent)] = max(pendingChildren[Int(parent)], 0) + 1
                if seen { break }
                position = parent
            }
        }
        func ready(_ position: Int32) -> ReadyPosition {
            ReadyPosition(createdAt: graph.createdAt[Int(position)], id: graph.ids[Int(position)], position: position)
        }
        var heap = Heap(pendingChildren.indices.lazy.filter { pendingChildren[$0] == 0 }.map { ready(Int32($0)) })
        var ordered = [ObjectID]()
        while ordered.count < limit, let next = heap.popMax() {
            ordered.append(next.id.objectID)
            let parent = parents[Int(next.position)]
            guard parent >= 0 else { continue }
            pendingChildren[Int(parent)] -= 1
            if pendingChildren[Int(parent)] == 0 { heap.insert(ready(parent)) }
        }
        return ordered
    }
}
