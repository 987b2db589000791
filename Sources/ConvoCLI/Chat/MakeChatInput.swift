import ConvoKit
import Foundation

/// The one place `convo chat` chooses how it reads: lines from a pipe or file when stdin is not a terminal
/// (batch mode), else the line editor. `complete` offers tab completions for the word before the cursor.
func makeChatInput(_ environment: ConvoEnvironment, complete: @escaping (String) -> [String]) -> any ChatInput {
    guard environment.inputIsTerminal else { return PipeChatInput(source: environment.input) }
    // The line editor (TerminalChatInput, libedit) plugs in here; until then a terminal reads plain lines.
    return PromptedLineInput(PipeChatInput(source: environment.input), prompts: environment.errors)
}

/// Plain lines from a terminal, with the prompt written to stderr first.
final class PromptedLineInput: ChatInput {
    private let lines: any ChatInput
    private let prompts: TextSink

    init(_ lines: any ChatInput, prompts: TextSink) {
        self.lines = lines
        self.prompts = prompts
    }

    func next(prompt: String) -> ChatEntry {
        prompts.write(prompt)
        return lines.next(prompt: prompt)
    }
}
