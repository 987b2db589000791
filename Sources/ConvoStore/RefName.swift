/// A validated branch name, following git's `check-ref-format --branch` rules.
public struct BranchName: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The short name, e.g. `main` or `travel/rome`.
    public let rawValue: String

    /// Validates `name`, throwing ``StoreError/invalidRefName(_:reason:)`` with the broken rule.
    public init(_ name: String) throws(StoreError) {
        if let reason = Self.violation(in: name) { throw .invalidRefName(name, reason: reason) }
        rawValue = name
    }

    /// The full ref, `refs/heads/<name>`.
    public var refName: String { "refs/heads/" + rawValue }

    public var description: String { rawValue }

    public static func < (lhs: BranchName, rhs: BranchName) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The first rule `name` breaks, or nil when it is a valid branch name.
    public static func violation(in name: String) -> String? {
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
}
