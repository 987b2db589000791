import ArgumentParser
import ConvoKit
import Foundation

struct CompactCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "compact",
        abstract: "Compact a conversation on the server into a compaction turn.",
        discussion: """
            Sends the conversation up to REV (default HEAD), all but its newest N turns (--keep), to the \
            server's POST /responses/compact and commits the answer as a compaction turn whose parent is REV: \
            its output is the server's opaque compaction item, and it records how many turns it stands for. \
            Replays from it or any later turn send the item and the turns after it instead of the whole \
            history. HEAD moves to it when REV is HEAD. Nothing is committed when the server refuses \
            (exit 6) or --keep keeps every turn (exit 2).

            Examples:
              convo compact
              convo compact --keep 4 HEAD~2
            """)

    @Argument(help: "The turn to compact up to (default HEAD).") var revision: String?
    @Option(help: "How many of the newest turns a replay still sends verbatim.") var keep = 0
    @Flag(help: "Allow plain http to a host that is not loopback (sends the key in clear text).")
    var allowInsecureHTTP = false
    @Flag(help: "Print the result as JSON.") var json = false

    func validate() throws {
        if keep < 0 { throw ValidationError("--keep must be 0 or more, not \(keep)") }
    }

    func run(_ context: CommandContext) async throws {
        let result = try await Compact.run(context.workspace(), revision: revision, keep: keep, allowInsecureHTTP: allowInsecureHTTP)
        if json { return try context.json(result) }
        context.out.line(result.turn)
        context.err.line(
            "compacted \(result.compactedTurns) turn\(result.compactedTurns == 1 ? "" : "s") into \(result.shortID)"
                + (result.keptTurns > 0 ? ", keeping \(result.keptTurns) verbatim" : "")
                + (result.movedHead ? "; HEAD is now at \(result.shortID)" : "; hint: convo checkout \(result.shortID)"))
    }
}
