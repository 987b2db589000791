import ArgumentParser
import ConvoKit

extension UsageGrouping: ExpressibleByArgument {}

struct UsageCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "usage",
        abstract: "Add up tokens, replays, compactions and cost of a conversation or of every turn.",
        discussion: """
            Counts the conversation up to REV (default HEAD), or every turn a branch or HEAD reaches (--all), \
            each turn once: input tokens (the whole context each request sent, as servers bill it), of which \
            cached (served from the provider's prompt cache), output tokens, of which reasoning, turns sent as \
            replays, and compaction turns.

            Cost comes from the server when it reports it (xAI's cost_in_usd_ticks, the amount billed), else \
            from the price settings price.MODEL.input, price.MODEL.cached_input and price.MODEL.output (US \
            dollars per million tokens; MODEL as the server reports it, or as it was asked for), else it is \
            left out and stderr names the settings that would give it. It is never guessed.

            --by branch gives each branch's conversation a row (a turn shared by two branches counts in both \
            rows, and once in the total); --by model, the model that answered; --by day, the day the turn was \
            made (UTC).

            Examples:
              convo usage
              convo usage --all --by model
              convo usage travel --by day
              convo config price.gpt-5.input 1.25
              convo usage --all --json | jq .total.cost_usd
            """)

    @Argument(help: "Count the conversation up to this turn (default HEAD).", completion: DynamicCompletion.revision) var revision: String?
    @Flag(help: "Count every turn a branch or HEAD reaches.") var all = false
    @Option(help: "One row per branch, model or day.") var by: UsageGrouping?
    @Flag(help: "Print one JSON object.") var json = false

    func validate() throws {
        if all && revision != nil { throw ValidationError("give either a revision or --all, not both") }
    }

    func run(_ context: CommandContext) async throws {
        let result = try UsageReport.run(context.workspace(.read), UsageOptions(revision: revision, all: all, by: by))
        if json {
            try context.json(result)
        } else {
            context.out.write(Self.render(result, style: context.style))
        }
        if result.total.turnsWithoutCost > 0 {
            let turns = result.total.turnsWithoutCost
            let settings = result.missingPrices.isEmpty ? "" : ": set " + result.missingPrices.joined(separator: ", ")
                + " (US dollars per million tokens)"
            context.err.line(
                "note: \(turns) turn\(turns == 1 ? " has" : "s have") no cost (the server did not report one\(result.missingPrices.isEmpty ? " and it has no usage" : "")\(settings))")
        }
    }

    static func render(_ result: UsageResult, style: Style) -> String {
        let scope = result.all ? "every turn" : "the conversation at \(style.text(result.revision ?? "HEAD"))"
        guard result.by != nil else {
            let total = result.total
            var lines = ["Usage of \(scope)"]
            lines.append("Turns:       \(total.turns) (\(total.replays) replayed, \(total.compactions) compaction\(total.compactions == 1 ? "" : "s"))")
            lines.append("Input:       \(total.inputTokens) tokens (\(total.cachedTokens) cached)")
            lines.append("Output:      \(total.outputTokens) tokens (\(total.reasoningTokens) reasoning)")
            lines.append("Cost:        " + cost(total))
            return lines.joined(separator: "\n") + "\n"
        }
        let header = [result.by?.rawValue.uppercased() ?? "", "TURNS", "INPUT", "CACHED", "OUTPUT", "REASONING", "REPLAYS", "COMPACTIONS", "COST"]
        var rows = result.groups.map { row(style.text($0.name), $0.totals) }
        rows.append(row("total", result.total))
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        return table.map { cells in
            cells.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                // Names left, numbers right; the cost last, not padded.
                return column == 0 ? cell + pad : column == cells.count - 1 ? cell : pad + cell
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    private static func row(_ name: String, _ totals: UsageTotals) -> [String] {
        [
            name, "\(totals.turns)", "\(totals.inputTokens)", "\(totals.cachedTokens)", "\(totals.outputTokens)",
            "\(totals.reasoningTokens)", "\(totals.replays)", "\(totals.compactions)", totals.dollars.map { $0 + partial(totals) } ?? "-",
        ]
    }

    private static func partial(_ totals: UsageTotals) -> String {
        totals.turnsWithoutCost > 0 ? " (\(totals.turns - totals.turnsWithoutCost) of \(totals.turns) turns)" : ""
    }

    private static func cost(_ totals: UsageTotals) -> String {
        guard let dollars = totals.dollars else { return "unknown" }
        let source = switch totals.costSource {
        case "server": "reported by the server"
        case "config": "at the configured prices"
        default: "reported by the server and at the configured prices"
        }
        return dollars + " (" + source + (totals.turnsWithoutCost > 0 ? ", \(totals.turns - totals.turnsWithoutCost) of \(totals.turns) turns" : "") + ")"
    }
}
