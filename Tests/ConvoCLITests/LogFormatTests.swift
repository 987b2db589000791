import ConvoStore
import Foundation
import Testing

@testable import ConvoCLI
@testable import ConvoKit

/// The template parser and renderer on their own.
@Suite struct LogFormatParserTests {
    static let entry = LogEntry(
        summary: TurnSummary(
            id: ObjectID(hex: String(repeating: "ab", count: 32))!, parent: ObjectID(hex: String(repeating: "cd", count: 32))!,
            createdAt: 1_764_000_000 - 3 * 3_600, model: "grok-4", responseID: "resp_1", status: "completed", origin: nil, stored: true,
            replay: false, inputTokens: 12, outputTokens: 9, inputLine: "Hello", outputLine: "Hi Alice"),
        shortID: "ababab", refs: ["HEAD -> main", "travel"])
    static let now: Int64 = 1_764_000_000

    func render(_ template: String, colours: Bool = false) throws -> String {
        try LogFormat.parse(template).render(LogItem(Self.entry), style: Style(enabled: colours), now: Self.now)
    }

    @Test func everyPlaceholderPrintsItsValue() throws {
        #expect(try render("%H") == String(repeating: "ab", count: 32))
        #expect(try render("%h|%p|%r|%s|%a|%m|%t") == "ababab|cdcdcdc|resp_1|Hello|Hi Alice|grok-4|21")
        #expect(try render("%d") == " (HEAD -> main, travel)")
        #expect(try render("%D") == "HEAD -> main, travel")
        #expect(try render("%cr") == "3 hours ago")
        #expect(try render("%ci") == "2025-11-24 13:00:00 +0000")
        #expect(try render("%cI") == "2025-11-24T13:00:00Z")
        #expect(try render("%ct") == "1763989200")
        #expect(try render("%P") == String(repeating: "cd", count: 32))
    }

    @Test func literalsNewlinesAndPercentSigns() throws {
        #expect(try render("100%% %s%n  → %a") == "100% Hello\n  → Hi Alice")
        #expect(try render("") == "")
        #expect(try render("no placeholders") == "no placeholders")
    }

    @Test func absentValuesAreEmpty() throws {
        var entry = Self.entry
        entry.summary.parent = nil
        entry.summary.model = nil
        entry.summary.responseID = nil
        entry.summary.inputTokens = nil
        entry.refs = []
        let text = try LogFormat.parse("[%p][%m][%r][%t][%d]").render(LogItem(entry), style: Style(enabled: true), now: Self.now)
        #expect(text == "[][][][][]")
    }

    @Test func coloursAreSGRWhenOnAndDroppedWhenOff() throws {
        #expect(try render("%C(red)%h%Creset") == "ababab")
        #expect(try render("%C(red)%h%Creset", colours: true) == "\u{1B}[31mababab\u{1B}[m")
        #expect(try render("%C(bold blue)x%Cgreen", colours: true) == "\u{1B}[1;34mx\u{1B}[32m")
        #expect(try render("%C(brightred black ul)x", colours: true) == "\u{1B}[4;91;40mx")
        #expect(try render("%C(208)x%C(reset)", colours: true) == "\u{1B}[38;5;208mx\u{1B}[m")
    }

    @Test func theOnelinePresetMatchesTheOnelineRenderingWithAndWithoutColours() throws {
        for colours in [false, true] {
            let style = Style(enabled: colours)
            let expected = style.id("ababab") + LogRenderer(style: style).decoration(Self.entry.refs) + " Hello" + style.dim("  →  ")
                + "Hi Alice"
            #expect(LogFormat.oneline.render(LogItem(Self.entry), style: style, now: 0) == expected)
        }
        #expect(try LogStyle.parse("oneline") == .template(.oneline))
    }

    @Test func unknownPlaceholdersNameThemselvesAndListTheValidOnes() {
        for (template, named) in [("%x", "%x"), ("%s %q", "%q"), ("%c", "%c"), ("%cz", "%c"), ("abc%", "%"), ("%C", "%C")] {
            #expect(throws: LogFormatError.unknownPlaceholder(named), "\(template)") { try LogFormat.parse(template) }
        }
        let message = LogFormatError.unknownPlaceholder("%x").description
        #expect(message.contains("'%x'"))
        for placeholder in ["%H", "%h", "%r", "%s", "%a", "%m", "%t", "%d", "%cr", "%ci", "%cI", "%n", "%%", "%C(<colour>)"] {
            #expect(message.contains(placeholder))
        }
    }

