import ConvoKit
import Foundation
import Testing

private let escape = "\u{1B}["

/// `--color`, NO_COLOR and TERM=dumb on every command that colours.
@Suite struct ColourTests {
    @Test(arguments: [["log", "--oneline"], ["log"], ["show"], ["branch"], ["reflog"], ["status"]])
    func colorAlwaysColoursThroughAPipeAndNeverAndAutoDoNot(command: [String]) async throws {
        let harness = try await Harness.withHistory()
        let always = await harness.run(arguments: command + ["--color=always"])
        #expect(always.status == 0, "\(always.err)")
        #expect(always.out.contains(escape), "\(command) --color=always")
        let never = await harness.run(arguments: command + ["--color", "never"])
        #expect(!never.out.contains(escape) && !never.out.isEmpty)
        let auto = await harness.run(arguments: command)
        #expect(!auto.out.contains(escape), "auto: stdout is not a terminal")
        #expect(never.out == auto.out)
    }

    @Test func autoColoursATerminalUnlessNOCOLORorTERMdumb() async throws {
        let harness = try await Harness.withHistory()
        harness.outputIsTerminal = true
        #expect(await harness.run("branch").out.contains(escape))
        harness.variables["NO_COLOR"] = "1"
        #expect(!(await harness.run("branch").out.contains(escape)))
        #expect(await harness.run("branch", "--color=always").out.contains(escape), "--color=always wins over NO_COLOR")
        harness.variables = ["TERM": "dumb"]
        #expect(!(await harness.run("branch").out.contains(escape)))
        harness.variables = [:]
        #expect(!(await harness.run("branch", "--color=never").out.contains(escape)))
    }

    @Test func jsonNeverHasColours() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("log", "--json", "--color=always")
        #expect(result.status == 0)
        #expect(!result.out.contains(escape))
    }

    @Test func aBadColorValueIsAUsageError() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("log", "--color=sometimes")
        #expect(result.status == 2)
        #expect(result.err.hasPrefix("error: "))
        #expect(result.err.contains("sometimes") && result.err.contains("auto") && result.err.contains("never"))
    }
}

/// The pager, with the environment's launcher replaced by a recorder (the real one is tested end to end).
@Suite struct PagerTests {
    func terminalHarness() async throws -> Harness {
        let harness = try await Harness.withHistory()
        harness.outputIsTerminal = true
        return harness
    }

    @Test func logAndShowPageThroughLessFRXOnATerminalWithColours() async throws {
        let harness = try await terminalHarness()
        for command in [["log"], ["log", "--oneline"], ["show", "HEAD~1"]] {
            let result = await harness.run(arguments: command)
            #expect(result.status == 0)
            #expect(result.out.isEmpty, "\(command): everything goes to the pager")
            #expect(result.pager?.command == "less -FRX")
            #expect(result.pager?.variables["LESS"] == "FRX" && result.pager?.variables["LV"] == "-c")
            #expect(result.pager?.finished == true, "convo waits for the pager")
            #expect(result.paged.contains(escape), "auto colours, as the pager shows them on the terminal")
            #expect(result.paged.contains("Hello, my name is Alice."))
        }
    }

    @Test func thePagedTextIsTheTextThatWouldHaveBeenPrinted() async throws {
        let harness = try await terminalHarness()
        // Wide enough that no line is cut to the terminal's width (LogWidthTests), which a pipe never is.
        harness.terminalWidth = 500
        let paged = await harness.run("log", "--oneline", "--color=never").paged
        harness.outputIsTerminal = false
        #expect(paged == (await harness.run("log", "--oneline").out))
    }

    @Test func convoPagerWinsOverPagerAndLessKeepsTheUsersSettings() async throws {
        let harness = try await terminalHarness()
        harness.variables = ["PAGER": "more", "LESS": "-S"]
        let viaPager = await harness.run("log")
        #expect(viaPager.pager?.command == "more")
        #expect(viaPager.pager?.variables["LESS"] == "-S")
        harness.variables["CONVO_PAGER"] = "most -s"
        #expect(await harness.run("log").pager?.command == "most -s")
    }

    @Test(arguments: [
        (["log"], ["CONVO_PAGER": ""]), (["log"], ["CONVO_PAGER": "cat"]), (["log"], ["PAGER": " cat "]), (["log", "--no-pager"], [:]),
        (["--no-pager", "log"], [:]), (["-P", "show"], [:]), (["-C", ".", "--no-pager", "show"], [:]), (["show", "--no-pager"], [:]),
        (["show", "--json"], [:]), (["log", "--json"], [:]), (["status"], [:]), (["branch"], [:]),
    ])
    func noPagerWhenTheChoiceIsEmptyOrCatOrRefusedOrTheOutputIsForPrograms(arguments: [String], variables: [String: String]) async throws {
        let harness = try await terminalHarness()
        harness.variables = variables
        let result = await harness.run(arguments: arguments)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.pager == nil)
        #expect(!result.out.isEmpty)
    }

    @Test func noPagerWhenStdoutIsNotATerminal() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("log")
        #expect(result.pager == nil)
        #expect(result.out.contains("Hello, my name is Alice."))
    }

    @Test func aPlainPagerCommandWhoseProgramIsMissingIsFoundBeforeTheShellRunsIt() {
        let installed: Set = ["/usr/bin/less", "/opt/bin/most"]
        func missing(_ command: String, _ path: String? = "/usr/bin:/bin") -> String? {
            PagerChoice.missingProgram(command, path: path, isExecutable: installed.contains)
        }
        #expect(missing("less -FRX") == nil)
        #expect(missing("most -s") == "most")
        #expect(missing("most -s", "/usr/bin:/opt/bin") == nil)
        #expect(missing("/opt/bin/most") == nil && missing("/usr/bin/most") == "/usr/bin/most")
        #expect(missing("nosuch > file") == nil, "shell syntax is the shell's business")
        #expect(missing("exec less") == nil)
    }

    @Test func anErrorIsReportedWithoutStartingThePager() async throws {
        let harness = try await terminalHarness()
        let result = await harness.run("show", "nosuchturn")
        #expect(result.status == 4)
        #expect(result.pager == nil)
        #expect(result.err.hasPrefix("error: no turn matches 'nosuchturn'"))
    }
}
