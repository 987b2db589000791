import Foundation
import GRDB

/// The outcome of moving HEAD to a new turn.
public enum HeadAdvance: Equatable, Sendable {
    /// HEAD's branch now points at the turn.
    case branchMoved(BranchName)
    /// HEAD is detached and now points at the turn.
    case detachedMoved
    /// HEAD or its branch moved meanwhile (to `actual`): HEAD was left where the other process put it, and the
    /// turn went onto the new branch `placedOn`, created in the same transaction. `branch` is nil when HEAD was
    /// detached.
    case movedMeanwhile(branch: BranchName?, actual: ObjectID?, placedOn: BranchName)
    /// `branch` did not exist yet (a new `-b` branch, or HEAD's unborn branch) and another process made a branch
    /// git cannot keep beside it meanwhile (`by`: `a` for `a/b`, or `a/b/x`): the turn went onto the new branch
    /// `placedOn`, created in the same transaction; HEAD did not move.
    case blockedMeanwhile(branch: BranchName, by: BranchName, placedOn: BranchName)
}

/// Write access to the store inside one transaction.
public struct StoreWriter {
    let db: Database
    /// Unix seconds at the start of the transaction.
    public let now: Int64
    /// Collects new objects into packs during bulk writes; nil writes loose objects.
    let packer: Packer?

    /// Reads inside this transaction.
    public var read: StoreReader { StoreReader(db: db) }

    // MARK: Objects

    /// Stores an object unless present; returns its id.
    ///
    /// An object already stored is freshened (its `written_at` set to now), as git freshens a loose object's
    /// mtime: a concurrent `gc` that planned to delete it as old and unreachable then keeps it, because this
    /// writer is about to reference it. `message`: the bytes are a text a request message holds, which a bulk write
    /// packs apart (``Packer/Group``).
    @discardableResult
    public func put(kind: ObjectKind, bytes: [UInt8], message: Bool = false) throws -> ObjectID {
        let id = ObjectID.hashing(kind: kind, payload: bytes)
        packer?.appendedUnlookedUp = nil
        packer?.lastAppended = nil
        if let packer, try packer.certainlyAbsent(id, db: db) {
            try packer.append(id: id, kind: kind, message: message, bytes: bytes, writtenAt: now, db: db)
            packer.appendedUnlookedUp = CompactID(id)
            packer.lastAppended = CompactID(id)
            return id
        }
        let key = Data(id.bytes)
        if let stored = try self.kind(of: id) {
            if stored == kind, packer?.kind(of: id) == nil {
                try db.cachedStatement(sql: "UPDATE object SET written_at = ? WHERE id = ? AND written_at < ?")
                    .execute(arguments: [now, key, now])
            }
            return id
        }
        if let packer {
            try packer.append(id: id, kind: kind, message: message, bytes: bytes, writtenAt: now, db: db)
            packer.lastAppended = CompactID(id)
        } else {
            try db.cachedStatement(sql: "INSERT INTO object(id, kind, size, written_at, data) VALUES (?, ?, ?, ?, ?)")
                .execute(arguments: [key, kind.rawValue, bytes.count, now, Data(Zlib.compress(bytes))])
        }
        return id
    }

    /// The kind of an object stored or about to be stored by this transaction.
    public func kind(of id: ObjectID) throws -> ObjectKind? {
        if let pending = packer?.kind(of: id) { return pending }
        return try read.kind(of: id)
    }

    /// Writes everything a bulk write still holds back (pack data, object rows, index rows), so that
    /// reads inside the transaction see it. Ref updates do this themselves.
    public func flush() throws {
        try packer?.finish(db)
    }

    /// Stores a text as a blob.
    @discardableResult
    public func putBlob(_ text: String, message: Bool = false) throws -> ObjectID { try put(kind: .blob, bytes: Array(text.utf8), message: message) }

