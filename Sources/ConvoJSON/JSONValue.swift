/// A JSON value as convo hashes, stores, exports and imports it.
///
/// A number keeps its type and its exact value: `.int` for a literal written without a fraction or
/// exponent that fits in 64 bits, `.double` for one written with a fraction or exponent whose value a
/// `Double` holds exactly as written (`1.0`, `0.1`, `1e300`), and `.number` for any other literal, kept
/// as written (`18446744073709551616`, `1e400`, `0.10000000000000000001`), so that nothing read from
/// outside is ever rounded and every value reads back as the same case.
public enum JSONValue: Hashable, Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A whole number written without a fraction or exponent.
    case int(Int64)
    /// A number written with a fraction or exponent; `1.0` stays a double.
    case double(Double)
    /// A number literal no `Int64` or `Double` holds exactly, kept as written.
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; canonical bytes sort its keys.
    case object([String: JSONValue])

    /// The member `key` of an object, or nil.
    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The string payload, or nil.
    public var stringValue: String? { if case .string(let value) = self { value } else { nil } }
    /// The integer payload (also from a double with no fraction), or nil.
    public var intValue: Int64? {
        switch self {
        case .int(let value): value
        case .double(let value) where value == value.rounded() && abs(value) < 9e15: Int64(value)
        default: nil
        }
    }
    /// The numeric payload as a double (rounded for a kept literal), or nil.
    public var doubleValue: Double? {
        switch self {
        case .int(let value): Double(value)
        case .double(let value): value
        case .number(let text): Double(text)
        default: nil
        }
    }
    /// The boolean payload, or nil.
    public var boolValue: Bool? { if case .bool(let value) = self { value } else { nil } }
    /// The array payload, or nil.
    public var arrayValue: [JSONValue]? { if case .array(let value) = self { value } else { nil } }
    /// The object payload, or nil.
    public var objectValue: [String: JSONValue]? { if case .object(let value) = self { value } else { nil } }
}
