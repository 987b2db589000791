import ConvoStore
@testable import ConvoKit
import Foundation
import GRDB
import Testing

/// `log` of one line of history reads whole first lines a run of entries at a time, and only the lines asked for
/// (`%s` the input's, `%a` the answer's; issue 11). Every entry must be the one reading each turn alone gave.
@Suite struct LogLinesTests {
    static let count = 600

    static func long(_ index: Int) -> String { "line \(index) " + String(repeating: "that goes on past the kept prefix ", count: 3) }

    static func draft(_ index: Int, parent: ObjectID?) -> TurnDraft {
        var output = [DraftOutputItem(type: "message", role: "assistant", text: index % 3 == 0 ? "short \(index)" : "\n" + long(index + 1_000))]
        if index % 7 == 2 { output.insert(DraftOutputItem(type: "compaction"), at: 0) }
        if index % 7 == 4 { output.append(DraftOutputItem(type: "message", role: "assistant", text: " and more")) }
        return TurnDraft(
            parent: parent, model: "grok-4", input: [DraftMessage(role: "user", text: index % 4 == 1 ? "short \(index)" : long(index) + "\nsecond")],
            responseID: "resp_\(index)", output: output, usage: TokenUsage(inputTokens: 10, outputTokens: 5), stored: true,
            createdAt: 1_800_000_000 + Int64(index))
    }

    /// A repository in a temporary folder: a conversation of ``count`` turns (most in one bulk write, the newest
    /// loose), HEAD on main at its tip, and an environment there.
    static func setUp() throws -> (ConvoEnvironment, URL, Repository, [ObjectID]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convo-loglines-\(UUID().uuidString)")
        let (repository, _) = try Repository.create(at: folder.appendingPathComponent(".convo"))
        var ids = try repository.write(packing: true) { writer in
            var ids = [ObjectID]()
            for index in 0..<(count - 5) { ids.append(try writer.insert(draft(index, parent: ids.last))) }
            return ids
        }
        for index in (count - 5)..<count { ids.append(try repository.write { try $0.insert(draft(index, parent: ids.last)) }) }
        try repository.write { _ = try $0.advanceHead(to: ids.last!, expecting: nil, message: "import") }
        let environment = ConvoEnvironment(
            workingDirectory: folder.path, variables: [:], now: { Date(timeIntervalSince1970: 1_800_000_100) }, output: .memory(),
            errors: .memory(), input: .bytes(Data()), inputIsTerminal: false, outputIsTerminal: false)
        return (environment, folder, repository, ids)
    }

    @Test func linesReadARunAtATimeAreTheLinesOfEachTurnReadAlone() throws {
        let (environment, folder, repository, ids) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: folder) }
        let workspace = try Workspace.open(environment, for: .read)
        for (input, output) in [(true, true), (true, false), (false, true), (false, false)] {
            for limit in [nil, 1, 127, 128, 129, 257, 599] {
                for reverse in [false, true] {
                    var options = LogOptions(limit: limit, reverse: reverse, remote: false)
                    (options.wholeInputLines, options.wholeOutputLines) = (input, output)
                    var expected = try repository.read { reader in
                        try reader.ancestry(of: ids.last!, limit: limit ?? .max).map { try reader.wholeLines($0, input: input, output: output) }
                    }
                    if reverse { expected.reverse() }
                    let entries = try History.log(workspace, options: options)
                    #expect(entries.map(\.summary) == expected, "\(input) \(output) \(limit ?? -1) \(reverse)")
                    #expect(entries.map(\.shortID) == (try repository.read { reader in try expected.map { try reader.abbreviation(of: $0.id) } }))
                }
            }
        }
        let both = try History.log(workspace, options: LogOptions(remote: false)).map(\.summary)
        #expect(both.count == Self.count && both.allSatisfy { $0.hasWholeLines })
        #expect(both.contains { $0.inputLine.count > 60 } && both.contains { $0.outputLine.hasSuffix(" and more") })
        var inputs = LogOptions(remote: false)
        inputs.wholeOutputLines = false
        let subjects = try History.log(workspace, options: inputs).map(\.summary)
        #expect(subjects.map(\.inputLine) == both.map(\.inputLine))
        #expect(subjects.contains { $0.outputLineIsPrefix })
    }

    /// A turn whose object is missing fails the log at its entry, after every entry before it was handed over,
    /// as when each turn's lines were read alone.
    @Test func aMissingTurnFailsAtItsEntryAfterTheEntriesBeforeIt() throws {
        let (environment, folder, repository, ids) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = ids[ids.count - 1 - 140]
        let raw = try DatabaseQueue(path: folder.appendingPathComponent(".convo/store.sqlite").path)
        try raw.write { try $0.execute(sql: "DELETE FROM object WHERE id = ?", arguments: [Data(missing.bytes)]) }
        try raw.close()
        _ = repository
        let workspace = try Workspace.open(environment, for: .read)
        var handed = [ObjectID]()
        #expect(throws: StoreError.objectNotFound(missing)) {
            try History.log(workspace, options: LogOptions(remote: false)) { try $0.forEach { handed.append($0.summary.id) } }
        }
        #expect(handed == Array(ids.reversed().prefix(140)))
    }
}
