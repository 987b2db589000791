import ArgumentParser
import ConvoKit

struct RevParse: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "rev-parse",
        abstract: "Print the full id of each revision.",
        discussion: """
            Revisions: HEAD, @, a branch, a full or abbreviated id (4+ hex digits), a response id, \
            REV~N, REV^, HEAD@{N}, BRANCH@{N}, @{N}.

            Examples:
              convo rev-parse HEAD~2
              convo rev-parse main@{1}
              convo rev-parse --json HEAD travel
            """)

    @Argument(help: "Revisions to resolve.", completion: DynamicCompletion.revision) var revisions: [String]
    @Flag(help: "One JSON object per revision: {\"revision\", \"id\"}.") var json = false

    func run(_ context: CommandContext) async throws {
        let workspace = try context.workspace(.readOnly)
        // Resolve all first, so a bad revision prints nothing on stdout.
        let ids = try revisions.map { try History.revParse(workspace, $0) }
        for (revision, id) in zip(revisions, ids) {
            if json {
                context.json(.object(["revision": .string(revision), "id": .string(id.hex)]))
            } else {
                context.out.line(id.hex)
            }
        }
    }
}
