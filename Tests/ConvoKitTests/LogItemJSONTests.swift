import ConvoStore
@testable import ConvoKit
import Foundation
import Testing

/// `log --json` writes each entry's canonical bytes itself (``LogItem/writeJSON(into:)``, issue 11): they must be
/// the bytes the `Encoder` path gives for ``LogItem/json``, for every kind of value a member can hold.
@Suite struct LogItemJSONTests {
    static var items: [LogItem] {
        let remotes: [RemoteState] = [
            .none, .live(expiresAt: 1_800_000_000), .expired(at: 1_800_000_001, reason: nil), .expired(at: 1, reason: "gc"),
            .deleted(at: 2, reason: "gc --remote"), .notStored, .failed(status: "incomplete"),
        ]
        let texts = ["", "plain", "q\" b\\ n\n r\r t\t nul\u{0} esc\u{1B} é 😀 \u{2028}", String(repeating: "long ", count: 200)]
        return (0..<28).map { index in
            let text = texts[index % texts.count]
            let id = ObjectID.hashing(kind: .turn, payload: Array("turn \(index)".utf8))
            var summary = TurnSummary(
                id: id, parent: index % 2 == 0 ? nil : ObjectID.hashing(kind: .turn, payload: Array("parent \(index)".utf8)),
                createdAt: Int64(index) * 86_401 - 3, model: index % 3 == 0 ? nil : "grok-4 " + text, responseID: index % 5 == 0 ? nil : "resp_\(index)",
                status: index % 4 == 0 ? "completed" : text, origin: nil, stored: index % 2 == 0, replay: index % 3 == 1,
                inputTokens: index % 3 == 2 ? nil : Int64(index) - 5, outputTokens: index % 4 == 3 ? nil : Int64.max - Int64(index),
                inputLine: text, outputLine: texts[(index + 1) % texts.count])
            summary.inputLineIsPrefix = false
            var entry = LogEntry(summary: summary, shortID: id.abbreviated(7 + index % 3), refs: index % 3 == 0 ? [] : ["HEAD -> main", text])
            entry.remote = remotes[index % remotes.count]
            return LogItem(entry)
        }
    }

    @Test func theWrittenBytesAreTheEncodersBytes() throws {
        for item in Self.items {
            let written = JSONOutput.text(item)
            #expect(written == (try JSONValueEncoder.encode(item).canonicalString))
            #expect(written == item.json.canonicalString)
            #expect(try JSONValue.parse(Array(written.utf8)).canonicalString == written)
        }
    }
}
