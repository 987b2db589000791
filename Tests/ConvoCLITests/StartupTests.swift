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
}
