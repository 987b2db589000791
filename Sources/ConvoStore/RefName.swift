import Foundation

/// A validated branch name, following git's `check-ref-format --branch` rules.
public struct BranchName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The short name, e.g. `main` or `travel/rome`.
    public let rawValue: String

    /// Validates a name entering convo (an argument, an import file, a fetch), normalised to Unicode NFC so
    /// that `café` typed on any keyboard is one branch; throws ``StoreError/invalidRefName(_:reason:)`` with
    /// the broken rule.
    public init(_ name: String) throws(StoreError) {
        let normalized = name.precomposedStringWithCanonicalMapping
        if let reason = Self.violation(in: normalized) { throw .invalidRefName(name, reason: reason) }
        rawValue = normalized
    }

    /// A name as the repository already stores it, byte for byte: checked only against git's rules, so that
    /// branches written before names were normalised (or named `refs/…`) stay listed and reachable.
    public init(stored name: String) throws(StoreError) {
        if let reason = Self.gitViolation(in: name) { throw .invalidRefName(name, reason: reason) }
        rawValue = name
    }

    /// The full ref, `refs/heads/<name>`.
    public var refName: String { "refs/heads/" + rawValue }

    public var description: String { rawValue }

    public static func < (lhs: BranchName, rhs: BranchName) -> Bool { lhs.rawValue < rhs.rawValue }

    // By code points, as SQLite compares the stored refs: String's == treats NFC and NFD `café` as equal,
    // which would make two stored branches one (e.g. "cannot delete the current branch" for the other).
    public static func == (lhs: BranchName, rhs: BranchName) -> Bool {
        lhs.rawValue.unicodeScalars.elementsEqual(rhs.rawValue.unicodeScalars)
    }

    public func hash(into hasher: inout Hasher) {
        for scalar in rawValue.unicodeScalars { hasher.combine(scalar.value) }
    }

    /// The first rule a new branch name breaks, or nil when it is valid: git's rules, and no `refs/` prefix
    /// (git would make `refs/heads/refs/heads/x`, which every revision lookup reads as branch `x`).
    public static func violation(in name: String) -> String? {
        if let reason = gitViolation(in: name) { return reason }
        if name.hasPrefix("refs/") {
            return "it starts with 'refs/', which reads as a full ref name; name the branch '\(name.split(separator: "/").last ?? "")' instead"
        }
        // git warns about a ref named like a full object id, because the id wins over it; convo refuses one.
        if readsAsAFullID(name) {
            return "it is 64 hex digits, which reads as a turn's full id (an id always names its turn); pick a name that is not an id"
        }
        return nil
    }

    /// Whether `name` is 64 hex digits, which every revision lookup reads as a turn's full id: no new branch takes
    /// such a name, and `push` does not carry one an older convo made to other machines.
    public static func readsAsAFullID(_ name: String) -> Bool {
        ObjectID(hex: name) != nil
    }

    /// The first of `names` that lies under a name of `folders` (`a/b/c` under `a` or `a/b`), with that folder: a
    /// pair git cannot hold (it keeps refs as files and folders). Names compare as Swift strings, canonically: `é`
    /// in NFC and `e` + U+0301 (NFD) are one folder, as they are on a file system that normalises names. Branch
    /// creation (``StoreReader/branchInTheWay(of:ignoring:)``) and `push` both decide by this one rule. A look-up
    /// a level, so thousands of names cost no more than their lengths.
    public static func folderConflict(_ names: some Sequence<String>, in folders: Set<String>) -> (folder: String, name: String)? {
        guard !folders.isEmpty else { return nil }
        for name in names {
            var folder = Substring(name)
            while let slash = folder.lastIndex(of: "/") {
                folder = folder[..<slash]
                if folders.contains(String(folder)) { return (String(folder), name) }
            }
        }
        return nil
    }

    /// The spellings under which a stored name may be canonically the same as `name`: itself, NFC (what convo
    /// stores today) and NFD (what an older convo kept from a decomposing file system or keyboard), each once.
    static func spellings(of name: String) -> [String] {
        var spellings = [name]
        for spelling in [name.precomposedStringWithCanonicalMapping, name.decomposedStringWithCanonicalMapping]
        where !spellings.contains(where: { $0.utf8.elementsEqual(spelling.utf8) }) {
            spellings.append(spelling)
        }
        return spellings
    }

    /// Stored names that differ only in their Unicode spelling (NFC against NFD), grouped; written by a convo
    /// that did not normalise names. `fsck` reports them; nothing merges them.
    public static func spellingCollisions(_ names: [String]) -> [[String]] {
        var groups = [String: [String]]()
        for name in names { groups[name.precomposedStringWithCanonicalMapping, default: []].append(name) }
        return groups.values.filter { $0.count > 1 }.sorted { $0[0].utf8.lexicographicallyPrecedes($1[0].utf8) }
    }

    /// The first of git's `check-ref-format --branch` rules that `name` breaks, or nil.
    public static func gitViolation(in name: String) -> String? {
        // Names of ASCII letters, digits, '-' and '_' (nearly all of them) can break only the three rules below;
        // the string searches after them cost about 20,000 instructions a name, a third of `log --all` on
        // 10,000 branches (issue 11). The answers are the same: those rules come first, in this order.
        if name.utf8.allSatisfy(isWordByte) {
            if name.isEmpty { return "it is empty" }
            if name == "HEAD" { return "'HEAD' is reserved" }
            return name.utf8.first == UInt8(ascii: "-") ? "it starts with '-'" : nil
        }
        if name.isEmpty { return "it is empty" }
        if name == "@" { return "'@' alone is reserved" }
        if name == "HEAD" { return "'HEAD' is reserved" }
        if name.hasPrefix("-") { return "it starts with '-'" }
        if name.hasPrefix("/") || name.hasSuffix("/") { return "it starts or ends with '/'" }
        if name.contains("//") { return "it contains '//'" }
        if name.hasSuffix(".") { return "it ends with '.'" }
        if name.contains("..") { return "it contains '..'" }
        if name.contains("@{") { return "it contains '@{'" }
        for scalar in name.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7f { return "it contains a control character" }
            if " ~^:?*[\\".unicodeScalars.contains(scalar) { return "it contains '\(scalar)'" }
        }
        for component in name.split(separator: "/") {
            if component.hasPrefix(".") { return "a component starts with '.'" }
            if component.hasSuffix(".lock") { return "a component ends with '.lock'" }
        }
        return nil
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
