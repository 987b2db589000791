import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A program started on a pseudo-terminal of its own, as in a person's terminal window: it is a session leader
/// with the terminal as its controlling terminal (so job control, Ctrl-Z, SIGWINCH and hang-ups reach it), the
/// test types with ``send(_:)`` and waits for what the program shows with ``expect(_:timeout:)``.
///
/// Everything the program writes is drained on a thread of its own, so a program printing a lot never blocks
/// on a full terminal while the test is typing. ``close()`` kills the program if it still runs and reaps it.
final class PseudoTerminal: @unchecked Sendable {
    /// The program's process id.
    let pid: pid_t
    private var master: Int32
    /// The terminal's own end, kept open to read its modes (and so the terminal outlives a program that exits).
    private var slave: Int32
    private var wake: (read: Int32, write: Int32)
    private let condition = NSCondition()
    // Guarded by `condition`.
    private var received = Data()
    private var readerDone = false
    private var exitStatus: Int32?
    /// Where the next ``expect(_:timeout:)`` starts looking in `received`.
    private var matchedUpTo = 0
    private var reader: Thread?

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Starts `executable` on a new terminal of `rows` × `columns` in `folder`, with exactly `environment`.
    init(
        _ executable: String, _ arguments: [String], in folder: URL? = nil, environment: [String: String], rows: UInt16 = 24,
        columns: UInt16 = 80
    ) throws {
        var master: Int32 = -1, slave: Int32 = -1
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else { throw Failure(description: "openpty: \(String(cString: strerror(errno)))") }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        var pipeEnds: [Int32] = [-1, -1]
        guard pipe(&pipeEnds) == 0, let name = ttyname(slave) else { throw Failure(description: "pipe: \(String(cString: strerror(errno)))") }
        pipeEnds.forEach { _ = fcntl($0, F_SETFD, FD_CLOEXEC) }
        let path = String(cString: name)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened (not inherited) after setsid, the terminal becomes the new session's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, path, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        // Nothing else of the test process (other tests' pipes) leaks into the program. Both are glibc
        // extensions its headers show to _GNU_SOURCE only, so they are looked up by name.
        if let closeFrom = Self.glibc("posix_spawn_file_actions_addclosefrom_np", as: CloseFrom.self) { _ = closeFrom(&actions, 3) }
        if let folder, let changeDirectory = Self.glibc("posix_spawn_file_actions_addchdir_np", as: ChangeDirectory.self) {
            _ = changeDirectory(&actions, folder.path)
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The test runner may block or ignore signals; the program starts with the defaults, as from a shell.
        var all = sigset_t()
        sigfillset(&all)
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // 0x80 is POSIX_SPAWN_SETSID (glibc; its header shows it to _GNU_SOURCE only).
        posix_spawnattr_setflags(&attributes, 0x80 | Int16(POSIX_SPAWN_SETSIGMASK) | Int16(POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { (argv + envp).forEach { free($0) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        guard spawned == 0 else {
            [master, slave, pipeEnds[0], pipeEnds[1]].forEach { _ = Glibc.close($0) }
            throw Failure(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        self.pid = pid
        self.master = master
        self.slave = slave
        self.wake = (pipeEnds[0], pipeEnds[1])
        let reader = Thread { [self] in drain() }
        self.reader = reader
        reader.start()
        Thread.detachNewThread { [self] in reap() }
    }

    deinit { close() }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32

    private static func glibc<Function>(_ name: String, as type: Function.Type) -> Function? {
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    /// Types `text` (bytes as they are: "\r" is Enter, "\u{3}" Ctrl-C, "\u{1B}[A" the up arrow).
    func send(_ text: String) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(master, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                return
            }
            bytes = bytes.dropFirst(written)
        }
    }

    /// Waits until the program has shown `text` after the previous match; returns what it showed up to the match.
    /// Fails (never hangs) when `timeout` passes first, naming what it saw.
    @discardableResult
    func expect(_ text: String, timeout: TimeInterval = 20) throws -> String {
        let deadline = Date(timeIntervalSinceNow: timeout)
        let wanted = Data(text.utf8)
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let range = received.range(of: wanted, in: matchedUpTo..<received.count) {
                let shown = String(decoding: received[matchedUpTo..<range.upperBound], as: UTF8.self)
                matchedUpTo = range.upperBound
                return shown
            }
            if readerDone || !condition.wait(until: deadline) {
                let seen = String(decoding: received[matchedUpTo...], as: UTF8.self)
                throw Failure(description: "the terminal never showed \(text.debugDescription); after the last match it showed \(seen.debugDescription)")
            }
        }
    }

    /// Everything shown since the program started.
    var shown: String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: received, as: UTF8.self)
    }

    /// The terminal's local modes now (ICANON and ECHO are set in its ordinary, cooked mode).
    var localModes: tcflag_t {
        var modes = termios()
        tcgetattr(slave, &modes)
        return modes.c_lflag
    }

    /// Whether the terminal is in its ordinary mode: lines, echo and signal keys, as a shell expects it.
    var isCooked: Bool { localModes & tcflag_t(ICANON | ECHO | ISIG) == tcflag_t(ICANON | ECHO | ISIG) }

    /// Resizes the window; the kernel sends SIGWINCH to the terminal's foreground process group.
    func resize(rows: UInt16, columns: UInt16) {
        var size = winsize(ws_row: rows, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(master, UInt(TIOCSWINSZ), &size)
    }

    /// Closes the terminal as a closed window does: the program sees a hang-up.
    func hangUp() {
        stopReader()
        if master >= 0 {
            _ = Glibc.close(master)
            master = -1
        }
    }

    /// Waits for the program to exit; its wait status (as waitpid gives it), or nil when `timeout` passes first.
    func waitForExit(timeout: TimeInterval = 20) -> Int32? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        condition.lock()
        defer { condition.unlock() }
        while exitStatus == nil, condition.wait(until: deadline) {}
        return exitStatus
    }

    /// Kills the program if it still runs, reaps it, and closes the terminal.
    func close() {
        condition.lock()
        let exited = exitStatus != nil
        condition.unlock()
        if !exited {
            kill(pid, SIGKILL)
            _ = waitForExit()
        }
        hangUp()
        // Each descriptor is closed once: a second close would close another terminal's reuse of the number.
        for descriptor in [slave, wake.read, wake.write] where descriptor >= 0 { _ = Glibc.close(descriptor) }
        slave = -1
        wake = (-1, -1)
    }

    private func reap() {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        condition.lock()
        exitStatus = status
        condition.broadcast()
        condition.unlock()
    }

    private func stopReader() {
        guard let reader else { return }
        self.reader = nil
        var byte: UInt8 = 0
        _ = Glibc.write(wake.write, &byte, 1)
        condition.lock()
        while !readerDone { condition.wait() }
        condition.unlock()
        _ = reader
    }

    private func drain() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var fds = [pollfd(fd: master, events: Int16(POLLIN), revents: 0), pollfd(fd: wake.read, events: Int16(POLLIN), revents: 0)]
        while true {
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            if fds[1].revents != 0 { break }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(master, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            // EIO once the program and everything else holding the terminal are gone; POLLHUP likewise.
            guard count > 0 else { break }
            condition.lock()
            received.append(contentsOf: buffer[..<count])
            condition.broadcast()
            condition.unlock()
        }
        condition.lock()
        readerDone = true
        condition.broadcast()
        condition.unlock()
    }
}
