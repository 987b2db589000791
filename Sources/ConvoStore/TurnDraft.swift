import Foundation
import GRDB

/// A message of a turn about to be written, with its text.
public struct DraftMessage: Hashable, Sendable {
    /// `user`, `assistant`, `system` or `developer`.
    public var role: String
    /// The text.
    public var text: String
    /// Files and images sent with it.
    public var attachments: [DraftAttachment]

    /// Creates a draft message.
    public init(role: String, text: String, attachments: [DraftAttachment] = []) {
        self.role = role
        self.text = text
        self.attachments = attachments
    }
}

/// An output item of a turn about to be written.
public struct DraftOutputItem: Hashable, Sendable {
    /// `message`, `reasoning`, …
    public var type: String
    /// The server's item id.
    public var id: String?
    /// The role of a message item.
    public var role: String?
    /// The text of a message item.
    public var text: String?

    /// Creates a draft output item.
    public init(type: String, id: String? = nil, role: String? = nil, text: String? = nil) {
        self.type = type
        self.id = id
        self.role = role
        self.text = text
    }
}

/// Everything a turn holds, with texts instead of blob ids: what `say`, `import` and `fetch` hand to the store.
public struct TurnDraft: Hashable, Sendable {
    /// The parent turn.
    public var parent: ObjectID?
    /// The model asked for.
    public var model: String?
    /// The instructions in force.
    public var instructions: String?
    /// The input messages sent.
    public var input: [DraftMessage]
    /// Other request parameters.
    public var parameters: [String: JSONValue]
    /// The `previous_response_id` sent.
    public var previousResponseID: String?
    /// The server's response id.
    public var responseID: String?
    /// Response status.
    public var status: String
    /// The model that answered.
    public var responseModel: String?
    /// The output items.
    public var output: [DraftOutputItem]
    /// Token counts.
    public var usage: TokenUsage?
    /// The server's own JSON.
    public var raw: String?
    /// The server's error message for a failed response.
    public var error: String?
    /// The API base URL.
    public var origin: String?
    /// Whether the server stored it.
    public var stored: Bool
    /// Whether it was a replay.
    public var replay: Bool
    /// Whether it came from `convo fetch`.
    public var fetched: Bool
    /// Unix seconds.
    public var createdAt: Int64

    /// Creates a draft.
    public init(
        parent: ObjectID?, model: String?, instructions: String? = nil, input: [DraftMessage],
        parameters: [String: JSONValue] = [:], previousResponseID: String? = nil, responseID: String? = nil,
        status: String = "completed", responseModel: String? = nil, output: [DraftOutputItem], usage: TokenUsage? = nil,
        raw: String? = nil, error: String? = nil, origin: String? = nil, stored: Bool = false, replay: Bool = false,
        fetched: Bool = false, createdAt: Int64
    ) {
        self.parent = parent
        self.model = model
        self.instructions = instructions
        self.input = input
        self.parameters = parameters
        self.previousResponseID = previousResponseID
        self.responseID = responseID
        self.status = status
        self.responseModel = responseModel
        self.output = output
        self.usage = usage
        self.raw = raw
        self.error = error
        self.origin = origin
        self.stored = stored
        self.replay = replay
        self.fetched = fetched
        self.createdAt = createdAt
    }

    /// The answer: the texts of all message items, joined.
    public var outputText: String { output.compactMap(\.text).joined() }

    /// The newest user message, which is what the turn "says".
    public var userText: String { input.newestUserMessage?.text ?? "" }
}

extension Array where Element == DraftMessage {
    /// The newest user message (else the last message): what a turn "says", even when a replay sent the history.
    public var newestUserMessage: DraftMessage? { last { $0.role == "user" } ?? last }
}

/// First lines for the index: whole (JSON carries them), shortened only for a person to read.
enum Summary {
    /// Characters a shortened line keeps, with its "…".
    static let maximumLength = 50

