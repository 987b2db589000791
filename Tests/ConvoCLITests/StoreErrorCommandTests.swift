import Foundation
import GRDB
import Testing

/// What commands say about damaged stores, and the whole first lines `log --json` carries.
@Suite struct StoreErrorCommandTests {
    static let lines = [
        #"{"input":"abc\u0000def","output":"An answer whose first line is longer than fifty characters, and JSON carries it whole\nsecond","created_at":"2026-11-20T10:00:00Z"}"#,
        #"{"input":"second question","output":"second answer","created_at":"2026-11-20T10:01:00Z"}"#,
    ]

    static func repository() async throws -> (Harness, String) {
        let harness = try Harness()
        #expect(await harness.run("init").status == 0)
        let imported = await harness.run("import", "-", stdin: Data((lines.joined(separator: "\n") + "\n").utf8))
        #expect(imported.status == 0, "\(imported.err)")
        return (harness, harness.folder.appendingPathComponent(".convo/store.sqlite").path)
    }

    @Test func logJSONCarriesWholeFirstLinesWithTheirNUL() async throws {
        let (harness, _) = try await Self.repository()
        let log = await harness.run("log", "--json", "HEAD~1")
        let object = try JSONSerialization.jsonObject(with: Data(log.out.utf8)) as? [String: Any]
        #expect(object?["input"] as? String == "abc\0def")
        #expect(object?["output"] as? String == "An answer whose first line is longer than fifty characters, and JSON carries it whole")
        let oneline = await harness.run("log", "--oneline", "HEAD~1")
        #expect(oneline.out.contains("An answer whose first line is longer than fifty c…"), "the terminal shortens")
    }

    @Test func aDroppedTableIsADamagedDatabaseNamedByItsPath() async throws {
        let (harness, path) = try await Self.repository()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { try $0.execute(sql: "DROP TABLE turn_index") }
        try queue.close()
        let log = await harness.run("log")
        #expect(log.status == 3, "\(log.err)")
        #expect(log.err.contains("the database \(path) is damaged"), "\(log.err)")
        #expect(!log.err.contains("database database"))
    }

    @Test func aDamagedObjectExits3() async throws {
        let (harness, path) = try await Self.repository()
        let queue = try DatabaseQueue(path: path)
        try await queue.write { db in
            try db.execute(sql: "UPDATE object SET data = X'00010203', pack = NULL WHERE kind = 'turn'")
        }
        try queue.close()
        let show = await harness.run("show")
        #expect(show.status == 3, "\(show.err)")
        #expect(show.err.hasPrefix("error: corrupt object"), "\(show.err)")
    }
}
