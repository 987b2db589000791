import ArgumentParser
import ConvoKit
import Foundation

struct Branch: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "branch",
        abstract: "List, create, delete or rename branches.",
        discussion: """
            Examples:
              convo branch                 # list; * marks the current branch
              convo branch travel HEAD~1   # create 'travel' at HEAD~1
              convo branch -d travel       # delete if another branch reaches its turns
              convo branch -D travel       # delete anyway
              convo branch -m travel trips # rename
              convo branch --json
              convo branch --preset reviewer review   # say on 'review' uses preset 'reviewer'

            --preset NAME [BRANCH] (default: the current branch) makes every say that continues BRANCH use the \
            preset's model, instructions and temperature (convo config preset.NAME.*); clear it with \
            'convo config --unset branch.BRANCH.preset'.
            """)

    @Flag(name: .customShort("d"), help: "Delete a branch whose turns another branch or HEAD reaches.") var delete = false
    @Flag(name: .customShort("D"), help: "Delete a branch even if its turns become unreachable.") var forceDelete = false
    @Flag(name: .customShort("m"), help: "Rename: -m [OLD] NEW.") var move = false
    @Flag(help: "List as JSON, one branch per line.") var json = false
    @Option(help: ArgumentHelp("Use this preset for every say on the branch.", valueName: "name"), completion: DynamicCompletion.preset)
    var preset: String?
    @OptionGroup var colors: ColorOptions
    @Argument(
        help: "Branch name (and, when creating, the start revision; when renaming, OLD NEW).",
        completion: DynamicCompletion.branch)
    var names: [String] = []

    func validate() throws {
        let modes = [delete, forceDelete, move].filter { $0 }.count
        if modes > 1 { throw ValidationError("-d, -D and -m cannot be combined") }
        if (delete || forceDelete) && names.isEmpty { throw ValidationError("name the branch to delete") }
        if move && !(1...2).contains(names.count) { throw ValidationError("-m takes [OLD] NEW") }
        if preset != nil && (modes > 0 || names.count > 1) { throw ValidationError("--preset NAME takes one branch (default: the current one) and no -d, -D or -m") }
        if !move && !delete && !forceDelete && names.count > 2 { throw ValidationError("give a branch name and at most one start revision") }
    }

    func run(_ context: CommandContext) async throws {
        let workspace = try context.workspace(delete || forceDelete || move || preset != nil || !names.isEmpty ? .write : .read)
        if let preset {
            let (branch, chosen) = try Presets.setOnBranch(workspace, branch: names.first, preset: preset)
            context.note("Branch \(branch) uses preset \(chosen.name).")
        } else if delete || forceDelete {
            for name in names {
                let tip = try Navigation.deleteBranch(workspace, named: name, force: forceDelete)
                context.note("Deleted branch \(name) (was \(tip)).")
            }
        } else if move {
            let (old, new) = try Navigation.renameBranch(workspace, from: names.count == 2 ? names[0] : nil, to: names.last!)
            context.note("Renamed branch \(old) to \(new).")
        } else if let name = names.first {
            let tip = try Navigation.createBranch(workspace, named: name, at: names.count > 1 ? names[1] : nil)
            context.note("Created branch \(name) at \(tip).")
        } else {
            let style = context.style(colors.color)
            let branches = try Navigation.branchItems(workspace, wholeLines: json)
            // Names are padded by the columns they take on screen (a CJK name from `say --new` takes two per
            // character), and a terminal's lines are cut to its width as log's are.
            let width = branches.map { DisplayWidth.columns(of: style.text($0.name)) }.max() ?? 0
            let screen = context.environment.outputIsTerminal ? context.environment.terminalWidth : nil
            for branch in branches {
                if json {
                    try context.json(branch)
                } else {
                    let name = style.text(branch.name)
                    let padded = name + String(repeating: " ", count: max(0, width - DisplayWidth.columns(of: name)))
                    let marker = branch.current ? "* " + style.branch(padded) : "  " + padded
                    context.out.line(
                        DisplayWidth.cutLines("\(marker) \(style.id(branch.shortID)) \(style.text(branch.shortInputLine))", to: screen))
                }
            }
        }
    }
}
