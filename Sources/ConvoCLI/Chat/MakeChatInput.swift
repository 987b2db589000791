import ConvoKit
import Foundation

/// The one place `convo chat` chooses how it reads: lines from a pipe or file when stdin is not a terminal
/// (batch mode), else the line editor (libedit) with its history in `folder`/chat_history. `complete` offers
/// tab completions for the word before the cursor. Where libedit cannot start (the system has none), a
/// terminal reads plain lines with the prompt on stderr.
func makeChatInput(
    _ environment: ConvoEnvironment, folder: URL?, complete: @escaping (String) -> [String]
) -> any ChatInput {
    guard environment.inputIsTerminal else { return PipeChatInput(source: environment.input) }
    if let descriptor = environment.input.descriptor,
        let editor = TerminalChatInput(
            historyFile: folder?.appendingPathComponent("chat_history"),
            // Every key this process knows of, in any spelling: the key variables and one api_key_command printed.
            holdsSecret: { environment.redact($0) != $0 },
            input: descriptor, environment: environment.variables)
    {
        editor.complete = complete
        return editor
    }
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
