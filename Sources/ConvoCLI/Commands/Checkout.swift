import ArgumentParser
import ConvoKit

struct Checkout: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkout",
        abstract: "Move HEAD to a branch or turn; with -b, fork a new branch there.",
        discussion: """
            A branch name puts HEAD on the branch; any other revision detaches HEAD at that turn, and the \
            next 'convo say' continues from it. --orphan NAME puts HEAD on a new branch with no turns: the next \
            'convo say' starts a conversation with no parent there (as 'convo say --new -b NAME' does at once).

            Examples:
              convo checkout travel
              convo checkout HEAD~2
              convo checkout -b travel HEAD~1
              convo checkout --orphan ideas
              convo checkout --json HEAD~1 | jq -r .head
            """)

    @Option(name: .customShort("b"), help: "Create this branch at the revision and switch to it.", transform: branchName)
    var newBranch: NewBranchName?
    @Option(help: ArgumentHelp("Start a new conversation: HEAD on this new branch, with no turns yet.", valueName: "name"), transform: branchName)
    var orphan: NewBranchName?
    @Argument(
        help: "A branch or any revision (with -b: where the new branch starts, default HEAD).",
        completion: DynamicCompletion.revision)
    var revision: String?
    @Flag(help: "Print the new position as one JSON object: head, branch, created, detached.") var json = false

    func validate() throws {
        if let orphan, newBranch != nil || revision != nil {
            throw ValidationError("--orphan \(orphan) starts a branch with no turns; it takes no -b and no revision")
        }
        if newBranch == nil && revision == nil && orphan == nil { throw ValidationError("name a branch or revision to check out") }
    }

    func run(_ context: CommandContext) async throws {
        let report = try Navigation.checkoutReport(context.workspace(), newBranch: newBranch, orphan: orphan, revision: revision)
        if json {
            try context.json(report)
            return
        }
        switch report.position {
        case .branch(let name, let created):
            context.note(created ? "Switched to a new branch '\(name)'" : "Switched to branch '\(name)'")
        case .detached(let shortID, let input):
            context.note("HEAD is now at \(shortID) \(VisibleText.line(input))")
            context.err.line("hint: you are in 'detached HEAD' state; 'convo say' continues from here, and 'convo checkout -b <name>' names it")
        }
    }
}
