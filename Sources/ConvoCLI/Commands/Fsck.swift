import ArgumentParser
import ConvoKit

struct Fsck: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "fsck",
        abstract: "Verify every object, reference and ref; exit 1 if anything is wrong.",
        discussion: """
            Re-hashes every object, decodes every turn, checks that parents and texts exist, that refs and \
            reflog entries name stored turns, and that the derived tables (the turn index, the turn → text \
            references gc uses, the search index) match the turns.

            Examples:
              convo fsck
              convo fsck --rebuild-index
            """)

    @Flag(name: .customLong("rebuild-index"), help: "Recreate the derived tables (turn index, text references, search index) from the objects first.") var rebuildIndex = false
    @Flag(help: "Print one JSON object.") var json = false

    func run(_ context: CommandContext) async throws {
        let report = try Inspection.fsckResult(context.workspace(rebuildIndex ? .write : .read), rebuildIndex: rebuildIndex) { count in
            if context.environment.outputIsTerminal { context.err.write("\rchecking objects: \(count)") }
        }
        if json {
            try context.json(report)
        } else {
            if let reindexed = report.reindexed { context.err.line("rebuilt the index of \(reindexed) turns") }
            let style = context.style
            for problem in report.problems { context.out.line(style.text("\(problem.kind) \(problem.subject): \(problem.detail)")) }
            context.err.line("checked \(report.objects) objects (\(report.turns) turns, \(report.blobs) blobs) and \(report.refs) refs: "
                + (report.problems.isEmpty ? "ok" : "\(report.problems.count) problem\(report.problems.count == 1 ? "" : "s")"))
        }
        if !report.problems.isEmpty { throw CommandExit(status: .failure) }
    }
}
