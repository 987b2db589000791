import Foundation
import Testing

extension BinaryRunner {
    /// Runs `convo` with its standard streams on a pseudo-terminal (util-linux `script`), as in a person's shell.
    /// `out` is what the terminal showed (stdout and stderr together, with CRLF line ends).
    func runOnTerminal(_ arguments: [String], variables: [String: String] = [:]) throws -> Result {
        let convo = Self.productsFolder.appendingPathComponent("convo").path
        let command = ([convo] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }.joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = folder
        var environment = self.environment.merging(variables) { $1 }
        environment["NO_COLOR"] = variables["NO_COLOR"]
        environment["TERM"] = "xterm"
        process.environment = environment
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        try input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, out: String(decoding: out, as: UTF8.self), err: "")
    }

    /// The text of a file in the folder, or nil.
    func read(_ name: String) -> String? { try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) }
}

/// The real pager: `/bin/sh -c "$CONVO_PAGER"` started by the built binary on a terminal.
@Suite(.serialized) struct PagerBinaryTests {
    func repository(turns: Int = 3) throws -> BinaryRunner {
        let shell = try BinaryRunner()
        try shell.run("init")
        try shell.write("t.jsonl", (0..<turns).map { #"{"input":"question \#($0)","output":"answer \#($0)","created_at":"2026-11-20T10:00:00Z"}"# })
        let imported = try shell.run("import", "t.jsonl")
        precondition(imported.status == 0, imported.err)
        return shell
    }

    @Test func onATerminalLogGoesThroughThePagerWithColoursAndLESS() throws {
        let shell = try repository()
        defer { shell.cleanUp() }
        let result = try shell.runOnTerminal(
            ["log", "--oneline"], variables: ["CONVO_PAGER": #"cat > paged.txt; printf '%s' "$LESS" > less.txt"#])
        #expect(result.status == 0, "\(result.out)")
        #expect(!result.out.contains("question"), "nothing bypasses the pager: \(result.out)")
        let paged = try #require(shell.read("paged.txt"))
        #expect(paged.split(separator: "\n").count == 3)
        #expect(paged.contains("\u{1B}[33m"), "auto colours when the pager shows them on the terminal")
        #expect(paged.contains("question 2  →") || paged.contains("question 2\u{1B}[2m  →"))
        #expect(shell.read("less.txt") == "FRX")
    }

    @Test func thePagerRunsInTheForegroundSoItCanReadTheKeyboard() throws {
        let shell = try repository()
        defer { shell.cleanUp() }
        // A pager outside the terminal's foreground process group would be stopped when it reads keys.
        let result = try shell.runOnTerminal(["log"], variables: ["CONVO_PAGER": "ps -o tpgid=,pgid= -p $$ > groups.txt; cat > /dev/null"])
        #expect(result.status == 0, "\(result.out)")
        let groups = try #require(shell.read("groups.txt")).split(separator: " ", omittingEmptySubsequences: true).map {
            $0.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(groups.count == 2 && groups[0] == groups[1], "terminal's foreground group, pager's group: \(groups)")
    }

    @Test func quittingThePagerEarlyIsNotAnError() throws {
        let shell = try repository(turns: 3_000)
        defer { shell.cleanUp() }
        for pager in ["head -c 100 > /dev/null", "exec 0<&-; sleep 0.2", "true"] {
            let result = try shell.runOnTerminal(["log"], variables: ["CONVO_PAGER": pager])
            #expect(result.status == 0, "\(pager): \(result.status)")
            #expect(result.out.isEmpty, "\(pager): \(result.out)")
        }
    }

    @Test func noPagerPrintsOnTheTerminalAndPipesAreNeverPaged() throws {
        let shell = try repository()
        defer { shell.cleanUp() }
        let variables = ["CONVO_PAGER": "cat > paged.txt"]
        for arguments in [["--no-pager", "log", "--oneline"], ["log", "--oneline", "--no-pager"], ["show", "--no-pager"]] {
            let result = try shell.runOnTerminal(arguments, variables: variables)
            #expect(result.status == 0)
            #expect(result.out.contains("question 2"), "\(arguments)")
            #expect(shell.read("paged.txt") == nil, "\(arguments)")
        }
        var piped = shell
        piped.environment["CONVO_PAGER"] = "cat > paged.txt"
        let result = try piped.run("log", "--oneline")
        #expect(result.lines.count == 3)
        #expect(shell.read("paged.txt") == nil)
    }

    @Test func aPagerThatCannotBeFoundLeavesTheOutputOnTheTerminal() throws {
        let shell = try repository()
        defer { shell.cleanUp() }
        let result = try shell.runOnTerminal(["log", "--oneline"], variables: ["CONVO_PAGER": "no-such-pager-here -x"])
        #expect(result.status == 0, "\(result.out)")
        #expect(result.out.contains("warning: cannot run the pager 'no-such-pager-here'"))
        #expect(result.out.contains("question 2"))
        // With shell syntax the shell runs it, reports it, and convo still exits 0 (as git does).
        #expect(try shell.runOnTerminal(["show"], variables: ["CONVO_PAGER": "no-such-pager-here > /dev/null"]).status == 0)
    }
}
