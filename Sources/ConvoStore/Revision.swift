/// A parsed revision expression: what `convo log REV`, `checkout REV` and `rev-parse REV` accept.
///
/// Grammar: `base suffix*`, where base is `HEAD`, `@`, a branch name, a full or abbreviated id (≥ 4 hex
/// digits), a server response id, `REF@{N}` or `@{N}`; and a suffix is `~`, `~N`, `^` or `^0`/`^1`.
public indirect enum Revision: Equatable, Sendable {
    /// A name to look up: HEAD, a branch, an id or id prefix, or a response id.
    case name(String)
    /// The N-th previous value of a ref's reflog; a nil ref means HEAD's branch (or HEAD when detached).
    case reflog(ref: String?, index: Int)
    /// The N-th ancestor (first parent) of a revision.
    case ancestor(Revision, generations: Int)

    /// Parses `text`; throws ``StoreError/invalidRevision(_:reason:)`` for malformed input.
    public static func parse(_ text: String) throws(StoreError) -> Revision {
        guard !text.isEmpty else { throw .invalidRevision(text, reason: "it is empty") }
        var rest = Substring(text)
        var generations = [Int]()
        // Peel suffixes from the end: "~N", "~", "^N", "^".
        while let last = rest.last {
            if last.isNumber || last == "~" || last == "^" {
                let digitsStart = rest.lastIndex { !$0.isNumber }
                guard let operatorIndex = digitsStart, rest[operatorIndex] == "~" || rest[operatorIndex] == "^" else { break }
                let digits = rest[rest.index(after: operatorIndex)...]
                let op = rest[operatorIndex]
                guard let count = digits.isEmpty ? 1 : Int(digits) else {
                    throw .invalidRevision(text, reason: "'\(op)\(digits)' is not a number of turns")
                }
                if op == "^" && count > 1 {
                    throw .invalidRevision(text, reason: "a turn has one parent, so '^\(count)' names nothing; use '~\(count)' for ancestors")
                }
                generations.append(count)
                rest = rest[..<operatorIndex]
            } else {
                break
            }
        }
        guard !rest.isEmpty else { throw .invalidRevision(text, reason: "nothing before '~' or '^'") }
        var revision = try parseBase(rest, whole: text)
        for count in generations.reversed() where count > 0 {
            revision = .ancestor(revision, generations: count)
        }
        return revision
    }

    private static func parseBase(_ base: Substring, whole: String) throws(StoreError) -> Revision {
        guard let at = base.range(of: "@{") else {
            return .name(base == "@" ? "HEAD" : String(base))
        }
        guard base.hasSuffix("}") else { throw .invalidRevision(whole, reason: "'@{' without a closing '}'") }
        let inside = base[at.upperBound..<base.index(before: base.endIndex)]
        guard let index = Int(inside), index >= 0 else {
            throw .invalidRevision(whole, reason: "'@{\(inside)}' is not a reflog position such as @{1}")
        }
        let ref = base[..<at.lowerBound]
        return .reflog(ref: ref.isEmpty ? nil : String(ref), index: index)
    }
}
