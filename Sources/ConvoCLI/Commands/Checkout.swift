import ArgumentParser
import ConvoKit
import ConvoStore

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
    var newBranch: BranchName?
    @Option(help: ArgumentHelp("Start a new conversation: HEAD on this new branch, with no turns yet.", valueName: "name"), transform: branchName)
    var orphan: BranchName?
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
        let workspace = try context.workspace()
        let result = if let orphan {
            try Navigation.checkoutOrphan(workspace, name: orphan)
        } else if let newBranch {
            try Navigation.checkoutNewBranch(workspace, name: newBranch, at: revision)
        } else {
            try Navigation.checkout(workspace, revision!)
        }
        if json {
            let head: JSONValue
            switch result {
            case .branch(let name, let tip, let created):
                head = .object([
                    "head": tip.map { .string($0.hex) } ?? .null, "branch": .string(name.rawValue), "created": .bool(created),
                    "detached": .bool(false),
                ])
            case .detached(let id):
                head = .object(["head": .string(id.hex), "branch": .null, "created": .bool(false), "detached": .bool(true)])
            }
            context.json(head)
            return
        }
        switch result {
        case .branch(let name, _, let created):
            context.err.line(created ? "Switched to a new branch '\(name)'" : "Switched to branch '\(name)'")
        case .detached(let id):
            let summary = try workspace.repository.read { try $0.summary(id) }
            context.note("HEAD is now at \(id.abbreviated()) \(VisibleText.line(summary?.shortInputLine ?? ""))")
            context.err.line("hint: you are in 'detached HEAD' state; 'convo say' continues from here, and 'convo checkout -b <name>' names it")
        }
    }
}
