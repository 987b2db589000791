/// One dispatched Server-Sent Event.
public struct SSEEvent: Sendable, Equatable {
    /// The `event:` field; nil when the event had none (xAI sends data lines only).
    public var event: String?
    /// The `data:` lines joined with `\n`.
    public var data: String
    /// The last `id:` seen, which persists across events as the spec requires.
    public var id: String?

    /// Creates an event.
    public init(event: String? = nil, data: String, id: String? = nil) {
        self.event = event
        self.data = data
        self.id = id
    }
}

/// A pure, incremental Server-Sent Events parser following the WHATWG event-stream rules.
///
/// Feed it bytes in chunks of any size; it returns the events each chunk completes.
/// Lines end in LF, CR or CRLF (a CR at the end of one chunk and an LF at the start of the
/// next are one line ending); lines starting with `:` are comments; one space after the
/// field's colon is dropped; a blank line dispatches; an event without data is not
/// dispatched. Bytes are kept until a line is complete, so UTF-8 split across chunks
/// decodes correctly.
public struct SSEDecoder: Sendable, Equatable {
    /// How the byte stream ended.
    public enum End: Sendable, Equatable {
        /// After a complete event (or nothing at all).
        case clean
        /// In the middle of an event; the partial event was discarded, as the spec requires.
        case midEvent
    }

    private var line: [UInt8] = []
    private var lastWasCR = false
    private var atStart = true
    private var eventType: String?
    private var data: [UInt8] = []
    private var hasData = false
    private var pendingFields = false
    private var lastEventID: String?

    /// Creates a parser at the start of a stream.
    public init() {}

    /// Parses the next chunk and returns the events it completes.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [SSEEvent] {
        var events: [SSEEvent] = []
        for byte in bytes {
            if lastWasCR {
                lastWasCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0A:
                if let event = endLine() { events.append(event) }
            case 0x0D:
                lastWasCR = true
                if let event = endLine() { events.append(event) }
            default:
                line.append(byte)
            }
        }
        return events
    }

    /// Marks the end of the byte stream; a partial event is discarded and reported.
    public mutating func finish() -> End {
        let midEvent = !line.isEmpty || pendingFields
        line = []
        resetEvent()
        return midEvent ? .midEvent : .clean
    }

    private mutating func endLine() -> SSEEvent? {
        defer { line.removeAll(keepingCapacity: true) }
        if atStart {
            atStart = false
            if line.starts(with: [0xEF, 0xBB, 0xBF]) { line.removeFirst(3) }
        }
        if line.isEmpty { return dispatch() }
        if line.first == UInt8(ascii: ":") { return nil }
        let field: ArraySlice<UInt8>
        var value: ArraySlice<UInt8>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line[...]
            value = []
        }
        process(field: String(decoding: field, as: UTF8.self), value: value)
        return nil
    }

    private mutating func process(field: String, value: ArraySlice<UInt8>) {
        switch field {
        case "event":
            eventType = String(decoding: value, as: UTF8.self)
        case "data":
            if hasData { data.append(0x0A) }
            data.append(contentsOf: value)
            hasData = true
        case "id":
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        default:
            return  // `retry` and unknown fields do not matter to this client.
        }
        pendingFields = true
    }

    private mutating func dispatch() -> SSEEvent? {
        defer { resetEvent() }
        guard hasData else { return nil }
        let type = eventType.flatMap { $0.isEmpty ? nil : $0 }
        return SSEEvent(event: type, data: String(decoding: data, as: UTF8.self), id: lastEventID)
    }

    private mutating func resetEvent() {
        eventType = nil
        data.removeAll(keepingCapacity: true)
        hasData = false
        pendingFields = false
    }
}
