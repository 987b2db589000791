import ArgumentParser

/// The root command.
struct Convo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convo",
        abstract: "Keep conversations with language models the way git keeps source code.",
        discussion: """
            Every model response is a turn in a local, content-addressed history (.convo/store.sqlite). \
            HEAD's response id is sent as previous_response_id, so only the new message travels; when the \
            server has forgotten, convo replays the local history.

            Global options (before the command, as in git):
              -C <dir>           run as if convo was started in <dir>
              -P, --no-pager     never page the output of log and show

            Environment: CONVO_DIR (the repository folder), CONVO_PAGER and PAGER (the pager on a terminal; \
            empty or cat for none), NO_COLOR (no colours unless --color=always), CONVO_API_KEY, XAI_API_KEY, \
            OPENAI_API_KEY, CONVO_BASE_URL, VISUAL and EDITOR.

            Examples:
              convo init && convo say "Hello"
              convo log --oneline --graph --all
              convo --no-pager show HEAD~1
            """,
        version: version,
        subcommands: commands.map(\.type)
    )

    /// What `convo --version` prints.
    static let version = "0.1.0"

    /// The subcommands, in the order help lists them.
    static let commands: [Subcommand] = [
        .init("init", Init.self), .init("say", SayCommand.self), .init("chat", ChatCommand.self), .init("log", Log.self), .init("show", Show.self),
        .init("status", Status.self), .init("checkout", Checkout.self), .init("branch", Branch.self),
        .init("reflog", Reflog.self), .init("rev-parse", RevParse.self), .init("diff", Diff.self), .init("gc", Gc.self),
        .init("fsck", Fsck.self), .init("config", Config.self), .init("import", Import.self), .init("export", Export.self),
        .init("fetch", FetchCommand.self), .init("search", SearchCommand.self), .init("usage", UsageCommand.self), .init("upgrade", Upgrade.self),
        .init("remote", RemoteCommand.self), .init("push", PushCommand.self), .init("pull", PullCommand.self),
        .init("clone", CloneCommand.self), .init("models", ModelsCommand.self), .init("compact", CompactCommand.self),
        .init("completion", CompletionCommand.self),
    ]

    /// One subcommand: its name on the command line, and how to parse its arguments on their own.
    struct Subcommand: Sendable {
        let name: String
        let type: any ParsableCommand.Type
        let parseAlone: @Sendable ([String]) -> (any ConvoCommand)?

        init<Command: ConvoCommand>(_ name: String, _ type: Command.Type) {
            self.name = name
            self.type = type
            // Typed as Command, so the result needs no `as? any ConvoCommand` cast: such a cast looks the
            // conformance up at run time, scanning every conformance record of the binary.
            parseAlone = { try? Command.parseAsRoot($0) as? Command }
        }
    }

    /// `convo NAME ARGS...` parsed as the subcommand NAME alone, or nil: then the whole tree must parse it
    /// (help, --version, completion requests, errors, anything else). Parsing from the root builds and
    /// reflects every subcommand, which cost more than most commands' own work; the subcommand's own
    /// options are the same either way, since the root has none, so a line that parses alone means the same.
    static func parseAlone(_ arguments: [String]) -> (any ConvoCommand)? {
        if let common = CommonLines.parse(arguments) { return common }
        guard let name = arguments.first, let command = commands.first(where: { $0.name == name }) else { return nil }
        return command.parseAlone(Array(arguments.dropFirst()))
    }
}