    /// Stores a turn's blobs, the turn and its index entry; returns the turn id.
    @discardableResult
    public func insert(_ draft: TurnDraft) throws -> ObjectID {
        // The UTF-8 lengths of the texts, for the row's replay estimate (ReplayTokens).
        var sizes = [ObjectID: Int]()
        func text(_ text: String, message: Bool = false) throws -> ObjectID {
            let id = try putBlob(text, message: message)
            sizes[id] = text.utf8.count
            return id
        }
        var output = [OutputItemRef]()
        for item in draft.output {
            output.append(OutputItemRef(type: item.type, id: item.id, role: item.role, content: try item.text.map { try text($0) }))
        }
        let turn = Turn(
            parent: draft.parent,
            request: TurnRequest(
                model: draft.model, instructions: try draft.instructions.map { try putBlob($0) },
                input: try draft.input.map {
                    MessageRef(role: $0.role, content: try text($0.text, message: true), attachments: try put($0.attachments))
                },
                parameters: draft.parameters, previousResponseID: draft.previousResponseID),
            response: TurnResponse(
                id: draft.responseID, status: draft.status, model: draft.responseModel, output: output,
                usage: draft.usage, raw: try draft.raw.map { try putBlob($0) }, error: draft.error),
            origin: draft.origin, stored: draft.stored, replay: draft.replay, fetched: draft.fetched,
            createdAt: draft.createdAt)
        if let parent = draft.parent, try kind(of: parent) != .turn {
            throw StoreError.objectNotFound(parent)
        }
        let id = try put(kind: .turn, bytes: turn.canonicalBytes)
        let tokens = ReplayTokens.estimate(turn) { sizes[$0] ?? 0 }
        try index(turn, id: id, inputText: draft.userText, outputText: draft.outputText, replayTokens: tokens)
        return id
    }

    /// Writes (or replaces) the index entry of a stored turn, and its rows in the other derived tables;
    /// `replayTokens` is the turn's ``ReplayTokens/estimate(_:size:)``.
    func index(_ turn: Turn, id: ObjectID, inputText: String, outputText: String, replayTokens: Int64?) throws {
        let firstLines = (input: Summary.firstLine(inputText), output: Summary.firstLine(outputText))
        let row = TurnSummary(turn, id: id, firstLines: firstLines)
        let generation = try generation(ofChildOf: row.parent)
        let head: StatementArguments = [
            Data(id.bytes), row.parent.map { Data($0.bytes) }, row.createdAt, row.model, row.responseID, row.status, row.origin,
            row.stored, row.replay, row.inputTokens, row.outputTokens,
        ]
        let tail: StatementArguments = [generation, TurnBlobs.value(turn.blobReferences), replayTokens]
        let arguments =
            head + [Summary.storedBytes(row.inputLine, isPrefix: row.inputLineIsPrefix), Summary.storedBytes(row.outputLine, isPrefix: row.outputLineIsPrefix)]
            + tail
        // A leaf keeps its long first lines whole (Summary.leafLine); the rows of the others keep prefixes.
        var leafArguments: StatementArguments?
        if !row.hasWholeLines {
            let input = Summary.leafLine(firstLines.input), output = Summary.leafLine(firstLines.output)
            if !input.isPrefix || !output.isPrefix {
                leafArguments =
                    head + [Summary.storedBytes(input.line, isPrefix: input.isPrefix), Summary.storedBytes(output.line, isPrefix: output.isPrefix)] + tail
            }
        }
        if let packer {
            if let parent = row.parent, let position = packer.pendingGenerations[Data(parent.bytes)]?.position {
                packer.pendingIndex[position].leafArguments = nil
            }
            packer.pendingGenerations[Data(id.bytes)] = (generation, packer.pendingIndex.count)
            packer.pendingIndex.append((Data(id.bytes), arguments, leafArguments))
            packer.pendingGraph.append(
                .init(id: CompactID(id), parent: row.parent.map(CompactID.init), createdAt: row.createdAt, new: packer.appendedTurnHasNoIndexedChildren(id)))
        } else {
            // Written as a leaf; the order's update keeps the prefixes if it has children.
            try Self.insertIndexRow(db, leafArguments ?? arguments)
            try orderAdded(CompactID(id))
        }
        try indexDerived(turn, id: id, inputText: inputText, outputText: outputText)
        try packer?.indexRowHeldBack(db)
    }

