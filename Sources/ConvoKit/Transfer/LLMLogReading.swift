// From llm's rows to turns: llm's logs database read in full, before anything is written.

import ConvoStore
import Foundation
import LLMLogs

extension LLMImport {
    /// One llm response, as a turn to be (not ConvoStore's `Turn`: llm's fields, before any blob is written).
    struct LoggedTurn {
        /// llm's id of the response or turn.
        var id: String
        /// The turn it continues: an index into the log's turns.
        var parent: Int?
        var model: String?
        var resolvedModel: String?
        var instructions: String?
        var input: [DraftMessage]
        var output: String
        var inputTokens: Int64?
        var outputTokens: Int64?
        var options: [String: JSONValue]
        var createdAt: Int64
    }

    /// One llm conversation or thread: a name and its newest turn.
    struct Conversation {
        var id: String
        var name: String?
        var tip: Int
        /// Read from the threads table (llm 0.32+), not the conversations table.
        var fromThread = false
    }

    /// What llm's database holds, read in full before anything is written.
    struct Log {
        var turns: [LoggedTurn] = []
        var conversations: [Conversation] = []
    }

    static func read(_ url: URL, displayPath: String) throws -> Log {
        func unreadable(_ reason: String) -> ConvoError { .unreadableFile(path: displayPath, reason: reason) }
        let logs: LLMLogs
        do {
            logs = try LLMLogs.read(url)
        } catch {
            switch error {
            case .missing: throw unreadable("no such file\nhint: give the path of llm's logs.db ('llm logs path' prints it)")
            case .folderWithoutLogs: throw unreadable("it is a folder without llm's logs.db\nhint: give the path of llm's logs.db ('llm logs path' prints it)")
            case .notLLMLogs(let detail?): throw unreadable("it is not an llm logs database: \(detail)")
            case .notLLMLogs(nil):
                throw unreadable("it is not an llm logs database (it has neither llm's conversations and responses tables nor its threads, turns, messages and parts tables)")
            case .invalidRow(let row, let column, let reason):
                throw ConvoError.invalidDatabaseRow(path: displayPath, row: row, column: column, reason: reason)
            case .unreadable(let reason): throw unreadable(reason)
            }
        }
        var log = Log()
        var oldTurns = [String: [Int]]()
        if let tables = logs.conversations { oldTurns = conversations(tables, into: &log) }
        if let tables = logs.threads {
            let threads = self.threads(tables, into: &log, continuing: oldTurns)
            // A conversation that a newer llm continued as a thread of the same id ends on the thread's
            // tip, under the conversation's name.
            var oldNames = [String: String]()
            for conversation in log.conversations where !conversation.fromThread && threads.contains(conversation.id) {
                oldNames[conversation.id] = conversation.name
            }
            log.conversations.removeAll { !$0.fromThread && threads.contains($0.id) }
            for index in log.conversations.indices {
                if let name = oldNames[log.conversations[index].id] { log.conversations[index].name = name }
            }
        }
        return log
    }

    /// The older layout: responses chained by `conversation_id` in time order. Returns each conversation's
    /// turns (indices into `log.turns`, oldest first).
    private static func conversations(_ tables: LLMConversationTables, into log: inout Log) -> [String: [Int]] {
        var turns = [String: [Int]]()
        var order = [String]()
        for row in tables.responses {
            let conversation = row.conversationID ?? row.id
            var input = [DraftMessage]()
            if let prompt = row.prompt { input.append(DraftMessage(role: "user", text: prompt)) }
            log.turns.append(LoggedTurn(
                id: row.id, parent: turns[conversation]?.last, model: row.model, resolvedModel: row.resolvedModel,
                instructions: row.system.flatMap { $0.isEmpty ? nil : $0 }, input: input, output: row.response ?? "",
                inputTokens: row.inputTokens, outputTokens: row.outputTokens,
                options: options(row.optionsJSON), createdAt: time(row.datetime)))
            if turns[conversation] == nil { order.append(conversation) }
            turns[conversation, default: []].append(log.turns.count - 1)
        }
        for conversation in order {
            guard let tip = turns[conversation]?.last else { continue }
            log.conversations.append(Conversation(id: conversation, name: tables.names[conversation], tip: tip))
        }
        return turns
    }

