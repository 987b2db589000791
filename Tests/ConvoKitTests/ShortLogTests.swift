import ConvoStore
@testable import ConvoKit
import Foundation
import Testing

/// `log` of one line of history reads through a plain SQLite connection when the workspace is opened for
/// `.readIndex` (issue 11, start-up): every entry must be the one the full reader lists, whatever the options.
@Suite struct ShortLogTests {
    static func draft(_ index: Int, parent: ObjectID?) -> TurnDraft {
        TurnDraft(
            parent: parent, model: "grok-4", input: [DraftMessage(role: "user", text: "question \(index)\nsecond line")],
            responseID: "resp_\(index)", output: [DraftOutputItem(type: "message", role: "assistant", text: "answer \(index)" + (index % 3 == 0 ? " " + String(repeating: "long ", count: 20) : ""))],
            usage: TokenUsage(inputTokens: 10, outputTokens: 5), stored: true, createdAt: 1_800_000_000 + Int64(index))
    }

    /// A repository in a temporary folder: eight turns on main, `travel` at the fourth, and an environment there.
    static func setUp() throws -> (ConvoEnvironment, URL, [ObjectID]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convo-shortlog-\(UUID().uuidString)")
        let (repository, _) = try Repository.create(at: folder.appendingPathComponent(".convo"))
        let ids = try repository.write { writer in
            var ids = [ObjectID]()
            for index in 0..<8 {
                let id = try writer.insert(draft(index, parent: ids.last))
                _ = try writer.advanceHead(to: id, expecting: ids.last, message: "say")
                ids.append(id)
            }
            try writer.updateRef("refs/heads/travel", to: ids[3], expecting: nil, message: "branch")
            return ids
        }
        let environment = ConvoEnvironment(
            workingDirectory: folder.path, variables: [:], now: { Date(timeIntervalSince1970: 1_800_000_100) }, output: .memory(),
            errors: .memory(), input: .bytes(Data()), inputIsTerminal: false, outputIsTerminal: false)
        return (environment, folder, ids)
    }

    @Test func everyShortLogListsWhatTheFullReaderLists() throws {
        let (environment, folder, _) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = try Workspace.open(environment, for: .read)
        let light = try Workspace.open(environment, for: .readIndex)
        for revision in [nil, "HEAD", "travel", "HEAD~2", "travel^", "main~7"] {
            for limit in [nil, 0, 1, 5] {
                for reverse in [false, true] {
                    var options = LogOptions(revision: revision, limit: limit, reverse: reverse, remote: false)
                    // As the built-in layouts ask: a long first line as the prefix the index keeps.
                    options.wholeLines = false
                    let expected = try History.log(full, options: options)
                    #expect(try History.shortLog(light, options: options) != nil, "read through the plain connection")
                    #expect(try History.shortLog(full, options: options) == nil, "a workspace opened for .read has none")
                    #expect(try History.log(light, options: options) == expected, "\(revision ?? "-") \(limit ?? -1) \(reverse)")
                    options.remote = true
                    #expect(try History.log(light, options: options).map(\.summary) == expected.map(\.summary))
                }
            }
        }
        var prefixes = LogOptions(limit: 3, remote: false)
        prefixes.wholeLines = false
        let entries = try History.log(light, options: prefixes)
        #expect(entries.map(\.refs) == [["HEAD -> main"], [], []])
        // Turn 6's answer is longer than the index keeps: a prefix, marked so, which the whole log completes.
        #expect(entries[1].summary.outputLineIsPrefix && !entries[1].summary.outputLine.hasSuffix("\n"))
        #expect(try History.log(light, options: LogOptions(limit: 3, remote: false))[1].summary.outputLine.hasSuffix("long long"))
    }

    @Test func whatTheShortLogLeavesAloneIsListedOrRefusedAsBefore() throws {
        let (environment, folder, ids) = try Self.setUp()
        defer { try? FileManager.default.removeItem(at: folder) }
        let full = try Workspace.open(environment, for: .read)
        let light = try Workspace.open(environment, for: .readIndex)
        for revision in [ids[4].abbreviated(), "resp_2", "HEAD@{1}"] {
            let options = LogOptions(revision: revision, limit: 3, remote: false)
            #expect(try History.log(light, options: options) == History.log(full, options: options), "\(revision)")
        }
        for revision in ["HEAD~8", "nowhere", "HEAD^2"] {
            let options = LogOptions(revision: revision, remote: false)
            var expected: String?
            do { _ = try History.log(full, options: options) } catch { expected = "\(error)" }
            #expect(expected != nil)
            do {
                _ = try History.log(light, options: options)
                Issue.record("\(revision) was listed")
            } catch {
                #expect("\(error)" == expected)
            }
        }
    }
}
