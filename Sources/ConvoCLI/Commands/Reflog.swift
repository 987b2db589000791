import ArgumentParser
import ConvoKit
import ConvoStore

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
        for (entry, shortID, name) in try History.reflog(context.workspace(.readOnly), ref: ref) {
            if json {
                context.json(.object([
                    "selector": .string(name), "old": entry.old.map { .string($0.hex) } ?? .null,
                    "new": entry.new.map { .string($0.hex) } ?? .null, "at": .string(Timestamps.format(entry.at)),
                    "message": .string(entry.message),
                ]))
            } else {
                context.out.line("\(style.id(shortID)) \(style.text(name)): \(style.text(entry.message))")
            }
        }
    }
}
