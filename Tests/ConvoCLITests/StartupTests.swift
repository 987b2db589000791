import ArgumentParser
import Testing

@testable import ConvoCLI

/// What keeps start-up cheap (issue 11), checked by structure rather than by time: the instruction counts
/// themselves are printed by scripts/bench-vs-git.sh.
@Suite struct StartupTests {
    /// Without an explicit name, ArgumentParser derives every subcommand's name from its type name through
    /// `String(describing:)`, whose protocol casts scan every conformance record of the binary: about 1.5 M
    /// instructions per subcommand on each run, whatever the command.
    @Test(arguments: Convo.configuration.subcommands.map { ObjectIdentifier($0) })
    func everySubcommandNamesItself(_ id: ObjectIdentifier) throws {
        let command = try #require(Convo.configuration.subcommands.first { ObjectIdentifier($0) == id })
        #expect(command.configuration.commandName != nil, "\(command) needs commandName: in its CommandConfiguration")
    }

    /// The dispatch table names each subcommand as ArgumentParser does, so `convo NAME` reaches the same command.
    @Test func theDirectTableNamesEachSubcommandAsTheParserDoes() {
        for command in Convo.commands {
            #expect(command.name == command.type._commandName)
        }
    }

    /// A line that parses as the subcommand alone parses to the same command, with the same values, as
    /// through the whole tree.
    @Test(arguments: [
        ["log"], ["log", "-n", "20"], ["log", "-n20", "--oneline", "--all"], ["log", "--format=%h %s", "main"],
        ["log", "--graph", "--color=always", "--no-pager"], ["status"], ["status", "--json"], ["show", "HEAD~1"],
        ["branch", "-m", "a", "b"], ["say", "hello", "there"], ["say", "--", "-n", "x"], ["search", "--all", "word"],
        ["config", "model", "grok-4"], ["checkout", "-b", "x"], ["rev-parse", "HEAD"], ["import", "-"],
        ["export", "--all"], ["gc", "--prune=now"], ["completion", "zsh"], ["init"], ["fsck"], ["reflog"],
        ["diff", "a", "b"], ["fetch", "resp_1"],
    ])
    func aLineThatParsesAloneMeansTheSame(_ arguments: [String]) throws {
        let alone = try #require(Convo.parseAlone(arguments), "\(arguments) should parse alone")
        let whole = try Convo.parseAsRoot(arguments)
        #expect(type(of: alone) == type(of: whole))
        #expect(String(reflecting: alone) == String(reflecting: whole))
    }

    /// Help, version, completion requests, errors and anything not a subcommand go through the whole tree,
    /// which alone knows how to answer them.
    @Test(arguments: [
        ["--version"], ["--help"], ["help", "log"], ["log", "--help"], ["log", "-h"], ["log", "--version"],
        ["log", "-n", "-1"], ["log", "--graph", "--reverse"], ["log", "--nonsense"], ["log", "a", "b"],
        ["log", "--generate-completion-script", "bash"], ["--generate-completion-script", "zsh"], ["nosuch"],
        ["---completion", "log", "--", "positional@0", "0", "0"], ["checkout"], [],
    ])
    func everythingElseGoesThroughTheWholeTree(_ arguments: [String]) {
        #expect(Convo.parseAlone(arguments) == nil)
    }

    /// The common lines read by hand (`CommonLines`): every shape of `log` with `-n`, `--oneline`, `--all`,
    /// `--graph`, `--no-pager` and a revision in any order, and `status`, parse to the same command with the same
    /// values as through ArgumentParser (reflecting every property, so one the hand reader forgot to set differs).
    static let commonLines: [[String]] = {
        var lines: [[String]] = [["status"], ["status", "--json"]]
        let flags = ["--oneline", "--all", "--graph", "--no-pager"]
        let counts: [[String]] = [[], ["-n", "20"], ["-n20"], ["-n", "0"], ["-n", "007"], ["-n1"]]
        let revisions: [[String]] = [[], ["HEAD~1"], ["main"], ["resp_1"], ["@{2}"]]
        for subset in 0..<(1 << flags.count) {
            let chosen = flags.indices.filter { subset & (1 << $0) != 0 }.map { flags[$0] }
            for count in counts {
                for revision in revisions {
                    lines.append(["log"] + chosen + count + revision)
                    lines.append(["log"] + revision + count + chosen.reversed())
                }
            }
        }
        // `say` with a message and the options a script passes most.
        let sayFlags: [[String]] = [["--no-stream"], ["--stream"], ["--json"], ["--no-store"], ["--replay"], ["--model", "grok-3-mini"]]
        let messages: [[String]] = [[], ["hello"], ["What's", "my", "name?"], ["help"], ["log", "status"], ["a--b", "x-"], ["ünïcode ✓"]]
        for subset in 0..<(1 << sayFlags.count) where !(subset & 0b11 == 0b11) {
            let chosen = sayFlags.indices.filter { subset & (1 << $0) != 0 }.flatMap { sayFlags[$0] }
            for message in messages {
                lines.append(["say"] + chosen + message)
                lines.append(["say"] + message + chosen)
            }
        }
        return lines
    }()

    @Test func theCommonLinesReadByHandMeanWhatArgumentParserReads() throws {
        for arguments in Self.commonLines {
            let common = try #require(CommonLines.parse(arguments), "\(arguments) should be read by hand")
            let whole = try Convo.parseAsRoot(arguments)
            #expect(type(of: common) == type(of: whole))
            #expect(String(reflecting: common) == String(reflecting: whole), "\(arguments)")
        }
    }

    /// Lines with a repeated or unknown word, a bad count, help or completion requests are left to ArgumentParser.
    @Test(arguments: [
        ["log", "-n", "-1"], ["log", "-n"], ["log", "-nx"], ["log", "-n", "\u{663}"], ["log", "-n", "+5"],
        ["log", "-n", "99999999999999999999"], ["log", "--all", "--all"], ["log", "-n", "5", "-n", "6"], ["log", "-n5", "-n6"],
        ["log", "a", "b"], ["log", "--help"], ["log", "-h"], ["log", "--json"], ["log", "--"], ["log", ""],
        ["log", "--reverse"], ["log", "--version"], ["log", "--generate-completion-script", "bash"], ["status", "--color=always"],
        ["status", "x"], ["status", "--json", "--json"], ["show"], [],
        ["say", "-"], ["say", "--", "hello"], ["say", "-5", "degrees"], ["say", "--stream", "--no-stream", "x"], ["say", "--json", "--json"],
        ["say", "--model"], ["say", "--model", "--json"], ["say", "--model=grok", "x"], ["say", "--model", "a", "--model", "b"],
        ["say", "-b", "x", "hi"], ["say", "--help"], ["say", "-h"], ["say", "--new", "hi"], ["say", "--at", "HEAD~1", "hi"],
        ["say", "--regenerate"], ["say", "-a", "f.txt", "hi"], ["say", "--temperature", "0.5", "hi"], ["say", "--version"],
    ])
    func otherLinesAreLeftToArgumentParser(_ arguments: [String]) {
        #expect(CommonLines.parse(arguments) == nil)
    }

    /// `convo --version` is answered before the command tree is built, with what ArgumentParser prints.
    @Test func versionIsAnsweredAsArgumentParserAnswersIt() async throws {
        let harness = try Harness()
        let result = await harness.run("--version")
        #expect(result.status == 0)
        #expect(result.out == Convo.fullMessage(for: CleanExit.message(Convo.configuration.version)) + "\n")
        #expect(result.out == "\(Convo.version)\n")
        #expect(Convo.version == Convo.configuration.version)
    }
}
