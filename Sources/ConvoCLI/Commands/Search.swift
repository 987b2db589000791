import ArgumentParser
import ConvoKit

struct SearchCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find turns whose message or answer contains words, newest first.",
        discussion: """
            Searches the current conversation (HEAD and its ancestors), another one (REV), or every stored \
            turn (--all), through a full-text index (SQLite FTS5) kept beside the turns. Prints one line per \
            matching turn: short id, date, which text matched, and a snippet with the matches highlighted.

            Query syntax: every word must appear (in the message or the answer); "quoted words" must appear \
            together in that order; plan* matches any word starting with plan. Case and accents are ignored, \
            punctuation separates words, and there is no OR or NOT.

            When more turns match than are shown, stderr says how many. The index knows which turns hold \
            the words, not where: a phrase (or a word punctuation splits, like what's) is checked on the \
            turns' texts, newest first, only until enough matches are found, so its count is then a lower \
            bound ("at least"), with the number of turns holding all the words as the upper one.

            Exit status: 0 when something matched, 1 when nothing did (stdout stays empty, as with grep), \
            2 for a query that cannot be read.

            Examples:
              convo search rome
              convo search '"my name" alice' --all
              convo search 'colos*' travel -n 5
              convo search --all --json budget | jq -r .id
            """)

    @Argument(help: "Words, \"a phrase\", or prefix* (quote the whole query for the shell).") var query: String
    @Argument(help: "Search this turn and its ancestors (default HEAD).", completion: DynamicCompletion.revision) var revision: String?
    @Flag(help: "Search every stored turn, on every branch.") var all = false
    @Option(name: .customShort("n", allowingJoined: true), help: "Show at most this many matches (default \(SearchOptions.defaultLimit)).") var limit: Int?
    @Flag(help: "One JSON object per line.") var json = false

    func validate() throws {
        if let limit, limit < 1 { throw ValidationError("-n must be 1 or more, not \(limit)") }
        if all && revision != nil { throw ValidationError("give either a revision or --all, not both") }
    }

    func run(_ context: CommandContext) async throws {
        let results = try Search.result(
            context.workspace(.read),
            SearchOptions(query: query, revision: revision, all: all, limit: limit ?? SearchOptions.defaultLimit))
        let entries = results.items
        if json {
            for entry in entries { try context.json(entry) }
        } else {
            let style = context.style
            context.out.write(entries.map { Self.line($0, style: style) + "\n" }.joined())
        }
        if let note = Self.note(shown: entries.count, results) { context.err.line(note) }
        if entries.isEmpty { throw CommandExit(status: .failure) }
    }

    /// What stderr says when not every match is shown, or nil when every one is.
    static func note(shown: Int, _ results: SearchResult) -> String? {
        if results.totalIsExact {
            guard results.total > shown else { return nil }
            return "showing the \(shown) newest of \(results.total) matching turns; -n \(results.total) shows them all"
        }
        return "showing the \(shown) newest of at least \(results.total) matching turns (at most \(results.candidates) "
            + "hold all the words; word order was checked only until \(shown) matched); -n \(results.candidates) shows them all"
    }

    /// `a81d0b4 2026-11-20 user: Hello, my name is Alice. Remember…`
    static func line(_ entry: SearchItem, style: Style) -> String {
        let label = entry.inInput ? "user:" : "assistant:"
        let snippet = entry.fragments.map { $0.highlighted ? style.match(style.text($0.text)) : style.text($0.text) }.joined()
        return style.id(entry.shortID) + " " + String(Timestamps.format(entry.createdAt).prefix(10)) + " "
            + style.dim(label) + " " + snippet
    }
}

extension Style {
    /// A search match, as grep paints it.
    func match(_ text: String) -> String { paint(text, "1;31") }
}
