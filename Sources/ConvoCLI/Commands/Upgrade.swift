import ArgumentParser
import ConvoKit

struct Upgrade: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "upgrade",
        abstract: "Migrate the repository to this convo's format.",
        discussion: """
            Reading commands never change a repository; writing commands (say, checkout, import…) migrate it \
            first. upgrade does only that: it runs the pending migrations and rebuilds the derived tables \
            (turn index, text references, search index) they leave empty, in one transaction. Every turn and \
            id is kept. A repository written by a newer convo is refused, naming both formats.

            Examples:
              convo upgrade
            """)

    @Flag(help: "Print one JSON object: {\"path\", \"from\", \"to\"}.") var json = false

    func run(_ context: CommandContext) async throws {
        let result = try Setup.upgrade(context.environment)
        if json {
            try context.json(result)
        } else if result.from == result.to {
            context.err.line("\(result.path) is already at format \(result.to)")
        } else {
            context.err.line("Upgraded \(result.path) from format \(result.from) to \(result.to)")
        }
    }
}
