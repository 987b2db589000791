extension JSONValue: Encodable {
    /// Encodes the value as its JSON. ConvoKit's `--json` writer takes a `JSONValue` member as it is, so
    /// numbers keep their case there; other encoders see `.number` as its literal text.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .number(let text): try container.encode(text)
        case .string(let value): try container.encode(value)
        case .array(let values): try container.encode(values)
        case .object(let members): try container.encode(members)
        }
    }
}
