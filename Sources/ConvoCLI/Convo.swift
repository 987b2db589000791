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

            Global option (before the command, as in git):
              -C <dir>    run as if convo was started in <dir>

            Environment: CONVO_DIR (the repository folder), NO_COLOR.
            """,
        version: "0.1.0",
        subcommands: [
            Init.self, SayCommand.self, Log.self, Show.self, Status.self, Checkout.self, Branch.self, Reflog.self, RevParse.self,
            Gc.self, Fsck.self, Config.self, Import.self, Export.self, Search.self,
        ]
    )
}