    @Test func badColoursAndPresetsAreErrors() {
        #expect(throws: LogFormatError.badColour("purple")) { try LogFormat.parse("%C(purple)") }
        #expect(throws: LogFormatError.badColour("")) { try LogFormat.parse("%C()") }
        #expect(throws: LogFormatError.badColour("red green blue")) { try LogFormat.parse("%C(red green blue)") }
        #expect(throws: LogFormatError.unknownPlaceholder("%C(")) { try LogFormat.parse("%C(red") }
        #expect(throws: LogFormatError.unknownPreset("fuller")) { try LogStyle.parse("fuller") }
    }

    @Test func presetsAndPrefixes() throws {
        #expect(try LogStyle.parse("medium") == .medium)
        #expect(try LogStyle.parse("format:%h") == .template(LogFormat(pieces: [.field(.shortID)])))
        #expect(try LogStyle.parse("tformat:%h") == .template(LogFormat(pieces: [.field(.shortID)])))
        #expect(try LogStyle.parse("%h %s") == .template(LogFormat(pieces: [.field(.shortID), .literal(" "), .field(.subject)])))
    }

    static let ages: [(Int64, String)] = [
        (0, "0 seconds ago"), (89, "89 seconds ago"), (90, "2 minutes ago"), (3_600, "60 minutes ago"), (5_400, "2 hours ago"),
        (86_400, "24 hours ago"), (2 * 86_400, "2 days ago"), (20 * 86_400, "3 weeks ago"), (100 * 86_400, "3 months ago"),
        (400 * 86_400, "1 year, 1 month ago"), (730 * 86_400, "2 years ago"), (3_000 * 86_400, "8 years ago"), (-10, "in the future"),
    ]

    @Test(arguments: ages)
    func relativeDatesFollowGit(age: Int64, expected: String) {
        #expect(RelativeDate.describe(1_000_000_000 - age, now: 1_000_000_000) == expected)
    }
}

/// `log --format` through the command.
@Suite struct LogFormatCommandTests {
    @Test func formatPrintsOneLinePerTurnWithTheTemplate() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("log", "--format=%h %r %m %t|%s|%a|%cI")
        #expect(result.status == 0, "\(result.err)")
        #expect(result.lines.count == 2)
        let short = String((await harness.run("rev-parse", "HEAD").out).prefix(7))
        #expect(result.lines[0] == "\(short) resp_a2 grok-4 36|What's my name?|Your name is Alice.|2026-11-20T10:01:00Z")
        #expect(result.lines[1].hasSuffix(" resp_a1 grok-4 21|Hello, my name is Alice. Remember this.|Hello Alice! I will remember that.|2026-11-20T10:00:00Z"))
    }

    @Test func prettyAndFormatOnelineEqualOneline() async throws {
        let harness = try await Harness.withHistory()
        let oneline = await harness.run("log", "--oneline", "--all").out
        #expect(await harness.run("log", "--format=oneline", "--all").out == oneline)
        #expect(await harness.run("log", "--pretty=oneline", "--all").out == oneline)
        #expect(await harness.run("log", "--pretty=format:%h%d %s  →  %a", "--all").out == oneline)
        #expect(await harness.run("log", "--format=medium").out == (await harness.run("log").out))
    }

    @Test func formatWorksWithGraphAndContinuesTheColumnsOnLaterLines() async throws {
        let harness = try await Harness.withHistory()
        let lines = await harness.run("log", "--graph", "--all", "--format=%s%n%a").lines
        #expect(lines == [
            "* Plan a trip to Rome", "| Day 1: the Colosseum.",
            "| * What's my name?", "| | Your name is Alice.",
            "|/",
            "* Hello, my name is Alice. Remember this.", "  Hello Alice! I will remember that.",
        ])
    }

    @Test func anUnknownPlaceholderIsAUsageErrorNamingIt() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("log", "--format=%h %Q")
        #expect(result.status == 2)
        #expect(result.out.isEmpty)
        #expect(result.err.hasPrefix("error: unknown placeholder '%Q' in --format; valid: %H %h"))
        let preset = await harness.run("log", "--pretty=fuller")
        #expect(preset.status == 2)
        #expect(preset.err.contains("unknown format 'fuller'"))
    }

    @Test func jsonAndFormatCannotBeCombined() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("log", "--json", "--format=%h")
        #expect(result.status == 2)
        #expect(result.err.contains("--json cannot be combined with --oneline or --format"))
    }
}
