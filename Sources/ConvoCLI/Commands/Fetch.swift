import ArgumentParser
import ConvoKit
import Foundation

struct FetchCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "fetch",
        abstract: "Bring a conversation that lives on the server into the repository.",
        discussion: """
            Gets the response (GET /responses/{id}) and its input items, follows previous_response_id back \
            until a turn the repository already has or the first turn, and commits the chain oldest first as \
            turns marked fetched. HEAD ends detached at the fetched turn, or on a new branch with -b. The server \
            is the configured one (CONVO_BASE_URL, config base_url, or the provider's); the key is resolved as \
            for say. A response the repository already holds is not fetched again: fetch names its turn.

            This is also how to recover the answer of a 'convo say' interrupted after the server created it. \
            Exit 4 when the server has no such response.

            Examples:
              convo fetch resp_68c9f0e1
              convo fetch -b recovered 2d802b42-68a4-42c0-823d-6221159d9189
            """)

    @Argument(help: "The server's response id (resp_… or an xAI UUID).") var responseID: String
    @Option(
        name: .customShort("b"), help: ArgumentHelp("End on this new branch (checked out).", valueName: "name"),
        transform: branchName)
    var branch: NewBranchName?
    @Flag(help: "Allow plain http to a host that is not loopback (sends the key in clear text).")
    var allowInsecureHTTP = false

    func validate() throws {
        if responseID.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("the response id is empty") }
    }

    func run(_ context: CommandContext) async throws {
        let result = try await Fetch.report(
            context.workspace(),
            FetchOptions(responseID: responseID, newBranch: branch, allowInsecureHTTP: allowInsecureHTTP))
        context.out.line(result.tip)
        if result.fetchedCount == 0 {
            context.note("response '\(responseID)' is already turn \(result.shortID); nothing was fetched")
            if case .branch(let name) = result.position {
                context.note("Switched to a new branch '\(name)' at \(result.shortID)")
            } else {
                context.err.line("hint: convo show \(result.shortID), or convo checkout \(result.shortID)")
            }
            return
        }
        switch result.position {
        case .unchanged:
            break
        case .branch(let name):
            context.note("fetched \(Self.turns(result.fetchedCount)); Switched to a new branch '\(name)' at \(result.shortID)")
        case .detached:
            context.err.line("fetched \(Self.turns(result.fetchedCount)); HEAD is now detached at \(result.shortID)")
            context.err.line("hint: to keep it on a branch: convo checkout -b <name>")
        }
        if let parent = result.attachedTo {
            context.err.line("the fetched turns continue turn \(parent), which the repository already had")
        }
        if let missing = result.missingAncestor {
            context.note("the server no longer has the earlier response '\(VisibleText.line(missing))'; the fetched conversation starts after it")
        }
    }

    static func turns(_ count: Int) -> String { "\(count) turn\(count == 1 ? "" : "s")" }
}
