import Foundation

/// What a git child process printed and how it ended.
struct GitOutput: Sendable {
    /// Its exit status (128 + s for a signal s).
    var status: Int32
    /// Its standard output.
    var out: Data
    /// Its standard error.
    var err: String
    /// Standard output as text.
    var text: String { String(decoding: out, as: UTF8.self) }
}

/// The system `git`, run as a child process on the private bare repository in `.convo/git`: git is the
/// transport (remotes, ssh and https authentication, pack negotiation), never the source of truth.
///
/// The child gets a scrubbed environment: only the variables git needs to reach a remote (PATH, HOME, ssh
/// agent, proxies, askpass) are passed, so no API key (XAI_API_KEY, CONVO_API_KEY, …) and no GIT_DIR or
/// GIT_WORK_TREE of the user's own repository ever reaches it; and no argument carries a secret.
struct Git: Sendable {
    /// The git executable.
    let executable: URL
    /// The bare repository every command runs on.
    let gitDirectory: String
    /// The child's whole environment.
    let variables: [String: String]

    /// The variables passed through from the user's environment.
    static let passedVariables: Set<String> = [
        "PATH", "HOME", "USER", "LOGNAME", "TMPDIR", "SSH_AUTH_SOCK", "SSH_AGENT_PID", "GIT_SSH", "GIT_SSH_COMMAND",
        "GIT_SSH_VARIANT", "GIT_ASKPASS", "SSH_ASKPASS", "XDG_CONFIG_HOME", "http_proxy", "https_proxy", "HTTP_PROXY",
        "HTTPS_PROXY", "no_proxy", "NO_PROXY", "ALL_PROXY", "all_proxy", "GIT_SSL_CAINFO", "GIT_SSL_CAPATH",
        "SSL_CERT_FILE", "SSL_CERT_DIR",
    ]

    /// The environment a git child gets from the user's `variables`.
    static func childVariables(_ variables: [String: String]) -> [String: String] {
        var child = variables.filter { passedVariables.contains($0.key) && !$0.key.uppercased().contains("API_KEY") }
        // English messages (errors are classified by them), no prompt that would wait on a terminal nobody
        // watches, and no system or user setting that changes what fast-import writes.
        child["LC_ALL"] = "C"
        child["LANGUAGE"] = "C"
        child["GIT_TERMINAL_PROMPT"] = "0"
        child["GIT_CONFIG_NOSYSTEM"] = "1"
        child["GIT_CONFIG_GLOBAL"] = "/dev/null"
        if child["PATH"] == nil { child["PATH"] = "/usr/local/bin:/usr/bin:/bin" }
        return child
    }

    /// Finds `git` on the PATH of `variables` (or `CONVO_GIT`); throws ``SyncError/gitNotFound`` when there is none.
    init(gitDirectory: String, variables: [String: String]) throws {
        self.gitDirectory = gitDirectory
        self.variables = Self.childVariables(variables)
        if let explicit = variables["CONVO_GIT"], !explicit.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: explicit) else { throw SyncError.gitNotFound(explicit) }
            executable = URL(fileURLWithPath: explicit)
            return
        }
        let path = variables["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for folder in path.split(separator: ":") where !folder.isEmpty {
            let candidate = "\(folder)/git"
            if FileManager.default.isExecutableFile(atPath: candidate) {
                executable = URL(fileURLWithPath: candidate)
                return
            }
        }
        throw SyncError.gitNotFound(path)
    }

    /// Starts `git --git-dir=<dir> arguments…` with three pipes.
    func start(_ arguments: [String]) throws -> (Process, FileHandle, FileHandle, FileHandle) {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--git-dir=" + gitDirectory] + arguments
        process.environment = variables
        process.currentDirectoryURL = URL(fileURLWithPath: gitDirectory)
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw SyncError.gitNotFound("\(executable.path): \(error)") }
        return (process, input.fileHandleForWriting, output.fileHandleForReading, errors.fileHandleForReading)
    }

    /// Runs git to its end, writing `input` (produced by `write`, which may stream) to its stdin while its
    /// output is read, so that neither side waits on a full pipe. With `progress`, what git writes on stderr
    /// (its progress meter, a hook's `remote:` lines) is passed on to it as it comes, and still kept for
    /// classifying a failure.
    func run(_ arguments: [String], progress: TextSink? = nil, write: (@Sendable (FileHandle) throws -> Void)? = nil) throws -> GitOutput {
        let (process, input, output, errors) = try start(arguments)
        let err = Drain(errors, forwardingTo: progress)
        let writer = Drain(nil)
        if let write {
            writer.start {
                try? write(input)
                try? input.close()
                return Data()
            }
        } else {
            try? input.close()
        }
        let out = output.readDataToEndOfFile()
        let errData = err.wait()
        _ = writer.wait()
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return GitOutput(status: status, out: out, err: String(decoding: errData, as: UTF8.self))
    }

    /// Runs git and returns its stdout, throwing ``SyncError/gitFailed(_:status:message:)`` when it fails.
    @discardableResult
    func check(_ arguments: [String], write: (@Sendable (FileHandle) throws -> Void)? = nil) throws -> GitOutput {
        let result = try run(arguments, write: write)
        guard result.status == 0 else {
            throw SyncError.gitFailed("git " + arguments.prefix(2).joined(separator: " "), status: result.status, message: result.err)
        }
        return result
    }
}