    /// The columns of an index row as ``index(_:id:inputText:outputText:)`` binds them, then the order columns.
    private static let indexColumns = [
        "id", "parent", "created_at", "model", "response_id", "status", "origin", "stored", "replay",
        "input_tokens", "output_tokens", "input_line", "output_line", "generation", "blobs", "replay_tokens",
    ]
    private static let orderColumns = ["least_at", "least_id", "least_depth", "leaf"]

    /// An insert of an index row that keeps the row's number (`n`, which search documents name) when the turn is
    /// indexed already: an `INSERT OR REPLACE` would delete the row and number it anew. Like the replace it stood
    /// for, it sets every other column: `cleared` to NULL.
    private static func upsert(_ columns: [String], clearing cleared: [String] = []) -> String {
        """
        INSERT INTO turn_index(\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))
        ON CONFLICT(id) DO UPDATE SET \((columns.dropFirst().map { "\($0) = excluded.\($0)" } + cleared.map { "\($0) = NULL" }).joined(separator: ", "))
        """
    }

    private static let insertSQL = upsert(indexColumns, clearing: orderColumns)
    private static let insertWithOrderSQL = upsert(indexColumns + orderColumns)

    static func insertIndexRow(_ db: Database, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: insertSQL).execute(arguments: arguments)
    }

    /// ``insertIndexRow(_:_:)`` with the row's order in `log --all` (HistoryOrder) already known; without it the
    /// order columns stay NULL for ``HistoryOrder/update(_:from:)`` to set.
    static func insertIndexRow(_ db: Database, _ arguments: StatementArguments, order: HistoryOrder.Order?) throws {
        guard let order else { return try insertIndexRow(db, arguments) }
        try db.cachedStatement(sql: insertWithOrderSQL)
            .execute(arguments: arguments + [order.leastAt, order.leastID.data, order.depth, order.leaf ? 1 : 0])
    }

    /// The generation of a new child of `parent`: one more than the parent's (held back in a bulk write, or
    /// indexed), nil when the parent's own is unknown (its chain is not indexed).
    private func generation(ofChildOf parent: ObjectID?) throws -> Int64? {
        guard let parent else { return 1 }
        let key = Data(parent.bytes)
        if let pending = packer?.pendingGenerations[key] { return pending.generation.map { $0 + 1 } }
        let known = try Int64?.fetchOne(db.cachedStatement(sql: "SELECT generation FROM turn_index WHERE id = ?"), arguments: [key])
        return known.flatMap { $0 }.map { $0 + 1 }
    }

    /// Drops and recreates the derived tables (the turn index, the turn → text references and the search
    /// index) from the turn objects; returns the number of turns indexed.
    @discardableResult
    public func rebuildIndex() throws -> Int {
        try db.execute(sql: """
            DELETE FROM search_doc;
            DELETE FROM turn_index;
            INSERT INTO turn_search(turn_search) VALUES ('delete-all');
            """)
        let count = try fillDerivedTables()
        // Turns are refilled in storage order, where a loose child can come before its packed parent.
        try db.execute(sql: Schema.fillGenerations)
        try HistoryOrder.fill(db)
        return count
    }

    // MARK: Refs

    /// Moves `ref` from `expected` to `new` (nil deletes it) by compare-and-swap, and logs the move.
    /// Throws ``StoreError/refMoved(ref:expected:actual:)`` when the ref is not at `expected`.
    public func updateRef(_ ref: String, to new: ObjectID?, expecting expected: ObjectID?, message: String) throws {
        try flush()
        let actual = try read.target(of: ref)
        guard actual == expected else { throw StoreError.refMoved(ref: ref, expected: expected, actual: actual) }
        if let new {
            guard try read.kind(of: new) == .turn else { throw StoreError.objectNotFound(new) }
            // Every path that creates a branch comes here: none may make a pair git cannot hold (`a` and `a/b`).
            if actual == nil, ref.hasPrefix("refs/heads/"), let branch = try? BranchName(stored: String(ref.dropFirst("refs/heads/".count))) {
                try read.refuseBranchInTheWay(of: branch)
            }
            try db.cachedStatement(sql: "INSERT OR REPLACE INTO ref(name, target, symbolic) VALUES (?, ?, NULL)").execute(arguments: [ref, Data(new.bytes)])
        } else {
            try db.cachedStatement(sql: "DELETE FROM ref WHERE name = ?").execute(arguments: [ref])
        }
        try log(ref, old: actual, new: new, message: message)
        // Like git, a move of the branch HEAD is on is also a move of HEAD.
        if ref != "HEAD", case .branch(let branch, _) = try read.head(), branch.refName == ref, new != nil {
            try log("HEAD", old: actual, new: new, message: message)
        }
    }

    /// Points HEAD at a branch (symbolic) and logs the move.
    public func setHead(toBranch branch: BranchName, message: String) throws {
        // An unborn branch is created by the next turn: refuse now a name that turn could not take.
        if try read.target(of: branch.refName) == nil { try read.refuseBranchInTheWay(of: branch) }
        let old = try read.head().tip
        try db.cachedStatement(sql: "UPDATE ref SET target = NULL, symbolic = ? WHERE name = 'HEAD'").execute(arguments: [branch.refName])
        try log("HEAD", old: old, new: try read.target(of: branch.refName), message: message)
    }

    /// Detaches HEAD at a turn and logs the move.
    public func setHead(detachedAt id: ObjectID, message: String) throws {
        try flush()
        guard try read.kind(of: id) == .turn else { throw StoreError.objectNotFound(id) }
        let old = try read.head().tip
        try db.cachedStatement(sql: "UPDATE ref SET target = ?, symbolic = NULL WHERE name = 'HEAD'").execute(arguments: [Data(id.bytes)])
        try log("HEAD", old: old, new: id, message: message)
    }

    /// Moves HEAD (its branch, or HEAD itself when detached) from `expected` to a new turn.
    ///
    /// When the branch (or detached HEAD) moved meanwhile, the turn keeps the parent its request was built
    /// from and goes onto a new sibling branch, `<branch>-2`, `-3`, … (`detached-<short id>` for a detached
    /// HEAD), so that it is reachable from a ref the moment it is stored; HEAD stays where the other process
    /// put it.
    public func advanceHead(to id: ObjectID, expecting expected: ObjectID?, message: String) throws -> HeadAdvance {
        switch try read.head() {
        case .branch(let branch, let tip):
            guard tip == expected else {
                let aside = try branchAside(id, after: branch.rawValue, message: message + " (\(branch) moved meanwhile)")
                return .movedMeanwhile(branch: branch, actual: tip, placedOn: aside)
            }
            if tip == nil, let existing = try read.branchInTheWay(of: branch) {
                let aside = try branchAside(id, after: branch.rawValue, message: message + " (\(existing) made meanwhile in \(branch)'s way)")
                return .blockedMeanwhile(branch: branch, by: existing, placedOn: aside)
            }
            try updateRef(branch.refName, to: id, expecting: expected, message: message)
            return .branchMoved(branch)
        case .detached(let tip):
            guard tip == expected else {
                let aside = try branchAside(
                    id, after: "detached-" + id.abbreviated(), firstTryingStem: true, message: message + " (HEAD moved meanwhile)")
                return .movedMeanwhile(branch: nil, actual: tip, placedOn: aside)
            }
            try setHead(detachedAt: id, message: message)
            return .detachedMoved
        }
    }

    /// Creates the first free branch of `<stem>-2`, `<stem>-3`, … (or `stem` itself first) at `id`, logged.
    /// When a branch above the stem stands in every number's way (`a` for a stem `a/b`), the stem's folders
    /// become dashes (`a-b`, `a-b-2`, …), as pull names a line git cannot keep beside a branch.
    public func branchAside(_ id: ObjectID, after stem: String, firstTryingStem: Bool = false, message: String) throws -> BranchName {
        for number in (firstTryingStem ? 1 : 2)...100_000 {
            let candidate = number == 1 ? stem : "\(stem)-\(number)"
            guard let name = try? BranchName(candidate) else { break }
            guard try read.target(of: name.refName) == nil else { continue }
            if let existing = try read.branchInTheWay(of: name) {
                // A branch under this name (`stem-2/x`) leaves the next number free; one above it (`a` for a stem
                // `a/b`) is in the way of every number.
                if existing.rawValue.utf8.count < name.rawValue.utf8.count {
                    guard stem.contains("/") else { break }
                    return try branchAside(id, after: stem.replacingOccurrences(of: "/", with: "-"), firstTryingStem: true, message: message)
                }
                continue
            }
            try updateRef(name.refName, to: id, expecting: nil, message: message)
            return name
        }
        // A stem no suffix makes valid (or 100,000 taken names): name the branch after the turn alone.
        let fallback = try BranchName("turn-" + id.hex)
        if try read.target(of: fallback.refName) != id {
            try updateRef(fallback.refName, to: id, expecting: try read.target(of: fallback.refName), message: message)
        }
        return fallback
    }

    /// Renames a branch, its reflog with it, and HEAD if it was on it.
    public func renameBranch(_ old: BranchName, to new: BranchName) throws {
        guard let tip = try read.target(of: old.refName) else { throw StoreError.branchNotFound(old.rawValue) }
        guard try read.target(of: new.refName) == nil else { throw StoreError.branchExists(new.rawValue) }
        // git renames `a` to `a/b` (the old ref goes first), so the branch being renamed is not in the way.
        try read.refuseBranchInTheWay(of: new, ignoring: old)
        try db.cachedStatement(sql: "UPDATE ref SET name = ? WHERE name = ?").execute(arguments: [new.refName, old.refName])
        try db.cachedStatement(sql: "UPDATE reflog SET ref = ? WHERE ref = ?").execute(arguments: [new.refName, old.refName])
        try db.cachedStatement(sql: "UPDATE ref SET symbolic = ? WHERE name = 'HEAD' AND symbolic = ?").execute(arguments: [new.refName, old.refName])
        try log(new.refName, old: tip, new: tip, message: "branch: renamed \(old) to \(new)")
    }

    /// Deletes a branch's reflog (after the branch itself was deleted, as git does).
    public func deleteReflog(_ ref: String) throws {
        try db.cachedStatement(sql: "DELETE FROM reflog WHERE ref = ?").execute(arguments: [ref])
    }

    private func log(_ ref: String, old: ObjectID?, new: ObjectID?, message: String) throws {
        try db.cachedStatement(sql: "INSERT INTO reflog(ref, old, new, at, message) VALUES (?, ?, ?, ?, ?)").execute(arguments: [ref, old.map { Data($0.bytes) }, new.map { Data($0.bytes) }, now, message])
    }

    // MARK: Config

    /// Sets a configuration value.
    public func setConfig(_ key: String, _ value: String) throws {
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO config(key, value) VALUES (?, ?)").execute(arguments: [key, value])
    }

    /// Removes a configuration value; returns whether it was set.
    @discardableResult
    public func unsetConfig(_ key: String) throws -> Bool {
        try db.cachedStatement(sql: "DELETE FROM config WHERE key = ?").execute(arguments: [key])
        return db.changesCount > 0
    }
}
