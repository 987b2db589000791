import Foundation
import GRDB

/// The rows of the `llm` CLI's logs database (simonw/llm), read read-only and as they are: no interpretation
/// of how they chain into conversations (that is `convo import --from-llm`'s use case, in ConvoKit).
///
/// Both layouts are read: the `conversations`/`responses` tables (llm 0.31 and earlier, still read by later
/// versions) and the content-addressed `messages`/`parts`/`threads`/`turns` tables (llm 0.32 and later).
/// Kept apart from ConvoStore because it is another program's schema, and from ConvoKit so that the use cases
/// know no SQL.
public struct LLMLogs: Sendable {
    /// The older layout, nil when its tables are absent.
    public var conversations: LLMConversationTables?
    /// The newer layout, nil when its tables are absent.
    public var threads: LLMThreadTables?

    /// Reads the database at `url`, or the `logs.db` in it when `url` is llm's folder (`$LLM_USER_PATH`).
    /// Every row is read before this returns; nothing is written.
    public static func read(_ given: URL) throws(LLMLogsError) -> LLMLogs {
        var isFolder: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: given.path, isDirectory: &isFolder) && isFolder.boolValue
        let url = folder ? given.appendingPathComponent("logs.db") : given
        guard FileManager.default.fileExists(atPath: url.path) else { throw folder ? .folderWithoutLogs : .missing }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            let queue = try DatabaseQueue(path: url.path, configuration: configuration)
            return try queue.read { db in
                let tables = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"))
                let old = tables.isSuperset(of: ["conversations", "responses"])
                let new = tables.isSuperset(of: ["messages", "parts", "threads", "turns"])
                guard old || new else { throw LLMLogsError.notLLMLogs(detail: nil) }
                return LLMLogs(
                    conversations: old ? try LLMConversationTables(db) : nil, threads: new ? try LLMThreadTables(db) : nil)
            }
        } catch let error as LLMLogsError {
            throw error
        } catch let error as DatabaseError {
            throw .notLLMLogs(detail: error.message ?? "\(error.resultCode)")
        } catch {
            throw .unreadable("\(error)")
        }
    }
}

/// Why llm's logs database could not be read.
public enum LLMLogsError: Error, Equatable, Sendable {
    /// There is no file (or folder holding `logs.db`) at the path.
    case missing
    /// The path is a folder, but not llm's: it holds no `logs.db`.
    case folderWithoutLogs
    /// The file is not an llm logs database: it lacks both layouts' tables, or SQLite refused it (`detail`).
    case notLLMLogs(detail: String?)
    /// A row holds a value of the wrong kind in `column`; `row` names it by llm's id (e.g. `response 01j…`).
    case invalidRow(row: String, column: String, reason: String)
    /// Anything else that stopped the read.
    case unreadable(String)
}

/// `conversations` and `responses` (llm 0.31 and earlier).
public struct LLMConversationTables: Sendable {
    /// Each conversation's name, by conversation id.
    public var names: [String: String] = [:]
    /// Every response, oldest first (`datetime_utc`, then id).
    public var responses: [Response] = []

    /// One row of `responses`.
    public struct Response: Sendable {
        /// llm's id of the response.
        public var id: String
        /// The conversation it belongs to, if recorded.
        public var conversationID: String?
        /// The user's prompt.
        public var prompt: String?
        /// The system prompt.
        public var system: String?
        /// The model asked for.
        public var model: String?
        /// The model that answered.
        public var resolvedModel: String?
        /// The answer's text.
        public var response: String?
        /// Billed input tokens.
        public var inputTokens: Int64?
        /// Billed output tokens.
        public var outputTokens: Int64?
        /// The options as llm stored them (a JSON object's text).
        public var optionsJSON: String?
        /// llm's `datetime_utc` text.
        public var datetime: String?
    }

    init(_ db: Database) throws {
        for raw in try Row.fetchAll(db, sql: "SELECT id, name FROM conversations") {
            let row = try LLMRow(raw, table: "conversation")
            if let id = try row.text("id"), let name = try row.text("name") { names[id] = name }
        }
        for raw in try Row.fetchAll(db, sql: "SELECT * FROM responses ORDER BY datetime_utc, id") {
            let row = try LLMRow(raw, table: "response")
            responses.append(Response(
                id: row.id, conversationID: try row.text("conversation_id"), prompt: try row.text("prompt"),
                system: try row.text("system"), model: try row.text("model"), resolvedModel: try row.text("resolved_model"),
                response: try row.text("response"), inputTokens: try row.count("input_tokens"),
                outputTokens: try row.count("output_tokens"), optionsJSON: try row.text("options_json"),
                datetime: try row.text("datetime_utc")))
        }
    }
}

/// `messages`, `parts`, `turns` and `threads` (llm 0.32 and later).
public struct LLMThreadTables: Sendable {
    /// Every message by its hash.
    public var messages: [String: Message] = [:]
    /// Each message's text: its text parts joined in position order.
    public var texts: [String: String] = [:]
    /// Every turn, oldest first (`datetime_utc`, then id).
    public var turns: [Turn] = []
    /// Every thread with an id, oldest first.
    public var threads: [Thread] = []

    /// One row of `messages`.
    public struct Message: Sendable {
        /// The message it follows.
        public var parentHash: String?
        /// `user`, `assistant`, `system`, …
        public var role: String?
    }

