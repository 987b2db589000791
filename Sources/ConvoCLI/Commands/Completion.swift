import ArgumentParser
import ConvoKit

/// `convo completion SHELL`: the completion script, for shells set up by hand (`eval`/`source`), as gh and
/// kubectl offer. The same text as the committed files in completions/, which scripts/install.sh installs.
struct CompletionCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script for bash, zsh or fish.",
        discussion: """
            scripts/install.sh puts the scripts where each shell finds them without configuration. For a \
            shell set up by hand, load the script from its startup file:

            Examples:
              convo completion fish | source           # in ~/.config/fish/config.fish
              eval "$(convo completion bash)"          # in ~/.bashrc
              source <(convo completion zsh)           # in ~/.zshrc, after compinit
            """)

    @Argument(help: "The shell: bash, zsh or fish.") var shell: CompletionShell

    func run(_ context: CommandContext) async throws {
        context.out.line(Convo.completionScript(for: shell))
    }
}

extension CompletionShell: @retroactive ExpressibleByArgument {
    public init?(argument: String) { self.init(rawValue: argument) }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}
