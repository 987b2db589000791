import Foundation

/// A running pager: what a command prints goes to `input`; `finish` closes it and waits for the pager.
public struct PagerSession: Sendable {
    /// The pager's standard input.
    public var input: TextSink
    /// Closes the pager's input and waits until the user quits it.
    public var finish: @Sendable () -> Void

    /// Creates a session.
    public init(input: TextSink, finish: @escaping @Sendable () -> Void) {
        self.input = input
        self.finish = finish
    }
}

/// Starts pagers. The live one runs `/bin/sh -c COMMAND` with its standard input a pipe and its output
/// the terminal; tests inject one that records what would have been paged.
public struct PagerLauncher: Sendable {
    /// Starts `command` with exactly `variables` as its environment.
    public var start: @Sendable (_ command: String, _ variables: [String: String]) throws -> PagerSession

    /// Creates a launcher.
    public init(start: @escaping @Sendable (_ command: String, _ variables: [String: String]) throws -> PagerSession) {
        self.start = start
    }

    /// The real thing. While the pager runs, SIGPIPE is ignored (quitting the pager early makes the remaining
    /// writes fail quietly instead of killing convo) and so is SIGINT (Ctrl-C is the pager's, as with git).
    ///
    /// Spawned with `posix_spawn` rather than Foundation's `Process`, which puts the child in a process group of
    /// its own: there, a pager reading the keyboard would be stopped (SIGTTIN) as a background job.
    public static let live = PagerLauncher { command, variables in
        if let missing = PagerChoice.missingProgram(command, path: variables["PATH"], isExecutable: { access($0, X_OK) == 0 }) {
            throw PagerError.notFound(missing)
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw PagerError.spawn(command, errno) }
        let (reader, writer) = (fds[0], fds[1])
        _ = fcntl(writer, F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, reader, 0)
        posix_spawn_file_actions_addclose(&actions, reader)
        let words: [String] = ["sh", "-c", command]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, envp)
        close(reader)
        guard spawned == 0 else {
            close(writer)
            throw PagerError.spawn(command, spawned)
        }
        // Only after the spawn, so that the pager itself does not inherit ignored signals.
        signal(SIGPIPE, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let handle = FileHandle(fileDescriptor: writer, closeOnDealloc: false)
        let child = pid
        return PagerSession(input: .fileHandle(handle)) {
            close(writer)
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            signal(SIGPIPE, SIG_DFL)
            signal(SIGINT, SIG_DFL)
        }
    }
}

/// The pager could not be started.
public enum PagerError: Error, CustomStringConvertible {
    /// `posix_spawn` or `pipe` failed with this errno.
    case spawn(String, Int32)
    /// The pager's program is not on PATH.
    case notFound(String)

    public var description: String {
        switch self {
        case .spawn(let command, let code): "cannot run the pager '\(command)': \(String(cString: strerror(code)))"
        case .notFound(let program): "cannot run the pager '\(program)': not found on PATH (set CONVO_PAGER or PAGER)"
        }
    }
}

/// Which pager to run, as git chooses it.
public enum PagerChoice {
    /// `CONVO_PAGER`, else `PAGER`, else `less -FRX`; nil when the choice is empty or `cat` (no pager).
    public static func command(_ variables: [String: String]) -> String? {
        let command = variables["CONVO_PAGER"] ?? variables["PAGER"] ?? "less -FRX"
        let trimmed = command.trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty || trimmed == "cat" ? nil : command
    }

    /// For a plain command (words without shell syntax, like `less -FRX`), its program when it cannot be found,
    /// so that convo prints without a pager instead of losing the output to a shell that cannot run it (as git
    /// does when it cannot start its pager). Commands with shell syntax are left to the shell.
    public static func missingProgram(_ command: String, path: String?, isExecutable: (String) -> Bool) -> String? {
        let metacharacters = Set("|&;<>()$`\\\"'*?[#~=%")
        guard !command.contains(where: metacharacters.contains),
            let program = command.split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init)
        else { return nil }
        if ["exec", "command", "eval", ":", "true", "false"].contains(program) { return nil }  // shell builtins
        if program.contains("/") { return isExecutable(program) ? nil : program }
        let folders = (path ?? "/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false).map { $0.isEmpty ? "." : String($0) }
        return folders.contains { isExecutable("\($0)/\(program)") } ? nil : program
    }

    /// The pager's environment: convo's, with `LESS=FRX` and `LV=-c` when unset, as git sets them.
    public static func variables(_ variables: [String: String]) -> [String: String] {
        var result = variables
        if result["LESS"] == nil { result["LESS"] = "FRX" }
        if result["LV"] == nil { result["LV"] = "-c" }
        return result
    }
}
