/// A parsed revision expression: what `convo log REV`, `checkout REV` and `rev-parse REV` accept.
///
/// Grammar: `base suffix*`, where base is `HEAD`, `@`, a branch name, a full or abbreviated id (≥ 4 hex
/// digits), a server response id, `REF@{N}` or `@{N}`; and a suffix is `~`, `~N`, `^` or `^0`/`^1`.
/// Every suffix walks first parents, so a revision is flat: a base and the total number of generations to
/// walk back from it. (A nested representation recursed once per suffix and overflowed the stack on
/// `HEAD~1~1…` typed 20,000 times.)
public struct Revision: Equatable, Sendable {
    /// Where the walk starts.
    public enum Base: Equatable, Sendable {
        /// A name to look up: HEAD, a branch, an id or id prefix, or a response id.
        case name(String)
        /// The N-th previous value of a ref's reflog; a nil ref means HEAD's branch (or HEAD when detached).
        case reflog(ref: String?, index: Int)
    }

    /// The longest revision accepted, in UTF-8 bytes: far beyond any name, id or real `~N` chain, small enough
    /// that parsing and error messages stay cheap.
    public static let maximumLength = 1024

    /// Where the walk starts.
    public var base: Base
    /// How many first parents to walk back from `base`; 0 for the base itself.
    public var generations: Int

    /// A revision `generations` first parents back from `base`.
    public init(_ base: Base, generations: Int = 0) {
        self.base = base
        self.generations = generations
    }

    /// A name to look up, with no suffix.
    public static func name(_ name: String) -> Revision { Revision(.name(name)) }

    /// A reflog entry, with no suffix.
    public static func reflog(ref: String?, index: Int) -> Revision { Revision(.reflog(ref: ref, index: index)) }

    /// Parses `text`; throws ``StoreError/invalidRevision(_:reason:)`` for malformed or absurdly long input.
    public static func parse(_ text: String) throws(StoreError) -> Revision {
        guard !text.isEmpty else { throw .invalidRevision(text, reason: "it is empty") }
        let bytes = Array(text.utf8)
        guard bytes.count <= maximumLength else {
            throw .invalidRevision(
                String(text.prefix(40)) + "…",
                reason: "it is \(bytes.count) bytes long; a revision has at most \(maximumLength) (write HEAD~N for N generations)")
        }
        var end = bytes.count
        var generations = 0
        // Peel suffixes from the end: "~N", "~", "^N", "^". Suffixes are ASCII, so byte offsets are safe cut points.
        while end > 0 {
            var digitsStart = end
            while digitsStart > 0, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[digitsStart - 1]) { digitsStart -= 1 }
            guard digitsStart > 0, bytes[digitsStart - 1] == UInt8(ascii: "~") || bytes[digitsStart - 1] == UInt8(ascii: "^") else {
                break
            }
            let op = Character(Unicode.Scalar(bytes[digitsStart - 1]))
            let digits = String(decoding: bytes[digitsStart..<end], as: UTF8.self)
            guard let count = digits.isEmpty ? 1 : Int(digits) else {
                throw .invalidRevision(text, reason: "'\(op)\(digits)' is not a number of turns")
            }
            if op == "^" && count > 1 {
                throw .invalidRevision(text, reason: "a turn has one parent, so '^\(count)' names nothing; use '~\(count)' for ancestors")
            }
            let (sum, overflow) = generations.addingReportingOverflow(count)
            guard !overflow else { throw .invalidRevision(text, reason: "it walks back more generations than can be counted") }
            generations = sum
            end = digitsStart - 1
        }
        guard end > 0 else { throw .invalidRevision(text, reason: "nothing before '~' or '^'") }
        let base = try parseBase(String(decoding: bytes[..<end], as: UTF8.self), whole: text)
        return Revision(base, generations: generations)
    }

    private static func parseBase(_ base: String, whole: String) throws(StoreError) -> Base {
        guard let at = base.range(of: "@{") else {
            return .name(base == "@" ? "HEAD" : base)
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