    /// The first non-blank line of `text`, trimmed of spaces and tabs, whole, every other byte (NUL too) kept.
    /// Looks only at the start of the text, so long answers cost nothing extra.
    /// Works on Unicode scalars, as Foundation's `trimmingCharacters(in: .whitespaces)` did (which cost a
    /// bridged copy of every line and was a sixth of `fsck`): a newline character is always one scalar (or
    /// CR LF), since grapheme clusters break around them. The scalars are found in the UTF-8 bytes
    /// (``firstLineRange(_:)``): decoding every scalar of a paragraph-long first line was 3% of `fsck`.
    static func firstLine(_ text: String) -> String {
        var text = text
        return text.withUTF8 { bytes in
            let range = firstLineRange(bytes)
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
    }

    /// ``firstLine(_:)`` of the text whose UTF-8 bytes are `bytes` (repaired as `String(decoding:as:)` repairs
    /// them). Bytes all below 0x80 are valid UTF-8 as they are: the line is cut from them in place, and no string of
    /// the whole text is made (a text read for a whole first line, issue 11); any other text goes through its string.
    static func firstLine(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        guard isASCII(bytes) else { return firstLine(String(decoding: bytes, as: UTF8.self)) }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[firstLineRange(bytes)]), as: UTF8.self)
    }

    /// Whether every byte is below 0x80, eight at a time.
    static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var seen: UInt64 = 0
        var index = 0
        while index + 8 <= bytes.count {
            seen |= raw.loadUnaligned(fromByteOffset: index, as: UInt64.self)
            index += 8
        }
        while index < bytes.count {
            seen |= UInt64(bytes[index])
            index += 1
        }
        return seen & 0x8080_8080_8080_8080 == 0
    }

    /// The bytes of the first non-blank line of valid UTF-8, trimmed of ``isBlank(_:)`` scalars (empty when every
    /// line is blank). In valid UTF-8 a lead byte never occurs inside another scalar's bytes, so the newline and
    /// blank scalars are exactly these byte sequences.
    static func firstLineRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int> {
        let count = bytes.count
        var start = 0
        while start < count {
            var end = start
            var next = count
            while end < count {
                let byte = bytes[end]
                if byte >= 0x0A && byte <= 0x0D { next = end + 1; break }  // LF, VT, FF, CR
                if byte == 0xC2, end + 1 < count, bytes[end + 1] == 0x85 { next = end + 2; break }  // NEL
                if byte == 0xE2, end + 2 < count, bytes[end + 1] == 0x80, bytes[end + 2] == 0xA8 || bytes[end + 2] == 0xA9 {
                    next = end + 3  // LS, PS
                    break
                }
                end += 1
            }
            var low = start
            var high = end
            while low < high, let length = blankLength(bytes, startingAt: low, before: high) { low += length }
            while low < high, let length = blankLength(bytes, endingAt: high, after: low) { high -= length }
            if low < high { return low..<high }
            start = next
        }
        return count..<count
    }

    /// The length of the ``isBlank(_:)`` scalar starting at `index` (within `index..<end`), nil if none does.
    private static func blankLength(_ bytes: UnsafeBufferPointer<UInt8>, startingAt index: Int, before end: Int) -> Int? {
        switch bytes[index] {
        case 0x09, 0x20: return 1
        case 0xC2: return index + 1 < end && bytes[index + 1] == 0xA0 ? 2 : nil
        case 0xE1, 0xE2, 0xE3:
            guard index + 2 < end else { return nil }
            return isBlank(bytes[index], bytes[index + 1], bytes[index + 2]) ? 3 : nil
        default: return nil
        }
    }

    /// The length of the ``isBlank(_:)`` scalar ending at `end` (within `start..<end`), nil if none does.
    private static func blankLength(_ bytes: UnsafeBufferPointer<UInt8>, endingAt end: Int, after start: Int) -> Int? {
        switch bytes[end - 1] {
        case 0x09, 0x20: return 1
        case 0xA0 where end - 2 >= start && bytes[end - 2] == 0xC2: return 2
        default:
            guard end - 3 >= start else { return nil }
            return isBlank(bytes[end - 3], bytes[end - 2], bytes[end - 1]) ? 3 : nil
        }
    }

    /// Whether three bytes are the UTF-8 of a three-byte blank: U+1680, U+2000–U+200B, U+202F, U+205F, U+3000.
    private static func isBlank(_ first: UInt8, _ second: UInt8, _ third: UInt8) -> Bool {
        switch (first, second, third) {
        case (0xE1, 0x9A, 0x80), (0xE2, 0x80, 0x80...0x8B), (0xE2, 0x80, 0xAF), (0xE2, 0x81, 0x9F), (0xE3, 0x80, 0x80): true
        default: false
        }
    }

    /// `CharacterSet.whitespaces` as Foundation has it: tab, the space separators and U+200B.
    static func isBlank(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x20, 0xA0, 0x1680, 0x2000...0x200B, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }

    /// `line` cut to `maximumLength` characters, the last of them "…" when it was longer.
    static func shortened(_ line: String) -> String {
        // Walks at most maximumLength characters, however long the line.
        guard line.utf8.count > maximumLength, line.index(line.startIndex, offsetBy: maximumLength, limitedBy: line.endIndex) != nil,
            line.index(line.startIndex, offsetBy: maximumLength) != line.endIndex
        else { return line }
        return String(line.prefix(maximumLength - 1)) + "…"
    }

    /// Characters of a first line the index keeps (issue 11, "Store size"): one more than a shortened line shows,
    /// so a kept prefix shortens to the same text as the whole line; `log --json`, `%s` and `branch --json` read
    /// a longer line whole from the turn's text (``StoreReader/wholeLines(_:)``).
    static let keptCharacters = maximumLength + 1

    /// A short text column of `turn_index` (model, response id, status, origin) as the index keeps it: a U+0000 is
    /// kept as U+FFFD. SQLite's text binding through GRDB ends a string at its first NUL, so the row would hold a cut
    /// value that fsck finds stale and `--rebuild-index` cuts again; the turn object keeps the exact value.
    static func indexedField(_ value: String) -> String {
        guard value.utf8.contains(0) else { return value }
        return String(value.unicodeScalars.map { $0 == "\u{0}" ? "\u{FFFD}" : Character($0) })
    }

    /// A first line as `turn_index` keeps it: whole when it has at most ``keptCharacters`` characters, else its
    /// first ``keptCharacters`` followed by a newline, which no first line holds, to mark the prefix.
    static func storedLine(_ line: String) -> (line: String, isPrefix: Bool) {
        guard line.utf8.count > keptCharacters, let end = line.index(line.startIndex, offsetBy: keptCharacters, limitedBy: line.endIndex),
            end != line.endIndex
        else { return (line, false) }
        return (String(line[..<end]), true)
    }

    /// The longest first line, in UTF-8 bytes, a leaf's row keeps whole (``leafLine(_:)``): rows stay well within a
    /// page. Every tip's first lines in the large corpus are shorter (the longest is 939 bytes).
    static let leafLineLimit = 1_024

    /// A first line as a leaf's `turn_index` row keeps it (issue 11, "no figure got worse"): whole up to
    /// ``leafLineLimit`` bytes, so that `branch --json` and `log --json` of the newest turns read their tips' lines
    /// from the index instead of inflating the packs that hold their texts; longer ones as ``storedLine(_:)``. A
    /// turn stops being a leaf when a child is indexed, and its row then keeps the prefix (``HistoryOrder``): the
    /// store grows by the tips' lines only.
    static func leafLine(_ line: String) -> (line: String, isPrefix: Bool) {
        line.utf8.count <= leafLineLimit ? (line, false) : storedLine(line)
    }

    /// The bytes `turn_index` stores for a first line (see ``storedLine(_:)``).
    static func storedBytes(_ line: String, isPrefix: Bool) -> Data { Data(line.utf8) + (isPrefix ? [0x0A] : []) }

    /// A first line read from `turn_index`: a prefix when it ends with the newline mark; rows written before the
    /// prefixes were kept (format 9 and older) hold whole lines, and still read as whole.
    static func storedLine(_ value: DatabaseValue) -> (line: String, isPrefix: Bool)? {
        guard var bytes = Data.fromDatabaseValue(value) ?? text(value).map({ Data($0.utf8) }) else { return nil }
        guard bytes.last == 0x0A else { return (String(decoding: bytes, as: UTF8.self), false) }
        bytes.removeLast()
        return (String(decoding: bytes, as: UTF8.self), true)
    }

    /// A text's bytes as SQLite is given them: GRDB binds a `String` as a C string, which ends at the first
    /// NUL, so texts go in as UTF-8 blobs and come back whole.
    static func bytes(_ text: String) -> Data { Data(text.utf8) }

    /// A text stored by ``bytes(_:)`` (or, in rows written before, as TEXT).
    static func text(_ value: DatabaseValue) -> String? {
        switch value.storage {
        case .blob(let data): String(decoding: data, as: UTF8.self)
        case .string(let text): text
        default: nil
        }
    }
}
