import ConvoKit
import Foundation
import Testing

@testable import ConvoCLI

/// The chat loop with scripted entries, as the terminal's line editor hands them over.
@Suite struct ChatLoopTests {
    final class Scripted: ChatInput {
        var entries: [ChatEntry]
        var prompts: [String] = []
        init(_ entries: [ChatEntry]) { self.entries = entries }
        func next(prompt: String) -> ChatEntry {
            prompts.append(prompt)
            return entries.isEmpty ? .end : entries.removeFirst()
        }
    }

    @Test func ctrlCAtThePromptSaysHowToLeaveAndQuitLeaves() async throws {
        let harness = try await Harness.withHistory()
        let errors = TextSink.memory()
        let environment = ConvoEnvironment(
            workingDirectory: harness.folder.path, variables: ["NO_COLOR": "1"], now: { harness.now }, output: .memory(),
            errors: errors, input: .bytes(Data()), inputIsTerminal: true, outputIsTerminal: false)
        let session = try ChatSession(environment, start: .head)
        var context = CommandContext(environment: session.workspace.environment)
        context.session = session.workspace
        let input = Scripted([.interrupt, .interrupt, .text("/quit"), .text("never read")])
        try await ChatLoop(context: context, session: session, json: false).run(input)
        await session.close()
        #expect(errors.text == "(to leave, press Ctrl-D or type /quit)\n(to leave, press Ctrl-D or type /quit)\n")
        // The history was imported: the server never held it for this repository, so the next message replays.
        #expect(input.prompts == ["main (replay)> ", "main (replay)> ", "main (replay)> "])
        #expect(input.entries == [.text("never read")])
    }
}
