import ArgumentParser
import ConvoKit
import Foundation

struct ModelsCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "models",
        abstract: "List the models the server offers; * marks the one the next say uses.",
        discussion: """
            Asks the server say would use (GET /models: CONVO_BASE_URL, else config base_url, else the \
            provider's; the key as for say) and prints one model a line, sorted, with who owns it; * marks \
            the model the next say asks for (the branch's preset, else config model, else the provider's \
            default), and stderr says when that model is not in the server's list. Outside any repository the \
            provider's defaults are used and nothing is created.

            Examples:
              convo models
              convo models --json | jq -r 'select(.default).id'
              convo config model "$(convo models --json | jq -r .id | fzf)"
            """)

    @Flag(help: "One JSON object a line: id, created, owned_by, default.") var json = false
    @Flag(help: "Allow plain http to a host that is not loopback (sends the key in clear text).")
    var allowInsecureHTTP = false

    func run(_ context: CommandContext) async throws {
        let workspace: Workspace?
        do {
            workspace = try context.workspace(.read)
        } catch is WorkspaceError {
            workspace = nil
        }
        let result = try await context.environment.interruptible {
            try await Models.list(context.environment, workspace: workspace, allowInsecureHTTP: allowInsecureHTTP)
        }
        let style = context.style
        // Model ids and owners are the server's text.
        let width = result.models.map { style.text($0.id).count }.max() ?? 0
        for model in result.models {
            if json {
                try context.json(model)
            } else {
                let id = style.text(model.id).padding(toLength: width, withPad: " ", startingAt: 0)
                let owner = model.ownedBy.map { "  " + style.text($0) } ?? ""
                context.out.line((model.isDefault ? "* " + style.branch(id) : "  " + id) + owner)
            }
        }
        if !result.models.contains(where: \.isDefault) {
            context.note("convo: the next say asks for '\(result.defaultModel)' (\(result.defaultSource)), which \(result.origin) does not list")
        }
    }
}