    /// One row of `turns`.
    public struct Turn: Sendable {
        /// llm's id of the turn.
        public var id: String
        /// The last message before the turn's answer.
        public var parentMessageHash: String?
        /// The last message of the turn's answer.
        public var tipMessageHash: String?
        /// The thread it was made in.
        public var threadID: String?
        /// The model asked for.
        public var model: String?
        /// The model that answered.
        public var resolvedModel: String?
        /// Billed input tokens.
        public var inputTokens: Int64?
        /// Billed output tokens.
        public var outputTokens: Int64?
        /// The options as llm stored them (a JSON object's text).
        public var optionsJSON: String?
        /// llm's `datetime_utc` text.
        public var datetime: String?
    }

    /// One row of `threads`.
    public struct Thread: Sendable {
        /// llm's id of the thread.
        public var id: String
        /// Its name.
        public var name: String?
        /// Its newest message.
        public var tipMessageHash: String?
    }

    init(_ db: Database) throws {
        for raw in try Row.fetchAll(db, sql: "SELECT hash, parent_hash, role FROM messages") {
            let row = try LLMRow(raw, table: "message", idColumn: "hash")
            if let hash = try row.text("hash") { messages[hash] = Message(parentHash: try row.text("parent_hash"), role: try row.text("role")) }
        }
        for raw in try Row.fetchAll(
            db, sql: "SELECT message_hash, text FROM parts WHERE text IS NOT NULL AND (type IS NULL OR type = 'text') ORDER BY message_hash, position")
        {
            let row = try LLMRow(raw, table: "part of message", idColumn: "message_hash")
            if let hash = try row.text("message_hash"), let text = try row.text("text") { texts[hash, default: ""] += text }
        }
        for raw in try Row.fetchAll(db, sql: "SELECT * FROM turns ORDER BY datetime_utc, id") {
            let row = try LLMRow(raw, table: "turn")
            turns.append(Turn(
                id: row.id, parentMessageHash: try row.text("parent_message_hash"), tipMessageHash: try row.text("tip_message_hash"),
                threadID: try row.text("thread_id"), model: try row.text("model"), resolvedModel: try row.text("resolved_model"),
                inputTokens: try row.count("input_tokens"), outputTokens: try row.count("output_tokens"),
                optionsJSON: try row.text("options_json"), datetime: try row.text("datetime_utc")))
        }
        for raw in try Row.fetchAll(db, sql: "SELECT id, name, tip_message_hash FROM threads ORDER BY datetime_utc, id") {
            let row = try LLMRow(raw, table: "thread")
            guard let id = try row.text("id") else { continue }
            threads.append(Thread(id: id, name: try row.text("name"), tipMessageHash: try row.text("tip_message_hash")))
        }
    }
}

/// One row of llm's database, read defensively: llm's tables are another program's data (and SQLite keeps any
/// value in any column), so every column is inspected by its storage class instead of GRDB's typed
/// subscripts, which stop the process on a value they cannot convert. A value of the wrong kind is
/// ``LLMLogsError/invalidRow(row:column:reason:)`` naming the row by llm's id and the column.
struct LLMRow {
    let row: Row
    /// What the row is, for messages: `response`, `turn`, `thread`.
    let table: String
    /// llm's id of the row (a text column), or its position when it has none readable.
    let id: String

    init(_ row: Row, table: String, idColumn: String = "id") throws {
        self.row = row
        self.table = table
        id = switch Self.value(row, idColumn) {
        case .string(let text): text
        case .int64(let number): String(number)
        default: ""
        }
    }

    private func fail(_ column: String, _ reason: String) -> LLMLogsError {
        .invalidRow(row: id.isEmpty ? table : "\(table) \(id)", column: column, reason: reason)
    }

    private func value(_ column: String) -> DatabaseValue.Storage { Self.value(row, column) }

    private static func value(_ row: Row, _ column: String) -> DatabaseValue.Storage {
        guard row.hasColumn(column) else { return .null }
        let value: DatabaseValue = row[column]
        return value.storage
    }

    /// A text column: NULL is nil; a BLOB is accepted only as valid UTF-8.
    func text(_ column: String) throws(LLMLogsError) -> String? {
        switch value(column) {
        case .null: return nil
        case .string(let text): return text
        case .blob(let data):
            guard let text = String(validating: data, as: UTF8.self) else { throw fail(column, "holds \(data.count) bytes that are not UTF-8 text") }
            return text
        case .int64(let number): throw fail(column, "holds the number \(number), not text")
        case .double(let number): throw fail(column, "holds the number \(number), not text")
        }
    }

    /// A token count: NULL is nil; otherwise a whole number from 0 to Int64.max.
    func count(_ column: String) throws(LLMLogsError) -> Int64? {
        switch value(column) {
        case .null: return nil
        case .int64(let number):
            guard number >= 0 else { throw fail(column, "holds \(number), not a number of tokens") }
            return number
        case .double(let number):
            guard number >= 0, number < 9.2e18, number.rounded(.towardZero) == number, let whole = Int64(exactly: number) else {
                throw fail(column, "holds \(number), not a whole number of tokens")
            }
            return whole
        case .string(let text): throw fail(column, "holds the text '\(text.prefix(40))', not a number of tokens")
        case .blob(let data): throw fail(column, "holds \(data.count) bytes of binary data, not a number of tokens")
        }
    }
}
