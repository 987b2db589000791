import Foundation
import ResponsesAPI

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a helper command (`api_key_command`) ended.
public enum CommandOutcome: Sendable, Equatable {
    /// It exited (a signal `s` reads as status 128 + s) after printing `output` on stdout.
    case exited(status: Int32, output: Data)
    /// It was still running at the deadline; its whole process group was killed.
    case timedOut
    /// It could not be started.
    case failedToStart(String)
}

/// Runs helper commands: the part of the outside world that is other programs. Tests inject one.
public struct CommandRunner: Sendable {
    /// Runs `command` with `/bin/sh -c` in `variables`, stdin and stderr on `/dev/null`, reading stdout, for at
    /// most `timeout`.
    public var run: @Sendable (_ command: String, _ variables: [String: String], _ timeout: Duration) -> CommandOutcome
    /// Runs the editor setting `editor` (which may carry arguments, `code --wait`) on `file` with the terminal,
    /// in `variables` and `folder`, and returns its exit status; throws when it cannot be started.
    public var edit: @Sendable (_ editor: String, _ file: String, _ variables: [String: String], _ folder: String) throws -> Int32

    /// Creates a runner.
    public init(
        run: @escaping @Sendable (_ command: String, _ variables: [String: String], _ timeout: Duration) -> CommandOutcome,
        edit: @escaping @Sendable (_ editor: String, _ file: String, _ variables: [String: String], _ folder: String) throws -> Int32
            = CommandRunner.editLive
    ) {
        self.run = run
        self.edit = edit
    }

    /// Real processes: the command runs in a process group of its own, so that at the deadline it is killed
    /// with everything it started (`pass` → `gpg` → a pinentry).
    public static let live = CommandRunner { command, variables, timeout in
        ShellProcess.run(command, variables: variables, timeout: timeout)
    }

    /// The real editor, through `/bin/sh` so that its setting may carry arguments.
    public static let editLive: @Sendable (String, String, [String: String], String) throws -> Int32 = { editor, file, variables, folder in
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // The file goes in as "$1", never spliced into the script.
        process.arguments = ["-c", "\(editor) \"$1\"", "sh", file]
        process.environment = variables
        process.currentDirectoryURL = URL(fileURLWithPath: folder)
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }
}

/// The API keys a process has resolved; the redaction of messages and stored errors reads them.
public final class SecretKeeper: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets = Set<String>()

    /// An empty keeper.
    public init() {}

    /// Remembers a secret (a key, or the whole output of the command that printed it).
    public func remember(_ secret: String) {
        guard !secret.isEmpty else { return }
        lock.withLock { _ = secrets.insert(secret) }
    }

    /// A redactor for the remembered secrets and `extra` ones.
    public func redactor(adding extra: [String]) -> Redactor {
        Redactor(secrets: lock.withLock { secrets }.union(extra.filter { !$0.isEmpty }))
    }
}

/// `/bin/sh -c COMMAND` with a deadline, through `posix_spawn` so that the child gets its own process group.
enum ShellProcess {
    /// The most of a command's output kept; a key is far shorter.
    static let outputLimit = 1 << 20

    static func run(_ command: String, variables: [String: String], timeout: Duration) -> CommandOutcome {
        // Both ends close on exec, so that no other program started meanwhile (by another thread) holds the
        // write end and keeps the output from ending; the child gets its stdout through dup2, which clears it.
        // (Glibc's pipe2 is not visible to Swift; the window between pipe and fcntl is tiny.)
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return .failedToStart("no pipe: \(String(cString: strerror(errno)))") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let readEnd = fds[0], writeEnd = fds[1]

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, writeEnd, 1)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setpgroup(&attributes, 0)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGINT, SIGTERM, SIGHUP] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF))

        // The key is never an argument: only the command itself is.
        let words: [String] = ["/bin/sh", "-c", command]
        var arguments: [UnsafeMutablePointer<CChar>?] = words.map { word in word.withCString { strdup($0) } }
        var environment: [UnsafeMutablePointer<CChar>?] = variables.map { name, value in
            "\(name)=\(value)".withCString { strdup($0) }
        }
        defer {
            for pointer in arguments { free(pointer) }
            for pointer in environment { free(pointer) }
        }
        arguments.append(nil)
        environment.append(nil)
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &arguments, &environment)
        close(writeEnd)
        guard spawned == 0 else {
            close(readEnd)
            return .failedToStart(String(cString: strerror(spawned)))
        }

        let deadline = ContinuousClock.now + timeout
        func millisecondsLeft() -> Int32 {
            let left = (deadline - .now).components
            let milliseconds = left.seconds * 1000 + left.attoseconds / 1_000_000_000_000_000 + 1
            return Int32(clamping: max(0, milliseconds))
        }
        var output = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        var timedOut = false
        while true {
            let left = millisecondsLeft()
            guard left > 0, ContinuousClock.now < deadline else {
                timedOut = true
                break
            }
            var poller = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, left)
            if ready < 0, errno == EINTR { continue }
            if ready == 0 { continue }
            if ready < 0 { break }
            let count = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
            if count > 0 {
                if output.count < outputLimit { output.append(contentsOf: buffer[0..<count]) }
                continue
            }
            if count < 0, errno == EINTR { continue }
            break
        }
        close(readEnd)

        var status: Int32 = 0
        while !timedOut {
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid { return .exited(status: exitStatus(status), output: output) }
            if reaped < 0, errno != EINTR { return .exited(status: -1, output: output) }
            if ContinuousClock.now >= deadline {
                timedOut = true
                break
            }
            // The shell closed its output but has not exited yet: it is about to, or it hangs until the deadline.
            usleep(2_000)
        }
        kill(-pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        return .timedOut
    }

    /// The exit status of a `waitpid` status word; a signal `s` reads as 128 + s, as in a shell.
    private static func exitStatus(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
