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
        version: "0.1.0",
        subcommands: [
            Init.self, SayCommand.self, Log.self, Show.self, Status.self, Checkout.self, Branch.self, Reflog.self, RevParse.self, Diff.self,
            Gc.self, Fsck.self, Config.self, Import.self, Export.self, FetchCommand.self, Search.self, Upgrade.self,
        ]
    )
}