    /// The content-addressed layout: each turn's answer runs from its `parent_message_hash` (exclusive) to
    /// its `tip_message_hash`; its input from the previous turn's tip (exclusive) to `parent_message_hash`.
    /// A thread's branch ends at the turn whose answer is the thread's tip message. When a newer llm continued
    /// an older conversation (the thread has the conversation's id), the history it re-wrote as messages
    /// belongs to the conversation's turns: the first new turn continues the last of them before it.
    /// Returns the thread ids.
    private static func threads(
        _ tables: LLMThreadTables, into log: inout Log, continuing oldTurns: [String: [Int]]
    ) -> Set<String> {
        let messages = tables.messages, texts = tables.texts
        func role(_ hash: String) -> String { messages[hash]?.role ?? "user" }
        var turnAt = [String: Int]()  // tip message → turn index
        let first = log.turns.count
        for (offset, row) in tables.turns.enumerated() {
            if let tip = row.tipMessageHash, turnAt[tip] == nil { turnAt[tip] = first + offset }
        }
        /// The chain from `hash` up to (not including) `stop` or a turn's tip, oldest first, and that turn.
        func segment(from hash: String?, stop: String?) -> (hashes: [String], turn: Int?) {
            var hashes = [String]()
            var next = hash
            var seen = Set<String>()
            while let current = next, current != stop, seen.insert(current).inserted {
                if stop == nil, let turn = turnAt[current] { return (hashes.reversed(), turn) }
                hashes.append(current)
                next = messages[current]?.parentHash
            }
            return (hashes.reversed(), nil)
        }
        for row in tables.turns {
            let answer = segment(from: row.tipMessageHash, stop: row.parentMessageHash).hashes
            var asked = segment(from: row.parentMessageHash, stop: nil)
            let createdAt = time(row.datetime)
            if asked.turn == nil, let thread = row.threadID,
                let earlier = oldTurns[thread]?.last(where: { log.turns[$0].createdAt <= createdAt })
            {
                let lastAnswer = asked.hashes.lastIndex { role($0) == "assistant" }
                asked = (Array(asked.hashes[(lastAnswer.map { $0 + 1 } ?? 0)...]), earlier)
            }
            var instructions = [String](), input = [DraftMessage]()
            for hash in asked.hashes {
                if role(hash) == "system" || role(hash) == "developer" {
                    instructions.append(texts[hash] ?? "")
                } else {
                    input.append(DraftMessage(role: role(hash), text: texts[hash] ?? ""))
                }
            }
            let output = answer.filter { role($0) == "assistant" }.compactMap { texts[$0] }.joined()
            log.turns.append(LoggedTurn(
                id: row.id, parent: asked.turn, model: row.model, resolvedModel: row.resolvedModel,
                instructions: instructions.isEmpty ? nil : instructions.joined(separator: "\n\n"), input: input,
                output: output, inputTokens: row.inputTokens, outputTokens: row.outputTokens,
                options: options(row.optionsJSON), createdAt: createdAt))
        }
        var ids = Set<String>()
        for thread in tables.threads {
            ids.insert(thread.id)
            // The thread's tip is a turn's answer, or a message below one (a fork at a question).
            guard let tip = segment(from: thread.tipMessageHash, stop: nil).turn else { continue }
            log.conversations.append(Conversation(id: thread.id, name: thread.name, tip: tip, fromThread: true))
        }
        return ids
    }

    /// llm's `options_json`, e.g. `{"temperature": 0.5}`, as turn parameters.
    private static func options(_ text: String?) -> [String: JSONValue] {
        guard let text, !text.isEmpty, let json = try? JSONValue.parse(Array(text.utf8)) else { return [:] }
        return json.objectValue?.filter { $0.value != .null } ?? [:]
    }

    /// llm's `datetime_utc` (`2024-05-01T12:00:00.123456`, or with `+00:00`, or a space for `T`) in unix seconds.
    static func time(_ text: String?) -> Int64 {
        guard let text else { return 0 }
        let digits = text.unicodeScalars
        func number(_ from: Int, _ count: Int) -> Int? {
            guard digits.count >= from + count else { return nil }
            let start = digits.index(digits.startIndex, offsetBy: from)
            return Int(String(digits[start..<digits.index(start, offsetBy: count)]))
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2)
        else { return 0 }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: components) else { return 0 }
        var seconds = Int64(date.timeIntervalSince1970)
        // An explicit offset such as +02:00 after the seconds (and any fraction).
        let tail = String(text.dropFirst(19).drop { $0 == "." || $0.isNumber })
        if tail.count >= 6, let sign = tail.first, sign == "+" || sign == "-",
            let hours = Int64(tail.dropFirst().prefix(2)), let minutes = Int64(tail.dropFirst(4).prefix(2))
        {
            seconds -= (sign == "+" ? 1 : -1) * (hours * 3600 + minutes * 60)
        }
        return seconds
    }
}
