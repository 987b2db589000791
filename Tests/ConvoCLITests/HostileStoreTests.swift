import Foundation
import GRDB
import Testing

/// Hand-edited or damaged store rows whose columns hold other types or absurd numbers: each gives an error
/// with a documented exit code or an exact answer, never a crash.
@Suite struct HostileStoreTests {
    static func repository() async throws -> (Harness, String) {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        let line = #"{"input":"question","output":"answer","created_at":"2026-11-20T10:00:00Z","usage":{"input_tokens":1,"output_tokens":2}}"#
        let imported = await harness.run("import", "-", stdin: Data((line + "\n").utf8))
        #expect(imported.status == 0, "\(imported.err)")
        return (harness, harness.folder.appendingPathComponent(".convo/store.sqlite").path)
    }

    static func damage(_ path: String, _ sql: String) async throws {
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }

    @Test(arguments: [
        "UPDATE object SET size = 'abc' WHERE kind = 'turn'",
        "UPDATE object SET data = 12, pack = NULL, offset = NULL WHERE kind = 'turn'",
        "UPDATE object SET kind = X'00' WHERE kind = 'turn'",
    ])
    func anObjectRowOfTheWrongTypesExits3(_ sql: String) async throws {
        let (harness, path) = try await Self.repository()
        try await Self.damage(path, sql)
        let show = await harness.run("show")
        #expect(show.status == 3, "\(show.err)")
        #expect(show.err.contains("corrupt object"), "\(show.err)")
    }

    @Test func aPackOffsetNearTheLargestIntegerExits3() async throws {
        let (harness, path) = try await Self.repository()
        try await Self.damage(path, """
            INSERT INTO pack (id, size, data) VALUES (7, 0, X'789c030000000001');
            UPDATE object SET data = NULL, pack = 7, offset = 9223372036854775807 WHERE kind = 'turn';
            """)
        let show = await harness.run("show")
        #expect(show.status == 3, "\(show.err)")
        #expect(show.err.contains("outside pack 7"), "\(show.err)")
    }

    @Test func tokenCountsNearTheLargestIntegerAreAddedExactly() async throws {
        let (harness, path) = try await Self.repository()
        try await Self.damage(path, "UPDATE turn_index SET input_tokens = 9223372036854775807, output_tokens = 9223372036854775807")
        let log = await harness.run("log", "--format=%t")
        #expect(log.status == 0, "\(log.err)")
        #expect(log.out == "18446744073709551614\n")
        let status = await harness.run("status")
        #expect(status.status == 0, "\(status.err)")
    }

    @Test(arguments: ["-9223372036854775808", "9223372036854775807", "-9223372036854775000"])
    func timesAtTheEndsOfInt64AreShownNotTrapped(_ time: String) async throws {
        let (harness, path) = try await Self.repository()
        try await Self.damage(path, "UPDATE turn_index SET created_at = \(time)")
        for arguments in [["log"], ["log", "--format=%cr|%ci|%cI|%ct"], ["log", "--json"], ["status"], ["log", "--remote"]] {
            let log = await harness.run(arguments: arguments)
            #expect(log.status == 0, "\(arguments): \(log.err)")
        }
        #expect(await harness.run("log", "--format=%ct").out == time + "\n")
    }

    /// Every reading command on a store whose rows hold values of other types: an answer or a documented error, never a crash.
    @Test(arguments: [
        "UPDATE reflog SET at = 'yesterday'",
        "UPDATE reflog SET ref = X'FF'",
        "UPDATE ref SET target = 5 WHERE name = 'refs/heads/main'",
        "UPDATE ref SET name = X'FF' WHERE name = 'refs/heads/main'",
        "UPDATE config SET value = X'FF'",
        "INSERT INTO remote_state VALUES ('r', '', 'expired', 'soon', 'gc', NULL, 0)",
        "UPDATE turn_index SET blobs = 5",
        "UPDATE turn_index SET blobs = x'0102'",
        "UPDATE turn_index SET input_line = x'0a', output_line = x'ff0a'",
        "UPDATE search_doc SET turn = 5",
        "UPDATE search_doc SET turn = x'0102'",
        "UPDATE turn_index SET n = n + 1000",
        "UPDATE turn_index SET parent = 5",
    ])
    func rowsOfOtherTypesAreDamageNotACrash(_ sql: String) async throws {
        let (harness, path) = try await Self.repository()
        #expect(await harness.run("config", "model", "grok-4").status == 0)
        #expect(await harness.run("branch", "side").status == 0)
        try await Self.damage(path, sql)
        for arguments in [
            ["log"], ["log", "--all", "--graph"], ["status"], ["reflog"], ["branch"], ["config", "--list"], ["fsck"],
            ["show"], ["search", "question"], ["log", "--remote"], ["gc", "--dry-run"],
        ] {
            let result = await harness.run(arguments: arguments)
            #expect([0, 1, 3, 4].contains(result.status), "\(arguments) exited \(result.status): \(result.err)")
        }
    }
}
