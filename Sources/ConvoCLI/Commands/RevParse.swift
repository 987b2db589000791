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
            """)

    @Argument(help: "Revisions to resolve.", completion: DynamicCompletion.revision) var revisions: [String]

    func run(_ context: CommandContext) async throws {
        let workspace = try context.workspace()
        for revision in revisions {
            context.out.line(try History.revParse(workspace, revision).hex)
        }
    }
}
