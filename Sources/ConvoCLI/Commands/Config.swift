import ArgumentParser
import ConvoKit

struct Config: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Read or change repository settings.",
        discussion: """
            Keys: model, provider (xai, openai, custom), base_url, instructions, retention_days, api_key_command, \
            api_key_command_timeout (seconds, default 30), request_timeout (seconds a request waits for the \
            server, default 600; CONVO_REQUEST_TIMEOUT overrides it), reflog_expire_days, reflog_expire_unreachable_days, \
            replay_strategy (compact, truncate or fail: what a replay too big for the context window does; \
            default compact), model.NAME.context_window (tokens; learned from an overflow error that names it), \
            compact_threshold (tokens past which a conversation is compacted: OpenAI does it on the server, \
            other providers before the say that would pass it); \
            and price.MODEL.input, price.MODEL.cached_input, price.MODEL.output (US dollars per million tokens, \
            for convo usage when the server does not report a cost). \
            API keys themselves are never stored: set XAI_API_KEY / OPENAI_API_KEY / CONVO_API_KEY, or \
            api_key_command to a command whose first output line is the key.

            Presets: preset.NAME.instructions, preset.NAME.model and preset.NAME.temperature (0 to 2) define \
            a preset NAME (letters, digits, '-', '_') for 'say --preset NAME'; branch.BRANCH.preset names the \
            preset every say on BRANCH uses (set it with 'convo branch --preset NAME BRANCH').

            Examples:
              convo config --list
              convo config --list --json | jq -r .model
              convo config model
              convo config model grok-4
              convo config request_timeout 1200
              convo config --unset instructions
              convo config preset.reviewer.instructions "Review the diff: bugs first, then style."
              convo config preset.reviewer.model grok-4
              convo config price.gpt-5.input 1.25
            """)

    @Flag(help: "List every setting.") var list = false
    @Flag(help: "Remove the setting.") var unset = false
    @Flag(help: "Print as JSON: {\"key\", \"value\"} for one key, one object of every key for --list.") var json = false
    @Argument(help: "The setting's key.") var key: String?
    @Argument(help: "The new value.") var value: String?

    func validate() throws {
        if list && (key != nil || unset) { throw ValidationError("--list takes no key") }
        if !list && key == nil { throw ValidationError("name a key, or use --list") }
        if unset && value != nil { throw ValidationError("--unset takes a key only") }
    }

    func run(_ context: CommandContext) async throws {
        let workspace = try context.workspace(list || (!unset && value == nil) ? .read : .write)
        if list {
            let list = try Setup.configList(workspace)
            if json {
                try context.json(list)
            } else {
                let style = context.style
                for entry in list.entries { context.out.line("\(style.text(entry.key))=\(style.text(entry.value))") }
            }
        } else if unset {
            if !(try Setup.unset(workspace, key: key!)) { throw CommandExit(status: .failure) }
        } else if let value {
            try Setup.set(workspace, key: key!, value: value)
        } else if let current = try Setup.configEntry(workspace, key: key!) {
            if json {
                try context.json(current)
            } else {
                // One value may span lines (instructions): keep them, escape the rest.
                context.out.line(context.style.block(current.value))
            }
        } else {
            // As git: an unset key prints nothing and exits 1.
            throw CommandExit(status: .failure)
        }
    }
}
