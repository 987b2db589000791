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
        // Every revision is resolved before any is printed, so a bad one prints nothing on stdout.
        for item in try History.revParse(context.workspace(.read), revisions) {
            if json {
                try context.json(item)
            } else {
                context.out.line(item.id)
            }
        }
    }
}
