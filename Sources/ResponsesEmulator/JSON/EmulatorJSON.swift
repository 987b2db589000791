import Foundation

/// A JSON value whose objects keep their keys in insertion order, because the real
/// servers' bodies have a fixed key order that the emulator reproduces.
enum EmulatorJSON: Sendable, Equatable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number written without a fraction, e.g. `11`.
    case int(Int)
    /// A number written with a fraction; integral values print as `1.0`.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([EmulatorJSON])
    /// An object, keys in wire order.
    case object([(String, EmulatorJSON)])

    /// Objects compare key by key in order; everything else by value.
    static func == (lhs: EmulatorJSON, rhs: EmulatorJSON) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case let (.bool(a), .bool(b)): a == b
        case let (.int(a), .int(b)): a == b
        case let (.double(a), .double(b)): a == b
        case let (.string(a), .string(b)): a == b
        case let (.array(a), .array(b)): a == b
        case let (.object(a), .object(b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The value for `key` when this is an object.
    subscript(key: String) -> EmulatorJSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    /// The string payload, if this is a string.
    var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The array payload, if this is an array.
    var arrayValue: [EmulatorJSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The keys of an object in order, or nil.
    var objectKeys: [String]? {
        if case .object(let pairs) = self { return pairs.map(\.0) }
        return nil
    }

    /// The integer payload; a double with no fraction also counts.
    var intValue: Int? {
        switch self {
        case .int(let i): i
        case .double(let d) where d.rounded() == d && abs(d) < 1e15: Int(d)
        default: nil
        }
    }

    /// The number as a double.
    var doubleValue: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }

    /// The boolean payload.
    var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// True for `null`.
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }
}

extension EmulatorJSON {
    /// `.string(s)` or `.null` when `s` is nil.
    static func string(_ s: String?) -> EmulatorJSON { s.map { .string($0) } ?? .null }
    /// `.int(i)` or `.null` when `i` is nil.
    static func int(_ i: Int?) -> EmulatorJSON { i.map { .int($0) } ?? .null }
}
