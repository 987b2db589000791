import ConvoCLI
import ConvoKit
import ConvoStore
import Foundation
import GRDB
import Testing

@Suite struct GCConcurrencyTests {
    /// An environment for calling ConvoKit directly on the harness's folder.
    static func environment(_ harness: Harness) -> ConvoEnvironment {
        let now = harness.now
        return ConvoEnvironment(
            workingDirectory: harness.folder.path, variables: [:], now: { now }, output: .memory(), errors: .memory(),
            input: .bytes(Data()), inputIsTerminal: false, outputIsTerminal: false)
    }

    @Test func anotherWriterAndReaderNeverWaitForAWholeGc() async throws {
        let harness = try await Harness.withHistory()
        let repository = try Repository.open(at: harness.folder.appendingPathComponent(".convo"), clock: { harness.now })
        let orphans = 1_200
        try repository.write { writer in
            for index in 0..<orphans {
                try writer.insert(TurnDraft(
                    parent: nil, model: "m", input: [DraftMessage(role: "user", text: "orphan \(index)")],
                    output: [DraftOutputItem(type: "message", role: "assistant", text: "answer \(index)")], createdAt: 1))
            }
        }
        // Another process that does not wait for the write lock at all: it fails at once if gc holds it.
        var configuration = Configuration()
        configuration.busyMode = .immediateError
        let other = try DatabaseQueue(path: harness.database.path, configuration: configuration)
        var writes = 0, reads = 0, failures = [String]()
        let report = try Maintenance.gc(
            Workspace(repository: repository, environment: Self.environment(harness)), GCOptions(prune: "now"),
            progress: { line in
                guard line.hasPrefix("pruning") else { return }
                do {
                    try other.write { db in
                        try db.execute(sql: "INSERT OR REPLACE INTO config(key, value) VALUES ('model', ?)", arguments: [line])
                    }
                    writes += 1
                    reads += try other.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM ref") ?? 0 } > 0 ? 1 : 0
                } catch {
                    failures.append("\(line): \(error)")
                }
            })
        #expect(failures.isEmpty, "\(failures)")
        #expect(writes >= 3, "gc pruned in batches and let the other writer in between them")
        #expect(reads == writes)
        #expect(report.plan.turns.count == orphans)
        #expect(report.transactions.count > orphans / 500)
        let fsck = await harness.run("fsck")
        #expect(fsck.status == 0, "\(fsck.err)")
        #expect(await harness.run("log", "--oneline", "--all").lines.count == 3)
    }
}
