import ArgumentParser
import ConvoKit

struct Init: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a repository in .convo/ (or $CONVO_DIR).",
        discussion: """
            Running init again in an existing repository is safe: nothing is lost, and only the settings \
            given as options are changed.

            Which repository a command uses: $CONVO_DIR when set; else the first .convo/ found in the working \
            folder or a parent of it (so a project's own repository always wins); else, unless -C named a \
            folder, the home repository $XDG_DATA_HOME/convo (default ~/.local/share/convo), which the first \
            'convo say' outside any project creates, with a notice. 'convo status' says which one is in use and \
            why. Inside a git work tree init also writes .convo/.gitignore ('*'), so 'git add -A' never commits \
            conversations.

            Examples:
              convo init
              convo init --provider openai --model gpt-4.1-mini
              convo init --base-url http://127.0.0.1:8080/v1 --instructions "Answer briefly."
            """)

    @Option(help: "Default model for new turns.") var model: String?
    @Option(help: "API provider: xai, openai or custom (default: xai; openai when OPENAI_API_KEY is the only key set).") var provider: String?
    @Option(name: .customLong("base-url"), help: "API base URL, for any Responses-compatible server.") var baseURL: String?
    @Option(help: "Instructions (system prompt) for new conversations.") var instructions: String?
    @Flag(help: "Print the result as JSON.") var json = false

    func run(_ context: CommandContext) async throws {
        let result = try Setup.initialize(
            context.environment,
            options: InitOptions(model: model, provider: provider, baseURL: baseURL, instructions: instructions))
        if json {
            try context.json(result)
        } else if result.created {
            context.out.line("Initialized empty convo repository in \(result.path)")
        } else {
            let changed = result.settings.keys.sorted().joined(separator: ", ")
            context.out.line("Reinitialized existing convo repository in \(result.path)" + (changed.isEmpty ? "" : " (set \(changed))"))
        }
    }
}
