import ConvoStore

/// One turn of `log` (and of `diff`'s lists): what the text layouts show and `log --json` prints.
public struct LogItem: Sendable, Encodable {
    let entry: LogEntry
    private var summary: TurnSummary { entry.summary }

    /// Wraps an entry of the history.
    public init(_ entry: LogEntry) { self.entry = entry }

    /// The full id.
    public var id: String { summary.id.hex }
    /// The shortest unique abbreviation (at least 7 digits).
    public var shortID: String { entry.shortID }
    /// The parent's full id.
    public var parent: String? { summary.parent?.hex }
    /// The parent's abbreviated id.
    public var shortParent: String? { summary.parent?.abbreviated() }
    /// Unix seconds.
    public var createdAt: Int64 { summary.createdAt }
    /// The model that answered.
    public var model: String? { summary.model }
    /// The server's response id.
    public var responseID: String? { summary.responseID }
    /// The response status.
    public var status: String { summary.status }
    /// Whether the server was asked to store it.
    public var stored: Bool { summary.stored }
    /// Whether it was sent as a replay.
    public var replay: Bool { summary.replay }
    /// Input tokens billed.
    public var inputTokens: Int64? { summary.inputTokens }
    /// Output tokens billed.
    public var outputTokens: Int64? { summary.outputTokens }
    /// Input tokens served from the provider's prompt cache, when the entry was read with its usage (`%k`).
    public var cachedTokens: Int64? { entry.usage?.cachedTokens }
    /// The first line of the newest user message, shortened for a person.
    public var shortInputLine: String { summary.shortInputLine }
    /// The whole first line of the input (`%s`, `--json`).
    public var inputLine: String { summary.inputLine }
    /// The whole first line of the answer (`%a`, `--json`).
    public var outputLine: String { summary.outputLine }
    /// The first line of the answer, shortened for a person.
    public var shortOutputLine: String { summary.shortOutputLine }
    /// Decorations, git style: `HEAD -> main`, `HEAD`, `travel`.
    public var refs: [String] { entry.refs }
    /// What the server holds of the turn's response.
    public var remote: RemoteState { entry.remote }

    /// `log --json`'s object: stable keys, documented in README.md.
    public var json: JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func count(_ value: Int64?) -> JSONValue { value.map(JSONValue.int) ?? .null }
        return .object([
            "id": .string(id), "short_id": .string(shortID), "parent": text(parent), "created_at": .string(Timestamps.format(createdAt)),
            "status": .string(status), "input": .string(summary.inputLine), "output": .string(summary.outputLine),
            "refs": .array(refs.map(JSONValue.string)), "stored": .bool(stored), "replay": .bool(replay), "model": text(model),
            "response_id": text(responseID), "input_tokens": count(inputTokens), "output_tokens": count(outputTokens), "remote": remote.json,
        ])
    }

    /// Encodes ``json``.
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(json)
    }
}

extension LogItem: CanonicalJSONWriting {
    /// ``json``'s canonical bytes, written member by member in key order with no dictionary to build and sort
    /// (a third of what `log --json` spent on its output, issue 11). `LogResultTests` holds the two equal.
    public func writeJSON(into out: inout [UInt8]) {
        var first = true
        func key(_ name: StaticString) {
            out.append(first ? UInt8(ascii: "{") : UInt8(ascii: ","))
            first = false
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\":".utf8)
        }
        func text(_ value: String?) {
            if let value { JSONValue.writeString(value, into: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        func count(_ value: Int64?) { out.append(contentsOf: (value.map(String.init) ?? "null").utf8) }
        key("created_at"); text(Timestamps.format(createdAt))
        key("id"); text(id)
        key("input"); text(summary.inputLine)
        key("input_tokens"); count(inputTokens)
        key("model"); text(model)
        key("output"); text(summary.outputLine)
        key("output_tokens"); count(outputTokens)
        key("parent"); text(parent)
        key("refs"); JSONValue.array(refs.map(JSONValue.string)).write(into: &out)
        key("remote"); remote.json.write(into: &out)
        key("replay"); out.append(contentsOf: (replay ? "true" : "false").utf8)
        key("response_id"); text(responseID)
        key("short_id"); text(shortID)
        key("status"); text(status)
        key("stored"); out.append(contentsOf: (stored ? "true" : "false").utf8)
        out.append(UInt8(ascii: "}"))
    }
}

extension History {
    /// `convo log`: turns, newest first (see ``log(_:options:)``).
    public static func logItems(_ workspace: Workspace, options: LogOptions) throws -> [LogItem] {
        try log(workspace, options: options).map(LogItem.init)
    }
}

extension GraphLayout {
    /// The graph of `items`, in their order (children before parents).
    public static func rows(_ items: [LogItem]) -> [GraphRow] { rows(items.map(\.entry.summary)) }
}

extension RemoteState: Encodable {
    /// `{"state", "expires_at"?, "at"?, "reason"?, "status"?}` (``json``).
    public func encode(to encoder: Encoder) throws { try json.encode(to: encoder) }
}
