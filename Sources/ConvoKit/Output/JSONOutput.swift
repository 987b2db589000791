import ConvoJSON

/// The one writer of `--json` output: a command's `Encodable` result as one line of canonical JSON (keys
/// sorted, no insignificant whitespace), the same bytes the store hashes, so that every command's JSON
/// reads alike. Optional members a result wants printed as `null` encode them with `encode`, not
/// `encodeIfPresent` (see ``JSONFields``).
public enum JSONOutput {
    /// The JSON text of `value`, without a newline.
    public static func text(_ value: some Encodable) throws -> String {
        try JSONValueEncoder.encode(value).canonicalString
    }

    /// The JSON text of a result that writes its canonical bytes itself: the same text, without building the value
    /// member by member through the `Encoder` (two thirds of `log --json`'s output on 10,000 turns, issue 11).
    /// An overload, not a cast in ``text(_:)``: a failed cast to a protocol scans every conformance record of the
    /// static binary once per type, a start-up cost for every other `--json`.
    public static func text(_ value: some CanonicalJSONWriting) -> String {
        var out = [UInt8]()
        out.reserveCapacity(1_024)
        value.writeJSON(into: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// A result that writes its JSON's canonical bytes itself: the bytes the `Encoder` path gives for it.
public protocol CanonicalJSONWriting: Encodable {
    /// Appends the result's canonical JSON to `out`.
    func writeJSON(into out: inout [UInt8])
}

/// Keys for results that spell their JSON members themselves.
struct JSONKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

/// Writes members under string keys, `null` for a nil optional (the `--json` contracts print missing values
/// as `null`, which the synthesized `encodeIfPresent` would drop).
struct JSONFields {
    var container: KeyedEncodingContainer<JSONKey>

    init(_ encoder: Encoder) { container = encoder.container(keyedBy: JSONKey.self) }

    mutating func set(_ key: String, _ value: some Encodable) throws { try container.encode(value, forKey: JSONKey(key)) }

    /// Writes the member only when there is a value (keys the contract leaves out when they do not apply).
    mutating func setIfPresent(_ key: String, _ value: (some Encodable)?) throws {
        try container.encodeIfPresent(value, forKey: JSONKey(key))
    }
}

/// An `Encoder` whose output is a ``JSONValue``: the bridge from `Encodable` results to the canonical writer,
/// with no text in between, so numbers keep their exact case (`1.0` stays a double).
final class JSONValueEncoder: Encoder {
    /// One value under construction.
    final class Node {
        var value: JSONValue?
        var members: [String: Node]?
        var elements: [Node]?

        var resolved: JSONValue {
            if let members { return .object(members.mapValues(\.resolved)) }
            if let elements { return .array(elements.map(\.resolved)) }
            return value ?? .null
        }
    }

    let node: Node
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: Node, codingPath: [any CodingKey]) {
        self.node = node
        self.codingPath = codingPath
    }

    static func encode(_ value: some Encodable) throws -> JSONValue {
        let node = Node()
        try write(value, into: node, codingPath: [])
        return node.resolved
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if node.members == nil { node.members = [:] }
        return KeyedEncodingContainer(Keyed<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if node.elements == nil { node.elements = [] }
        return Unkeyed(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, codingPath: codingPath) }

    /// A leaf value, or nil when `value` needs its own `encode(to:)`.
    static func primitive(_ value: some Encodable) -> JSONValue? {
        switch value {
        case let value as JSONValue: value
        case let value as String: .string(value)
        case let value as Bool: .bool(value)
        case let value as Int: .int(Int64(value))
        case let value as Int64: .int(value)
        case let value as Int32: .int(Int64(value))
        case let value as Double: .double(value)
        default: nil
        }
    }

    static func write(_ value: some Encodable, into node: Node, codingPath: [any CodingKey]) throws {
        if let primitive = primitive(value) {
            node.value = primitive
        } else {
            try value.encode(to: JSONValueEncoder(node, codingPath: codingPath))
        }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let codingPath: [any CodingKey]

        private func child(_ key: Key) -> Node {
            let child = Node()
            node.members?[key.stringValue] = child
            return child
        }

        mutating func encodeNil(forKey key: Key) throws { child(key).value = .null }
        mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).value = .bool(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { child(key).value = .string(value) }
        mutating func encode(_ value: Double, forKey key: Key) throws { child(key).value = .double(value) }
        mutating func encode(_ value: Float, forKey key: Key) throws { child(key).value = .double(Double(value)) }
        mutating func encode(_ value: Int, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int8, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int16, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int32, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt8, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt16, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt32, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { child(key).value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: some Encodable, forKey key: Key) throws {
            try JSONValueEncoder.write(value, into: child(key), codingPath: codingPath + [key])
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key)
            -> KeyedEncodingContainer<NestedKey>
        {
            JSONValueEncoder(child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            JSONValueEncoder(child(key), codingPath: codingPath + [key]).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { JSONValueEncoder(node, codingPath: codingPath) }
        mutating func superEncoder(forKey key: Key) -> any Encoder { JSONValueEncoder(child(key), codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]
        var count: Int { node.elements?.count ?? 0 }

        private func next() -> Node {
            let child = Node()
            node.elements?.append(child)
            return child
        }

        mutating func encodeNil() throws { next().value = .null }
        mutating func encode(_ value: Bool) throws { next().value = .bool(value) }
        mutating func encode(_ value: String) throws { next().value = .string(value) }
        mutating func encode(_ value: Double) throws { next().value = .double(value) }
        mutating func encode(_ value: Float) throws { next().value = .double(Double(value)) }
        mutating func encode(_ value: Int) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int8) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int16) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int32) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int64) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt8) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt16) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt32) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt64) throws { next().value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: some Encodable) throws { try JSONValueEncoder.write(value, into: next(), codingPath: codingPath) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            JSONValueEncoder(next(), codingPath: codingPath).container(keyedBy: keyType)
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            JSONValueEncoder(next(), codingPath: codingPath).unkeyedContainer()
        }
        mutating func superEncoder() -> any Encoder { JSONValueEncoder(next(), codingPath: codingPath) }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let codingPath: [any CodingKey]

        mutating func encodeNil() throws { node.value = .null }
        mutating func encode(_ value: Bool) throws { node.value = .bool(value) }
        mutating func encode(_ value: String) throws { node.value = .string(value) }
        mutating func encode(_ value: Double) throws { node.value = .double(value) }
        mutating func encode(_ value: Float) throws { node.value = .double(Double(value)) }
        mutating func encode(_ value: Int) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int8) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int16) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int32) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: Int64) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt8) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt16) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt32) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: UInt64) throws { node.value = .int(Int64(clamping: value)) }
        mutating func encode(_ value: some Encodable) throws { try JSONValueEncoder.write(value, into: node, codingPath: codingPath) }
    }
}