/// Reads a file handle to its end on a thread of its own (or runs any work there).
final class Drain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the thread before `done` is signalled, read only after it is.
    private var data = Data()
    private var started = false

    init(_ handle: FileHandle?, forwardingTo sink: TextSink? = nil) {
        guard let handle else { return }
        guard let sink else {
            start { handle.readDataToEndOfFile() }
            return
        }
        start {
            var all = Data()
            while true {
                let chunk = handle.availableData
                if chunk.isEmpty { return all }
                sink.write(chunk)
                all.append(chunk)
            }
        }
    }

    func start(_ work: @escaping @Sendable () -> Data) {
        started = true
        Thread.detachNewThread { [self] in
            data = work()
            done.signal()
        }
    }

    /// The bytes read (empty when nothing was started).
    func wait() -> Data {
        guard started else { return Data() }
        done.wait()
        return data
    }
}

/// One `git cat-file --batch` process: object names in, `<id> <type> <size>\n<bytes>\n` out.
final class CatFileBatch {
    private let process: Process
    private let input: FileHandle
    private let output: FileHandle
    private let errors: Drain
    private var buffer = [UInt8]()
    private var position = 0

    /// One object as git holds it.
    struct Object {
        var id: String
        var type: String
        var bytes: [UInt8]
    }

    init(_ git: Git) throws {
        let (process, input, output, errors) = try git.start(["cat-file", "--batch"])
        self.process = process
        self.input = input
        self.output = output
        self.errors = Drain(errors)
    }

    /// Asks for every name in `names` (written from a thread of its own, so that a long list never blocks on
    /// a full pipe), and returns the objects in the same order; nil for a name git does not have.
    func objects(_ names: [String]) throws -> [Object?] {
        guard !names.isEmpty else { return [] }
        let input = self.input
        let writer = Drain(nil)
        writer.start {
            var chunk = Data()
            for name in names {
                chunk.append(contentsOf: Array(name.utf8))
                chunk.append(0x0A)
                if chunk.count >= 1 << 16 {
                    try? input.write(contentsOf: chunk)
                    chunk.removeAll(keepingCapacity: true)
                }
            }
            try? input.write(contentsOf: chunk)
            return Data()
        }
        defer { _ = writer.wait() }
        var result = [Object?]()
        result.reserveCapacity(names.count)
        for name in names {
            guard let header = try line() else { throw SyncError.gitFailed("git cat-file --batch", status: -1, message: "ended early at \(name)") }
            let fields = header.split(separator: " ")
            if fields.count == 2, fields[1] == "missing" || fields[1] == "ambiguous" {
                result.append(nil)
                continue
            }
            guard fields.count == 3, let size = Int(fields[2]), size >= 0 else {
                throw SyncError.gitFailed("git cat-file --batch", status: -1, message: "unexpected line '\(header)' for \(name)")
            }
            let bytes = try take(size + 1)
            result.append(Object(id: String(fields[0]), type: String(fields[1]), bytes: Array(bytes.dropLast())))
        }
        return result
    }

    /// Ends the process.
    func close() {
        try? input.close()
        _ = output.readDataToEndOfFile()
        _ = errors.wait()
        process.waitUntilExit()
    }

    private func fill() throws -> Bool {
        if position > 0, position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        }
        let data = output.availableData
        guard !data.isEmpty else { return false }
        if position > 1 << 20 {
            buffer.removeFirst(position)
            position = 0
        }
        buffer.append(contentsOf: data)
        return true
    }

    private func line() throws -> String? {
        while true {
            if let end = buffer[position...].firstIndex(of: 0x0A) {
                let text = String(decoding: buffer[position..<end], as: UTF8.self)
                position = end + 1
                return text
            }
            guard try fill() else { return nil }
        }
    }

    private func take(_ count: Int) throws -> ArraySlice<UInt8> {
        while buffer.count - position < count {
            guard try fill() else { throw SyncError.gitFailed("git cat-file --batch", status: -1, message: "output ended inside an object") }
        }
        let slice = buffer[position..<position + count]
        position += count
        return slice
    }
}
