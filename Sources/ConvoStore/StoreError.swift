import Foundation

/// Everything that can go wrong in the object database, with messages that name the value and the next step.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No `.convo` folder in the current folder or any parent, and no `CONVO_DIR`.
    case notARepository(searchedFrom: String)
    /// The database file exists but is not a SQLite database, or SQLite reports it damaged.
    case corruptDatabase(path: String, detail: String)
    /// The folder or file exists but this user may not read it (a folder without `r`/`x`, a file without `r`).
    case permissionDenied(path: String, reason: String)
    /// A writing command on a repository this user cannot write (read-only files or folder).
    case readOnlyRepository(path: String)
    /// The repository was written by a newer convo: its format is above the one this convo knows.
    case newerFormat(path: String, found: Int, supported: Int)
    /// A reading command on a repository too old to read until it is migrated.
    case outdatedFormat(path: String, found: Int, current: Int)
    /// The database file has no bytes at all (an `init` killed before it wrote anything).
    case emptyStore(path: String)
    /// A derived table disagrees with the objects where acting on it could lose data (gc refuses to prune).
    case staleIndex(turn: ObjectID)
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
    /// A new branch whose name is a folder of an existing branch's name, or lies under one (`a/b` beside `a`):
    /// git cannot hold both, so `push` could not carry them.
    case branchNameConflict(String, existing: String)
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
        case .permissionDenied(let path, let reason):
            "cannot read the repository \(path): \(reason)\nhint: convo needs read and search (r-x) permission on the .convo folder "
                + "and read permission on store.sqlite; check them with 'ls -ld \(path)'"
        case .readOnlyRepository(let path):
            "the repository \(path) is read-only for this user: this command needs to write to it\n"
                + "hint: reading commands (log, show, status, search, export) still work; make the folder and its files writable, or work on a copy"
        case .newerFormat(let path, let found, let supported):
            "\(path) has repository format \(found), newer than format \(supported) that this convo understands\nhint: upgrade convo"
        case .outdatedFormat(let path, let found, let current):
            "\(path) has repository format \(found), older than this convo reads (format \(current))\n"
                + "hint: run 'convo upgrade' to migrate it (it keeps every turn and id)"
        case .staleIndex(let turn):
            "the turn index disagrees with turn \(turn.hex) about its parent, so gc cannot tell what is reachable; nothing was pruned\n"
                + "hint: run 'convo fsck --rebuild-index', then gc again"
        case .emptyStore(let path):
            "\(path) is empty: an interrupted 'convo init'?\nhint: remove the empty file and run 'convo init' again"
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
        case .branchNameConflict(let name, let existing):
            "cannot create branch '\(name)': branch '\(existing)' exists, and a name cannot be both a branch and a folder of branches (as in git)\n"
                + "hint: pick another name, or rename the other branch first with 'convo branch -m \(existing) <new-name>'"
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
