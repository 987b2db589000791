import ArgumentParser
import ConvoKit

struct Reflog: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "reflog",
        abstract: "Show every move of HEAD or a branch, newest first.",
        discussion: """
            Each entry can be named as REF@{N} in any revision, e.g. to recover a deleted branch.

            Examples:
              convo reflog
              convo reflog main
              convo checkout -b rescued HEAD@{3}
            """)

    @Argument(help: "HEAD (default) or a branch.", completion: DynamicCompletion.branch) var ref: String?
    @Flag(help: "One JSON object per line.") var json = false
    @OptionGroup var colors: ColorOptions

    func run(_ context: CommandContext) async throws {
        let style = context.style(colors.color)
        for entry in try History.reflogItems(context.workspace(.read), ref: ref) {
            if json {
                try context.json(entry)
            } else {
                context.out.line("\(style.id(entry.shortID)) \(style.text(entry.selector)): \(style.text(entry.message))")
            }
        }
    }
}
