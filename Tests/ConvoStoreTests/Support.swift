import Foundation

@testable import ConvoStore

/// A clock tests can move.
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_764_000_000)) { current = start }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return current
    }

    func advance(seconds: TimeInterval) {
        lock.lock()
        current += seconds
        lock.unlock()
    }
}

extension TurnDraft {
    /// A one-message turn for tests; its response id is derived from `input` by SHA-256, so a turn
    /// (and a failure message naming it) has the same id in every run.
    static func simple(_ input: String, _ output: String, parent: ObjectID? = nil, at time: Int64 = 1_764_000_000) -> TurnDraft {
        TurnDraft(
            parent: parent, model: "grok-4", input: [DraftMessage(role: "user", text: input)],
            responseID: "resp_" + ObjectID.hashing(kind: .blob, payload: Array(input.utf8)).abbreviated(24), output: [DraftOutputItem(type: "message", role: "assistant", text: output)],
            usage: TokenUsage(inputTokens: 10, outputTokens: 5), stored: true, createdAt: time)
    }
}

extension Repository {
    /// SQL that takes a repository of the current format back to format 12 (v12's schema, with the same rows): the
    /// index a WITHOUT ROWID table keyed by id, the blob references rows of `turn_blobs`, and search documents naming
    /// their turn by id (`Tests/Fixtures/format12-as-before.sql`, which ConvoKitTests read too). Tests of older formats start from it.
    static let format12AsBefore = try! String(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/format12-as-before.sql"), encoding: .utf8)

    /// SQL that takes `turn_blobs` back to the `turn_blob` of the formats before it (a row per reference), with the
    /// same references, for tests that make a repository of an older format.
    static let turnBlobAsBefore = """
        CREATE TABLE turn_blob (turn BLOB NOT NULL, blob BLOB NOT NULL, PRIMARY KEY (turn, blob)) WITHOUT ROWID;
        INSERT INTO turn_blob WITH RECURSIVE split(turn, rest, blob) AS (
            SELECT turn, blobs, NULL FROM turn_blobs
            UNION ALL SELECT turn, substr(rest, 33), substr(rest, 1, 32) FROM split WHERE length(rest) > 0)
        SELECT turn, blob FROM split WHERE blob IS NOT NULL;
        DROP TABLE turn_blobs;
        """

    /// Appends a chain of turns to HEAD's branch; returns their ids, oldest first.
    @discardableResult
    func appendChain(_ count: Int, prefix: String = "message") throws -> [ObjectID] {
        try write { writer in
            var ids = [ObjectID]()
            var parent = try writer.read.head().tip
            for index in 0..<count {
                let id = try writer.insert(.simple("\(prefix) \(index)", "answer \(index)", parent: parent, at: 1_764_000_000 + Int64(index)))
                _ = try writer.advanceHead(to: id, expecting: parent, message: "say: \(prefix) \(index)")
                parent = id
                ids.append(id)
            }
            return ids
        }
    }
}
