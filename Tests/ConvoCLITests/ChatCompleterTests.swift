import ConvoKit
import Foundation
import Testing

@testable import ConvoCLI

/// Tab at the chat prompt: command names, then branches or revisions from the shell scripts' completion.
@Suite struct ChatCompleterTests {
    @Test func commandsThenBranchesAndRevisions() async throws {
        let harness = try await Harness.withHistory()
        let environment = ConvoEnvironment(
            workingDirectory: harness.folder.path, variables: [:], now: { harness.now }, output: .memory(), errors: .memory(),
            input: .bytes(Data()), inputIsTerminal: true, outputIsTerminal: true)
        #expect(await harness.run("config", "preset.reviewer.model", "grok-3-mini").status == 0)
        #expect(await harness.run("config", "preset.terse.temperature", "0.5").status == 0)
        let workspace = try Workspace.open(environment, for: .read)
        #expect(ChatCompleter.complete("/", workspace: workspace) == SlashCommand.table.map { "/" + $0.name })
        #expect(ChatCompleter.complete("/ch", workspace: workspace) == ["/checkout"])
        #expect(ChatCompleter.complete("/re", workspace: workspace) == ["/regenerate"])
        #expect(ChatCompleter.complete("/checkout tr", workspace: workspace).contains("travel"))
        #expect(ChatCompleter.complete("/fork rome ma", workspace: workspace).contains("main"))
        #expect(ChatCompleter.complete("/branch -d tr", workspace: workspace) == ["travel"])
        #expect(ChatCompleter.complete("/branch ", workspace: workspace) == ["main", "travel"])
        #expect(ChatCompleter.complete("/preset ", workspace: workspace) == ["reviewer", "terse"])
        #expect(ChatCompleter.complete("/preset re", workspace: workspace) == ["reviewer"])
        // Plain messages, options and commands without revisions complete nothing.
        #expect(ChatCompleter.complete("Hello tr", workspace: workspace).isEmpty)
        #expect(ChatCompleter.complete("/log --one", workspace: workspace).isEmpty)
        #expect(ChatCompleter.complete("/model gr", workspace: workspace).isEmpty)
    }
}
