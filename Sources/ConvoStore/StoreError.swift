import Foundation

/// Everything that can go wrong in the object database, with messages that name the value and the next step.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `.convo` folder in the current folder or any parent, and no `CONVO_DIR`.
    case notARepository(searchedFrom: String)
    /// The database file exists but is not a SQLite database, or SQLite reports it damaged.
    case corruptDatabase(path: String, detail: String)
    /// The file is a SQLite database of some other program.
    case foreignDatabase(path: String, applicationID: Int32)
    /// An object's bytes are unreadable or do not decode.
    case corruptObject(detail: String)
    /// An object's bytes do not hash to its id.
    case hashMismatch(id: ObjectID, actual: ObjectID)
    /// An id named by a ref or a turn is not in the database.
    case objectNotFound(ObjectID)
    /// No ref, id or response id matches the revision.
    case unknownRevision(String)
    /// An abbreviated id matches several objects.
    case ambiguousRevision(String, candidates: [String])
    /// A revision that does not parse, e.g. `HEAD~x`.
    case invalidRevision(String, reason: String)
    /// `REV~N` walks past the first turn.
    case noSuchAncestor(String, available: Int)
    /// `REF@{N}` asks for more reflog entries than exist.
    case reflogEntryNotFound(ref: String, index: Int, count: Int)
    /// The revision names an object that is not a turn.
    case notATurn(String, kind: ObjectKind)
    /// HEAD's branch has no turns yet.
    case unbornBranch(String)
    /// A branch name breaks git's check-ref-format rules.
    case invalidRefName(String, reason: String)
    /// A branch that should not exist already does.
    case branchExists(String)
    /// A branch that should exist does not.
    case branchNotFound(String)
    /// Deleting or renaming away the branch HEAD is on.
    case cannotDeleteCurrentBranch(String)
    /// `branch -d` of a branch whose turns no other ref reaches.
    case branchNotMerged(String)
    /// A compare-and-swap ref update found the ref elsewhere.
    case refMoved(ref: String, expected: ObjectID?, actual: ObjectID?)
    /// A search query that cannot be read (an unterminated quote, a `*` without a word, no words at all).
    case invalidSearchQuery(String, reason: String)
    /// Another process held the write lock for longer than this one waited (a long gc, another writer).
    case busy(String)
    /// SQLite failed for another reason.
    case database(String)

    public var description: String {
        switch self {
        case .notARepository(let folder):
            "not a convo repository (or any parent up to /): \(folder)\nhint: run 'convo init' to create one here, or set CONVO_DIR or pass -C <dir>"
        case .corruptDatabase(let path, let detail):
            "the database \(path) is damaged or not a database (\(detail))\nhint: restore it from a backup; 'convo fsck' checks a readable one"
        case .foreignDatabase(let path, let applicationID):
            "\(path) is a SQLite database of another program (application_id \(applicationID)), not a convo store\nhint: move it aside and run 'convo init'"
        case .corruptObject(let detail):
            "corrupt object: \(detail)\nhint: run 'convo fsck' to list every damaged object"
        case .hashMismatch(let id, let actual):
            "object \(id.hex) is corrupt: its bytes hash to \(actual.hex)"
        case .objectNotFound(let id):
            "object \(id.hex) is missing from the database\nhint: run 'convo fsck'"
        case .unknownRevision(let text):
            "no turn matches '\(text)'\nhint: try 'convo log --oneline --all' or 'convo branch'"
        case .ambiguousRevision(let text, let candidates):
            "'\(text)' is ambiguous; it matches:\n" + candidates.map { "  \($0)" }.joined(separator: "\n")
                + "\nhint: give more digits"
        case .invalidRevision(let text, let reason):
            "invalid revision '\(text)': \(reason)"
        case .noSuchAncestor(let text, let available):
            "'\(text)' goes past the first turn: only \(available) earlier turn\(available == 1 ? "" : "s") exist"
        case .reflogEntryNotFound(let ref, let index, let count):
            "\(ref)@{\(index)}: the reflog of \(ref) has only \(count) entr\(count == 1 ? "y" : "ies")\nhint: see 'convo reflog \(ref)'"
        case .notATurn(let text, let kind):
            "'\(text)' is a \(kind.rawValue), not a turn\nhint: name a turn from 'convo log --oneline'"
        case .unbornBranch(let name):
            "branch '\(name)' has no turns yet\nhint: start with 'convo say <message>' or 'convo import <file>'"
        case .invalidRefName(let name, let reason):
            "'\(name)' is not a valid branch name: \(reason)"
        case .branchExists(let name):
            "a branch named '\(name)' already exists\nhint: pick another name, or delete it with 'convo branch -D \(name)'"
        case .branchNotFound(let name):
            "branch '\(name)' not found\nhint: 'convo branch' lists branches"
        case .cannotDeleteCurrentBranch(let name):
            "cannot delete branch '\(name)': HEAD is on it\nhint: 'convo checkout <other>' first"
        case .branchNotMerged(let name):
            "branch '\(name)' has turns no other branch reaches\nhint: use 'convo branch -D \(name)' to delete it anyway (the reflog keeps its turns until gc)"
        case .refMoved(let ref, let expected, let actual):
            "\(ref) moved meanwhile (expected \(expected?.abbreviated() ?? "nothing"), found \(actual?.abbreviated() ?? "nothing"))"
        case .invalidSearchQuery(let query, let reason):
            "invalid search query '\(query)': \(reason)\nhint: words must all appear; \"quoted phrase\" for words in order; plan* for a prefix"
        case .busy(let detail):
            "the repository is busy (\(detail)): another convo (gc?) is writing\nhint: try again in a moment"
        case .database(let detail):
            "database error: \(detail)"
        }
    }
}
