import ArgumentParser
import ConvoKit
import Foundation

struct Log: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "Show the history of turns, newest first.",
        discussion: """
            Reads only the derived index, so it stays fast on large repositories. On a terminal the output \
            goes through a pager (see --no-pager), and the default, --oneline and --graph layouts fit its width \
            (COLUMNS, else the terminal's): a longer line is cut with "…" by the columns its characters take. \
            A pipe, --json and a --format template get every character.

            --format takes a preset (oneline, medium) or a template, as git's --pretty does: \
            %H full id, %h short id, %P/%p parent id, %r response id, %s first line of the input, \
            %a first line of the answer, %m model, %t tokens (input + output), %k input tokens served from the \
            prompt cache, %d refs " (HEAD -> main, x)", \
            %D refs without parentheses, %R server state (live, expired, deleted, not stored, failed), %cr relative date, %ci ISO date, %cI RFC 3339 date, %ct unix time, \
            %n newline, %% a percent sign, %C(red)…%Creset colours (bold, dim, ul, bright…, 0-255; dropped \
            when colours are off). 'format:' or 'tformat:' may prefix a template; each turn ends with a newline.

            Examples:
              convo log --oneline
              convo log -n 5 travel
              convo log --graph --all
              convo log --format='%h %cr %m %t tokens: %s'
              convo log --format='%C(yellow)%h%Creset%d%n  %a' --color=always | less -R
              convo log --json | jq -r .response_id
              convo log --oneline --remote
            """)

    @Argument(help: "Start from this revision (default HEAD).", completion: DynamicCompletion.revision) var revision: String?
    @Option(name: .customShort("n", allowingJoined: true), help: "Show at most this many turns.") var limit: Int?
    @Flag(help: "One line per turn: short id, refs, input → answer (the same as --format=oneline).") var oneline = false
    @Option(
        name: [.customLong("format"), .customLong("pretty")],
        help: ArgumentHelp("oneline, medium, or a template such as '%h %s' (placeholders above).", valueName: "format"))
    var format: String?
    @Flag(help: "Draw the conversation tree (one line per turn unless --format says otherwise).") var graph = false
    @Flag(help: "Every turn any branch or HEAD reaches.") var all = false
    @Flag(help: "Oldest first.") var reverse = false
    @Flag(help: "One JSON object per line.") var json = false
    @OptionGroup var colors: ColorOptions
    @OptionGroup var pager: PagerOptions
    @Flag(help: "Mark each turn with its server state: [live], [expired], [deleted], [not stored], [failed].")
    var remote = false

    func validate() throws {
        if let limit, limit < 0 { throw ValidationError("-n must be 0 or more, not \(limit)") }
        if graph && reverse { throw ValidationError("--graph and --reverse cannot be combined") }
        if json && (oneline || format != nil) { throw ValidationError("--json cannot be combined with --oneline or --format") }
        if oneline && format != nil { throw ValidationError("--oneline and --format cannot be combined") }
        _ = try layout()
    }

    /// The entry layout: --format, else --oneline, else medium (one line per turn with --graph).
    func layout() throws -> LogStyle {
        if let format {
            do { return try LogStyle.parse(format) } catch { throw ValidationError(error.description) }
        }
        return oneline || graph ? .template(remote ? .onelineRemote : .oneline) : .medium
    }

    func run(_ context: CommandContext) async throws {
        let layout = try layout()
        // The server state costs a lookup per turn: read only when something shows it.
        let showsRemote = json || remote || { if case .template(let format) = layout { format.pieces.contains(.field(.remoteState)) } else { false } }()
        var options = LogOptions(revision: revision, limit: limit, all: all, reverse: reverse, remote: showsRemote)
        // Cached tokens are not in the index: each turn is read only when the template shows them.
        if case .template(let format) = layout { options.usage = format.pieces.contains(.field(.cachedTokens)) }
        // Long first lines are read whole from the turns only when something prints them whole.
        options.wholeInputLines = json || layout.printsWholeInputLines
        options.wholeOutputLines = json || layout.printsWholeOutputLines
        // A short log of one line of history reads only refs and the index: a plain connection (issue 11).
        let workspace = try context.workspace(all || showsRemote || options.usage || options.wholeLines ? .read : .readIndex)
        if json {
            try History.log(workspace, options: options) { try $0.forEach { context.json(LogItem($0)) } }
            return
        }
        let style = context.style(colors.color)
        let renderer = LogRenderer(style: style, remote: remote)
        let now = Int64(context.environment.now().timeIntervalSince1970)
        // The built-in layouts fit the terminal (a line cut, with "…", by the columns it takes); a template of
        // the user's, a pipe and --json get every character.
        let width = layout.isBuiltIn && context.environment.outputIsTerminal ? context.environment.terminalWidth : nil
        func render(_ entry: LogItem) -> String {
            switch layout {
            case .medium: DisplayWidth.cutLines(renderer.medium(entry), to: width)
            case .template(let format): DisplayWidth.cutLines(format.render(entry, style: style, now: now), to: width) + "\n"
            }
        }
        if graph {
            let entries = try History.logItems(workspace, options: options)
            var text = ""
            let shown = Set(entries.map(\.id))
            for row in GraphLayout.rows(entries) {
                switch row {
                case .turn(let prefix, let index):
                    // Lines after the first of a multi-line entry continue the columns (this one only if it goes on).
                    let goesOn = entries[index].parent.map(shown.contains) ?? false
                    let continuation = style.graph(prefix.replacingOccurrences(of: "*", with: goesOn ? "|" : " "))
                    let lines = render(entries[index]).dropLast().split(separator: "\n", omittingEmptySubsequences: false)
                    text += DisplayWidth.cutLines(style.graph(prefix) + lines.joined(separator: "\n" + continuation), to: width) + "\n"
                case .edges(let line): text += style.graph(line) + "\n"
                }
            }
            try context.paging(!pager.noPager) { $0.out.write(text) }
            return
        }
        // Streamed: the first entry is written as soon as it is read, the rest in chunks of about 64 kB.
        let separator = layout == .medium ? "\n" : ""
        try History.log(workspace, options: options) { stream in
            try context.paging(!pager.noPager) { output in
                var chunk = ""
                var first = true
                try stream.forEach { entry in
                    if !first { chunk += separator }
                    chunk += render(LogItem(entry))
                    if first || chunk.utf8.count >= 1 << 16 {
                        output.out.write(chunk)
                        chunk = ""
                    }
                    first = false
                }
                if !chunk.isEmpty { output.out.write(chunk) }
            }
        }
    }
}
