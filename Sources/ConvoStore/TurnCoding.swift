/// The typed codec of a turn's canonical bytes: a writer that emits the keys in their canonical (sorted)
/// order without building a JSON tree, and a decoder that reads those bytes straight into a ``Turn``.
///
/// Every reader of turns (show, export, fsck, replay, search, gc) decodes through ``Turn/init(canonicalBytes:)``,
/// which tries this decoder first. The decoder models only the canonical form convo writes; anything else
/// (an unknown key, a key out of order, whitespace, an escape convo would not write, a number in another
/// spelling) makes it give up, and the generic path (ConvoJSON's parser and a tree walk) decodes the bytes as
/// it always did. A turn it does decode is re-encoded and compared with the bytes, so a turn decoded here is
/// always one whose canonical bytes are exactly the bytes read: the two paths cannot disagree.
enum TurnCoding {
    // MARK: Writing

    /// The canonical bytes of `turn`: the same bytes as `turn.canonicalJSON.canonicalBytes`, written in key order.
    static func encode(_ turn: Turn) -> [UInt8] {
        // Attachments are rare; their turns take the generic writer, which gives the same bytes.
        if turn.request.input.contains(where: { !$0.attachments.isEmpty }) { return turn.canonicalJSON.canonicalBytes }
        var out = [UInt8]()
        out.reserveCapacity(640)
        out.append(contentsOf: #"{"created_at":"#.utf8)
        writeInt(turn.createdAt, into: &out)
        if turn.fetched { out.append(contentsOf: #","fetched":true"#.utf8) }
        if let origin = turn.origin { key("origin", first: false, &out); JSONValue.writeString(origin, into: &out) }
        if let parent = turn.parent { key("parent", first: false, &out); writeID(parent, into: &out) }
        if turn.replay { out.append(contentsOf: #","replay":true"#.utf8) }

        let request = turn.request
        out.append(contentsOf: #","request":{"input":["#.utf8)
        for (index, message) in request.input.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #"{"content":"#.utf8)
            writeID(message.content, into: &out)
            out.append(contentsOf: #","role":"#.utf8)
            JSONValue.writeString(message.role, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if let instructions = request.instructions { key("instructions", first: false, &out); writeID(instructions, into: &out) }
        if let model = request.model { key("model", first: false, &out); JSONValue.writeString(model, into: &out) }
        if !request.parameters.isEmpty { key("parameters", first: false, &out); JSONValue.object(request.parameters).write(into: &out) }
        if let previous = request.previousResponseID {
            key("previous_response_id", first: false, &out)
            JSONValue.writeString(previous, into: &out)
        }

        let response = turn.response
        out.append(contentsOf: #"},"response":{"#.utf8)
        var first = true
        if let error = response.error { key("error", first: first, &out); first = false; JSONValue.writeString(error, into: &out) }
        if let id = response.id { key("id", first: first, &out); first = false; JSONValue.writeString(id, into: &out) }
        if let model = response.model { key("model", first: first, &out); first = false; JSONValue.writeString(model, into: &out) }
        key("output", first: first, &out)
        out.append(UInt8(ascii: "["))
        for (index, item) in response.output.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "{"))
            if let content = item.content { out.append(contentsOf: #""content":"#.utf8); writeID(content, into: &out); out.append(UInt8(ascii: ",")) }
            if let id = item.id { out.append(contentsOf: #""id":"#.utf8); JSONValue.writeString(id, into: &out); out.append(UInt8(ascii: ",")) }
            if let role = item.role { out.append(contentsOf: #""role":"#.utf8); JSONValue.writeString(role, into: &out); out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #""type":"#.utf8)
            JSONValue.writeString(item.type, into: &out)
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "]"))
        if let raw = response.raw { key("raw", first: false, &out); writeID(raw, into: &out) }
        key("status", first: false, &out)
        JSONValue.writeString(response.status, into: &out)
        if let usage = response.usage {
            out.append(contentsOf: #","usage":{"#.utf8)
            if let cached = usage.cachedTokens { out.append(contentsOf: #""cached_tokens":"#.utf8); writeInt(cached, into: &out); out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: #""input_tokens":"#.utf8)
            writeInt(usage.inputTokens, into: &out)
            out.append(contentsOf: #","output_tokens":"#.utf8)
            writeInt(usage.outputTokens, into: &out)
            if let reasoning = usage.reasoningTokens { out.append(contentsOf: #","reasoning_tokens":"#.utf8); writeInt(reasoning, into: &out) }
            out.append(UInt8(ascii: "}"))
        }
        out.append(UInt8(ascii: "}"))
        if turn.stored { out.append(contentsOf: #","stored":true"#.utf8) }
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func key(_ name: StaticString, first: Bool, _ out: inout [UInt8]) {
        if !first { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(contentsOf: #"":"#.utf8)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func writeID(_ id: ObjectID, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in id.bytes {
            out.append(hexDigits[Int(byte >> 4)])
            out.append(hexDigits[Int(byte & 0x0F)])
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Decimal, as `String(value)` writes it.
    private static func writeInt(_ value: Int64, into out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits = (UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0),
                      UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0), UInt8(0))
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { out.append(buffer[index]) }
        }
    }

    // MARK: Reading

    /// The turn whose canonical bytes are exactly `bytes`, or nil when the bytes are anything else (then the
    /// generic path decides what they hold, or why they are not a turn).
    static func decode(_ bytes: [UInt8]) -> Turn? {
        let turn: Turn? = bytes.withUnsafeBufferPointer { buffer in
            var scanner = Scanner(bytes: buffer)
            return scanner.turn()
        }
        guard let turn, encode(turn) == bytes else { return nil }
        return turn
    }

    /// The turn `bytes` hold when they are in the canonical form, read as ``decode(_:)`` reads them but not encoded
    /// again to compare: for a walk that follows a turn's references (a replay's prediction), not for its id or
    /// bytes. Nil when ``decode(_:)`` would give up before comparing.
    static func scan(_ bytes: UnsafeBufferPointer<UInt8>) -> Turn? {
        var scanner = Scanner(bytes: bytes)
        return scanner.turn()
    }

    /// What a replay reads of a plain turn (``TurnReferences``), from its canonical bytes without building the turn
    /// or encoding it again. Nil when the bytes are not in the canonical form, or the turn is not plain: a message
    /// has attachments, or an output item is a compaction (then decode the turn).
    static func plainReferences(_ bytes: UnsafeBufferPointer<UInt8>) -> TurnReferences? {
        var scanner = Scanner(bytes: bytes)
        return scanner.plainReferences()
    }

    /// The texts of a turn's request messages, in order, from its canonical bytes (gc packs them apart, as a bulk
    /// write does: ``Packer/Group``); bytes not in the canonical form are decoded; nil when they are not a turn.
    static func messageTexts(_ bytes: UnsafeBufferPointer<UInt8>) -> [ObjectID]? {
        var scanner = Scanner(bytes: bytes)
        if let references = scanner.references(compaction: true) { return references.input.map(\.content) }
        return (try? Turn(canonicalBytes: Array(bytes)))?.request.input.map(\.content)
    }

    /// The blobs a turn's first lines come from (its newest user message's, its output items'), read from its
    /// canonical bytes as ``decode(_:)`` reads them but without building the turn or encoding it again to compare:
    /// a tenth of the instructions (`log --json` reads them for every turn, issue 11). Nil when the bytes are not
    /// in the canonical form (then decode the turn, whose generic path says what they hold).
    static func lineTexts(_ bytes: UnsafeBufferPointer<UInt8>) -> (input: ObjectID?, output: [ObjectID])? {
        var scanner = Scanner(bytes: bytes)
        return scanner.lineTexts()
    }

    /// Reads the canonical form only; every method returns nil (or false) at the first byte it does not expect.
    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var index = 0
        /// Whether the type of the output item ``outputItemText()`` read last is `compaction`.
        var lastTypeWasCompaction = false
        static let compactionType = Array("\"compaction\"".utf8)

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        mutating func take(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }

        var next: UInt8? { index < bytes.count ? bytes[index] : nil }

        /// The next member's key among `keys` (which are in canonical order), at a position after `after`; -1
        /// at the object's end. Nil for anything else: an unknown key, or a key out of order or repeated.
        mutating func member(_ keys: [[UInt8]], after: Int, first: Bool) -> Int? {
            if take(UInt8(ascii: "}")) { return -1 }
            if !first && !take(UInt8(ascii: ",")) { return nil }
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                if bytes[index] == UInt8(ascii: "\\") { return nil }
                index += 1
            }
            guard index < bytes.count else { return nil }
            let name = UnsafeBufferPointer(rebasing: bytes[start..<index])
            index += 1
            guard take(UInt8(ascii: ":")) else { return nil }
            var position = after + 1
            while position < keys.count {
                if keys[position].elementsEqual(name) { return position }
                position += 1
            }
            return nil
        }

        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = index
            // The common case: no escapes, decoded in one step.
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
                    index += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                index += 1
            }
            var out = Array(bytes[start..<index])
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(decoding: out, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    guard let escaped = next else { return nil }
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(escaped)
                    case UInt8(ascii: "n"): out.append(0x0A)
                    case UInt8(ascii: "r"): out.append(0x0D)
                    case UInt8(ascii: "t"): out.append(0x09)
                    case UInt8(ascii: "u"):
                        // Only the control characters, as the canonical writer escapes them: \u00xx.
                        guard index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "0"), bytes[index + 1] == UInt8(ascii: "0"),
                            let high = Self.hexValue(bytes[index + 2]), let low = Self.hexValue(bytes[index + 3]), high < 2
                        else { return nil }
                        out.append(high << 4 | low)
                        index += 4
                    default: return nil
                    }
                default:
                    out.append(byte)
                }
            }
            return nil
        }

        static func hexValue(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }

        mutating func id() -> ObjectID? {
            guard index + 66 <= bytes.count, bytes[index] == UInt8(ascii: "\""), bytes[index + 65] == UInt8(ascii: "\"") else { return nil }
            var raw = [UInt8](repeating: 0, count: 32)
            for offset in 0..<32 {
                guard let high = Self.hexValue(bytes[index + 1 + 2 * offset]), let low = Self.hexValue(bytes[index + 2 + 2 * offset]) else {
                    return nil
                }
                raw[offset] = high << 4 | low
            }
            index += 66
            return ObjectID(bytes: raw)
        }

        mutating func int() -> Int64? {
            let negative = take(UInt8(ascii: "-"))
            var magnitude: UInt64 = 0
            let start = index
            while let byte = next, byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                let (times, overflow1) = magnitude.multipliedReportingOverflow(by: 10)
                let (sum, overflow2) = times.addingReportingOverflow(UInt64(byte - UInt8(ascii: "0")))
                guard !overflow1, !overflow2 else { return nil }
                magnitude = sum
                index += 1
            }
            guard index > start else { return nil }
            if negative {
                guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
                return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
            }
            guard magnitude <= UInt64(Int64.max) else { return nil }
            return Int64(magnitude)
        }

        mutating func isTrue() -> Bool {
            guard index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "t"), bytes[index + 1] == UInt8(ascii: "r"),
                bytes[index + 2] == UInt8(ascii: "u"), bytes[index + 3] == UInt8(ascii: "e")
            else { return false }
            index += 4
            return true
        }

        /// Skips one JSON object loosely (the strict parser checks what this hands it); returns its range.
        mutating func skipObject() -> Range<Int>? {
            let start = index
            guard next == UInt8(ascii: "{") else { return nil }
            var depth = 0
            while let byte = next {
                index += 1
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return start..<index }
                case UInt8(ascii: "\""):
                    while let inner = next, inner != UInt8(ascii: "\"") { index += inner == UInt8(ascii: "\\") ? 2 : 1 }
                    guard take(UInt8(ascii: "\"")) else { return nil }
                default: break
                }
            }
            return nil
        }

        static let turnKeys: [[UInt8]] = ["created_at", "fetched", "origin", "parent", "replay", "request", "response", "stored"].map { Array($0.utf8) }
        static let requestKeys: [[UInt8]] = ["input", "instructions", "model", "parameters", "previous_response_id"].map { Array($0.utf8) }
        static let messageKeys: [[UInt8]] = ["content", "role"].map { Array($0.utf8) }
        static let responseKeys: [[UInt8]] = ["error", "id", "model", "output", "raw", "status", "usage"].map { Array($0.utf8) }
        static let itemKeys: [[UInt8]] = ["content", "id", "role", "type"].map { Array($0.utf8) }
        static let usageKeys: [[UInt8]] = ["cached_tokens", "input_tokens", "output_tokens", "reasoning_tokens"].map { Array($0.utf8) }

        /// Walks an object whose members' keys are among `keys`, in their order: `value` reads the value of the member
        /// whose key is `keys[found]`. False when the bytes are not such an object or `value` returns false.
        mutating func object(_ keys: [[UInt8]], _ value: (inout Scanner, _ found: Int) -> Bool) -> Bool {
            guard take(UInt8(ascii: "{")) else { return false }
            var position = -1
            while true {
                guard let found = member(keys, after: position, first: position == -1) else { return false }
                if found == -1 { return true }
                position = found
                guard value(&self, found) else { return false }
            }
        }

        /// Walks an array: `element` reads each element. False when the bytes are not an array or `element` returns false.
        mutating func array(_ element: (inout Scanner) -> Bool) -> Bool {
            guard take(UInt8(ascii: "[")) else { return false }
            var count = 0
            while !take(UInt8(ascii: "]")) {
                if count > 0 { guard take(UInt8(ascii: ",")) else { return false } }
                guard element(&self) else { return false }
                count += 1
            }
            return true
        }

        /// A request's input messages.
        mutating func messages() -> [MessageRef]? {
            var messages = [MessageRef]()
            let read = array { scanner in
                guard scanner.take(UInt8(ascii: "{")), scanner.member(Self.messageKeys, after: -1, first: true) == 0,
                    let content = scanner.id(), scanner.member(Self.messageKeys, after: 0, first: false) == 1,
                    let role = scanner.string(), scanner.take(UInt8(ascii: "}"))
                else { return false }
                messages.append(MessageRef(role: role, content: content))
                return true
            }
            return read ? messages : nil
        }

        mutating func turn() -> Turn? {
            var createdAt: Int64?, fetched = false, origin: String?, parent: ObjectID?, replay = false, stored = false
            var request: TurnRequest?, response: TurnResponse?
            let read = object(Self.turnKeys) { scanner, found in
                switch found {
                case 0: createdAt = scanner.int(); return createdAt != nil
                case 1: fetched = scanner.isTrue(); return fetched
                case 2: origin = scanner.string(); return origin != nil
                case 3: parent = scanner.id(); return parent != nil
                case 4: replay = scanner.isTrue(); return replay
                case 5: request = scanner.request(); return request != nil
                case 6: response = scanner.response(); return response != nil
                default: stored = scanner.isTrue(); return stored
                }
            }
            guard read, index == bytes.count, let createdAt, let request, let response else { return nil }
            return Turn(
                parent: parent, request: request, response: response, origin: origin, stored: stored, replay: replay,
                fetched: fetched, createdAt: createdAt)
        }

        /// ``turn()``'s walk, keeping only the texts' ids: strings other than roles are checked, not built, and the
        /// request's parameters are skipped, not parsed.
        mutating func lineTexts() -> (input: ObjectID?, output: [ObjectID])? {
            guard let references = references(compaction: true) else { return nil }
            return (TurnRequest(model: nil, input: references.input).newestUserMessage?.content, references.texts)
        }

        /// ``lineTexts()``'s walk, keeping the parent, the replay flag, the input messages and the output's texts;
        /// nil as well for an output item of type `compaction`.
        mutating func plainReferences() -> TurnReferences? { references(compaction: false) }

        /// ``turn()``'s walk, keeping the parent, the replay flag, the input messages and the output's texts; nil for
        /// an output item of type `compaction` unless `compaction` allows one.
        mutating func references(compaction: Bool) -> TurnReferences? {
            var createdAt = false, parent: ObjectID?, replay = false, messages: [MessageRef]?, output: [ObjectID]?
            let read = object(Self.turnKeys) { scanner, found in
                switch found {
                case 0: createdAt = scanner.int() != nil; return createdAt
                case 2: return scanner.skipString()
                case 3: parent = scanner.id(); return parent != nil
                case 4: replay = scanner.isTrue(); return replay
                case 5: messages = scanner.requestMessages(); return messages != nil
                case 6: output = scanner.responseTexts(compaction: compaction); return output != nil
                default: return scanner.isTrue()  // fetched, stored
                }
            }
            guard read, index == bytes.count, createdAt, let messages, let output else { return nil }
            return TurnReferences(parent: parent, replay: replay, input: messages, texts: output)
        }

        /// A string as ``string()`` reads it, not built.
        mutating func skipString() -> Bool {
            guard take(UInt8(ascii: "\"")) else { return false }
            while index < bytes.count {
                let byte = bytes[index]
                index += 1
                if byte == UInt8(ascii: "\"") { return true }
                guard byte == UInt8(ascii: "\\") else { continue }
                guard let escaped = next else { return false }
                index += 1
                switch escaped {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"): continue
                case UInt8(ascii: "u"):
                    guard index + 4 <= bytes.count, bytes[index] == UInt8(ascii: "0"), bytes[index + 1] == UInt8(ascii: "0"),
                        Self.hexValue(bytes[index + 2]).map({ $0 < 2 }) == true, Self.hexValue(bytes[index + 3]) != nil
                    else { return false }
                    index += 4
                default: return false
                }
            }
            return false
        }

        /// ``request()``'s walk, keeping the input messages.
        mutating func requestMessages() -> [MessageRef]? {
            var input: [MessageRef]?
            let read = object(Self.requestKeys) { scanner, found in
                switch found {
                case 0: input = scanner.messages(); return input != nil
                case 1: return scanner.id() != nil
                case 3: return scanner.skipObject() != nil
                default: return scanner.skipString()  // model, previous_response_id
                }
            }
            return read ? input : nil
        }

        /// ``response()``'s walk, keeping the output items' texts; nil for an item of type `compaction` unless
        /// `compaction` allows one.
        mutating func responseTexts(compaction: Bool = true) -> [ObjectID]? {
            var output: [ObjectID]?, status = false
            let read = object(Self.responseKeys) { scanner, found in
                switch found {
                case 3:
                    var texts = [ObjectID]()
                    let items = scanner.array { scanner in
                        guard let item = scanner.outputItemText(), compaction || !scanner.lastTypeWasCompaction else { return false }
                        if let text = item { texts.append(text) }
                        return true
                    }
                    output = texts
                    return items
                case 4: return scanner.id() != nil
                case 5: status = scanner.skipString(); return status
                case 6: return scanner.usage() != nil
                default: return scanner.skipString()  // error, id, model
                }
            }
            guard read, let output, status else { return nil }
            return output
        }

        /// ``outputItem()``'s walk: the item's text, if it has one (nil when the bytes are not an item).
        mutating func outputItemText() -> ObjectID?? {
            var content: ObjectID?, type = false
            lastTypeWasCompaction = false
            let read = object(Self.itemKeys) { scanner, found in
                if found == 0 {
                    content = scanner.id()
                    return content != nil
                }
                let start = scanner.index
                guard scanner.skipString() else { return false }
                if found == 3 {
                    type = true
                    scanner.lastTypeWasCompaction = UnsafeBufferPointer(rebasing: scanner.bytes[start..<scanner.index]).elementsEqual(Self.compactionType)
                }
                return true
            }
            guard read, type else { return nil }
            return .some(content)
        }

        mutating func request() -> TurnRequest? {
            var input: [MessageRef]?, instructions: ObjectID?, model: String?, parameters = [String: JSONValue](), previous: String?
            let read = object(Self.requestKeys) { scanner, found in
                switch found {
                case 0: input = scanner.messages(); return input != nil
                case 1: instructions = scanner.id(); return instructions != nil
                case 2: model = scanner.string(); return model != nil
                case 3:
                    guard let range = scanner.skipObject(),
                        let object = try? JSONValue.parse(UnsafeBufferPointer(rebasing: scanner.bytes[range])).objectValue
                    else { return false }
                    parameters = object
                    return true
                default: previous = scanner.string(); return previous != nil
                }
            }
            guard read, let input else { return nil }
            return TurnRequest(model: model, instructions: instructions, input: input, parameters: parameters, previousResponseID: previous)
        }

        mutating func response() -> TurnResponse? {
            var error: String?, id: String?, model: String?, output: [OutputItemRef]?, raw: ObjectID?, status: String?, usage: TokenUsage?
            let read = object(Self.responseKeys) { scanner, found in
                switch found {
                case 0: error = scanner.string(); return error != nil
                case 1: id = scanner.string(); return id != nil
                case 2: model = scanner.string(); return model != nil
                case 3:
                    var items = [OutputItemRef]()
                    let read = scanner.array { scanner in
                        guard let item = scanner.outputItem() else { return false }
                        items.append(item)
                        return true
                    }
                    output = items
                    return read
                case 4: raw = scanner.id(); return raw != nil
                case 5: status = scanner.string(); return status != nil
                default: usage = scanner.usage(); return usage != nil
                }
            }
            guard read, let output, let status else { return nil }
            return TurnResponse(id: id, status: status, model: model, output: output, usage: usage, raw: raw, error: error)
        }

        mutating func outputItem() -> OutputItemRef? {
            var content: ObjectID?, id: String?, role: String?, type: String?
            let read = object(Self.itemKeys) { scanner, found in
                switch found {
                case 0: content = scanner.id(); return content != nil
                case 1: id = scanner.string(); return id != nil
                case 2: role = scanner.string(); return role != nil
                default: type = scanner.string(); return type != nil
                }
            }
            guard read, let type else { return nil }
            return OutputItemRef(type: type, id: id, role: role, content: content)
        }

        mutating func usage() -> TokenUsage? {
            var counts: [Int64?] = [nil, nil, nil, nil]
            let read = object(Self.usageKeys) { scanner, found in
                counts[found] = scanner.int()
                return counts[found] != nil
            }
            guard read, let input = counts[1], let output = counts[2] else { return nil }
            return TokenUsage(inputTokens: input, outputTokens: output, cachedTokens: counts[0], reasoningTokens: counts[3])
        }
    }
}
