@testable import ConvoCLI
import ConvoKit
import ConvoStore
import Foundation
import GRDB
import ResponsesEmulator
import Testing

/// A second connection that holds the repository's write lock, as a long gc or another writer would.
final class WriteLockHolder: @unchecked Sendable {
    private let queue: DatabaseQueue
    private let lock = NSLock()
    private var held = false

    init(_ database: URL) throws {
        var configuration = Configuration()
        configuration.allowsUnsafeTransactions = true  // the point: a transaction open across accesses
        queue = try DatabaseQueue(path: database.path, configuration: configuration)
        try queue.writeWithoutTransaction { try $0.execute(sql: "BEGIN IMMEDIATE") }
        held = true
    }

    func release() {
        lock.withLock {
            guard held else { return }
            held = false
            try? queue.writeWithoutTransaction { try $0.execute(sql: "ROLLBACK") }
        }
    }

    deinit { release() }
}

extension Harness {
    /// The harness's repository and environment, for calling ConvoKit directly.
    func workspace() throws -> Workspace {
        let now = self.now
        let environment = ConvoEnvironment(
            workingDirectory: folder.path, variables: variables, now: { now }, output: .memory(), errors: .memory(),
            input: .bytes(Data()), inputIsTerminal: false, outputIsTerminal: false, transport: transport)
        return Workspace(repository: try Repository.open(at: folder.appendingPathComponent(".convo")), environment: environment)
    }

    /// The exit status the command line gives an error.
    static func exitStatus(of error: Error) -> Int32 {
        ConvoMain.report(error, environment: ConvoEnvironment(
            workingDirectory: "/", variables: [:], now: { Date() }, output: .memory(), errors: .memory(),
            input: .bytes(Data()), inputIsTerminal: false, outputIsTerminal: false))
    }
}

@Suite struct SayBusyTests {
    @Test func anAnswerThatCannotBeSavedGoesToARescueFileThatImportRestores() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await sayHarness(emulator)
            #expect(await harness.run("say", "first").status == 0)
            let tip = await harness.run("rev-parse", "HEAD").out
            harness.variables["CONVO_SAVE_TIMEOUT"] = "1"
            // In process (opening a repository may itself need the lock until opening for reading stops migrating).
            let workspace = try harness.workspace()
            let holder = try WriteLockHolder(harness.database)
            var notices = [String]()
            let thrown = await #expect(throws: SayError.self) {
                try await Say.run(workspace, SayOptions(message: "second")) { _ in } notice: { notices.append($0) }
            }
            holder.release()
            guard case .answerNotSaved(let responseID, _, let saved, _) = thrown else {
                Issue.record("not a rescue: \(String(describing: thrown))")
                return
            }
            let file = try #require(saved)
            #expect(notices == ["the repository is busy (gc?); still trying to save response \(responseID)…"])
            #expect(file.hasPrefix(harness.folder.appendingPathComponent(".convo/rescue/").path))
            let message = "\(try #require(thrown))"
            #expect(message.contains("hint: convo import \(file)"), "\(message)")
            #expect(message.contains("convo fetch \(responseID)"))
            #expect(Harness.exitStatus(of: try #require(thrown)) == 9)
            #expect(await harness.run("rev-parse", "HEAD").out == tip, "nothing was committed")

            let restored = await harness.run("import", file)
            #expect(restored.status == 0, "\(restored.err)")
            let branch = "rescued/" + responseID
            #expect(restored.err.contains(branch), "\(restored.err)")
            let shown = try jsonObject(await harness.run("show", "--json", branch).out)
            #expect(shown["output"] as? String == "Echo: second (I see 2 earlier messages.)")
            #expect(await harness.run("rev-parse", branch + "~1").out == tip, "the parent it was asked from")
            #expect(await harness.run("fsck").status == 0)
        }
    }

    @Test func aSayWaitsForTheWriteLockWithANoticeAndThenCommits() async throws {
        try await withEmulator(EmulatorConfiguration(flavor: .xai, apiKey: SayCommandTests.key)) { emulator in
            let harness = try await sayHarness(emulator)
            let workspace = try harness.workspace()
            let holder = try WriteLockHolder(harness.database)
            var notices = [String]()
            // The lock is released only once say has said it is waiting: no timing involved.
            let result = try await Say.run(workspace, SayOptions(message: "hello")) { _ in } notice: { line in
                notices.append(line)
                holder.release()
            }
            #expect(notices == ["the repository is busy (gc?); still trying to save response \(result.responseID)…"])
            #expect(result.placement == .branchMoved(try BranchName("main")))
            #expect(await harness.run("rev-parse", "main").out.hasPrefix(result.turn.hex))
        }
    }
}
