import ArgumentParser
import ConvoKit
import Foundation

/// The entry point of the `convo` executable.
public enum ConvoMain {
    /// Runs the process's arguments in the real environment and exits with the command's status.
    public static func main() async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if arguments == ["--version"] {
            // Before the environment is read (every variable into a dictionary): issue 11's target for the whole
            // `convo --version` is 5 M instructions, and the process start alone is most of it. `run` answers
            // the same line the same way for tests.
            TextSink.fileDescriptor(1).write(Convo.version + "\n")
            exit(ExitStatus.ok.rawValue)
        }
        let bytes = ArgumentEncoding.processArguments()
        if let bad = ArgumentEncoding.firstInvalid(bytes) {
            FileHandle.standardError.write(Data((ArgumentEncoding.message(bytes, bad) + "\n").utf8))
            exit(ExitStatus.invalidInput.rawValue)
        }
        let status = await run(arguments, environment: .live())
        exit(status)
    }

    /// Runs one command line in `environment` and returns its exit status. Tests call this in-process.
    public static func run(_ arguments: [String], environment: ConvoEnvironment) async -> Int32 {
        var environment = environment
        var arguments = arguments
        var pagerAllowed = true
        // git's global options before the subcommand: `-C <dir>` (repeatable, each relative to the previous)
        // and `--no-pager` / `-P`.
        while let first = arguments.first, ["-C", "--no-pager", "-P"].contains(first) {
            if first != "-C" {
                pagerAllowed = false
                arguments.removeFirst()
                continue
            }
            guard arguments.count >= 2 else {
                environment.errors.line("error: option -C needs a folder")
                return ExitStatus.usage.rawValue
            }
            environment.workingDirectory = environment.path(arguments[1]).path
            environment.directoryGiven = true
            arguments.removeFirst(2)
        }
        if arguments.first == ManualPage.option {
            return ManualPage.write(arguments.dropFirst(), environment: environment).rawValue
        }
        if arguments == ["--version"] {
            // What ArgumentParser would print, without building the command tree (issue 11).
            environment.output.write(Convo.version + "\n")
            return ExitStatus.ok.rawValue
        }
        do {
            if let command = Convo.parseAlone(arguments) {
                try await command.run(CommandContext(environment: environment, pagerAllowed: pagerAllowed))
                return ExitStatus.ok.rawValue
            }
            var command = try DynamicCompletion.$environment.withValue(environment) { try Convo.parseAsRoot(arguments) }
            if let command = command as? any ConvoCommand {
                try await command.run(CommandContext(environment: environment, pagerAllowed: pagerAllowed))
            } else {
                // --help, --version and the like.
                try command.run()
            }
            return ExitStatus.ok.rawValue
        } catch {
            return report(error, environment: environment)
        }
    }

    static func report(_ error: Error, environment: ConvoEnvironment) -> Int32 {
        if let status = error as? CommandExit {
            return status.status.rawValue
        }
        let code = Convo.exitCode(for: error)
        if code == .success {
            environment.output.write(Convo.fullMessage(for: error) + "\n")
            return ExitStatus.ok.rawValue
        }
        if let status = ExitStatus.of(error) {
            // Typed errors quote stored and server text: no key gets out (a server's echo, an HTTP library's
            // description), and control characters are shown, as CommandContext.note does.
            environment.errors.line(VisibleText.block(environment.redact("error: \(error)")))
            return status.rawValue
        }
        // ArgumentParser's own errors (and ValidationError) are usage; any other error is not the user's
        // arguments, so it is a plain failure, never the usage code.
        environment.errors.line(Convo.fullMessage(for: error).replacingOccurrences(of: "Error: ", with: "error: "))
        return code == .validationFailure ? ExitStatus.usage.rawValue : ExitStatus.failure.rawValue
    }
}

/// Ends a command with a status after it printed its own explanation (e.g. fsck found problems).
struct CommandExit: Error {
    var status: ExitStatus
}
