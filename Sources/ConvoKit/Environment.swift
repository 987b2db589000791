import Foundation
import ResponsesAPI

/// A place text goes: standard output, standard error, or a buffer in tests.
public final class TextSink: @unchecked Sendable {
    private let lock = NSLock()
    private let handle: FileHandle?
    private var buffer = Data()

    private init(handle: FileHandle?) { self.handle = handle }

    /// Writes to a file descriptor (1 for stdout, 2 for stderr).
    public static func fileDescriptor(_ descriptor: Int32) -> TextSink {
        TextSink(handle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: false))
    }

    /// Writes to an open file handle (e.g. a pager's pipe).
    public static func fileHandle(_ handle: FileHandle) -> TextSink { TextSink(handle: handle) }

    /// Collects everything written, for tests.
    public static func memory() -> TextSink { TextSink(handle: nil) }

    /// Writes `text` as is.
    public func write(_ text: String) {
        // From the string's own bytes: `Data(text.utf8)` (generic over the sequence) cost 0.4 M instructions
        // in a `log -n 20` of 15 M (issue 11).
        var text = text
        text.withUTF8 { bytes in write(bytes.baseAddress.map { Data(bytes: $0, count: bytes.count) } ?? Data()) }
    }

    /// Writes bytes as they are.
    public func write(_ data: Data) {
        lock.lock()
        defer { lock.unlock() }
        if let handle {
            // A closed pipe (e.g. `convo log | head`) is not an error worth reporting.
            try? handle.write(contentsOf: data)
        } else {
            buffer.append(data)
        }
    }

    /// Writes `text` and a newline.
    public func line(_ text: String = "") { write(text + "\n") }

    /// Everything written so far (memory sinks only).
    public var text: String {
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: buffer, as: UTF8.self)
    }
}

/// Where standard input comes from.
public struct InputSource: Sendable {
    /// Reads all of standard input.
    public var readAll: @Sendable () -> Data
    /// Reads up to the given number of bytes of standard input; empty data at its end.
    public var read: @Sendable (Int) -> Data
    /// The file descriptor behind the input when it is the process's own (a line editor reads it directly);
    /// nil for bytes handed over by a test.
    public var descriptor: Int32?

    /// Creates an input source.
    public init(readAll: @escaping @Sendable () -> Data, read: @escaping @Sendable (Int) -> Data, descriptor: Int32? = nil) {
        self.readAll = readAll
        self.read = read
        self.descriptor = descriptor
    }

    /// The process's standard input. `read` returns what one read(2) gives (at most the count): FileHandle's
    /// `readData(ofLength:)` waits until the count is filled or the input ends, so a program feeding
    /// `convo chat` one line at a time would never see an answer before it closed the pipe.
    public static let standardInput = InputSource(
        readAll: { FileHandle.standardInput.readDataToEndOfFile() },
        read: { count in
            var buffer = [UInt8](repeating: 0, count: max(1, count))
            while true {
                let got = Foundation.read(0, &buffer, buffer.count)
                if got >= 0 { return Data(buffer[0..<got]) }
                if errno != EINTR { return Data() }
            }
        }, descriptor: 0)

    /// Fixed bytes, for tests: `read` hands them out in pieces as a pipe would.
    public static func bytes(_ data: Data) -> InputSource {
        let cursor = ByteCursor(data)
        return InputSource(readAll: { data }, read: { cursor.next($0) })
    }
}

/// Fixed bytes handed out in order.
private final class ByteCursor: @unchecked Sendable {
    private let data: Data
    private var offset: Int
    private let lock = NSLock()

    init(_ data: Data) {
        self.data = data
        offset = data.startIndex
    }

    func next(_ count: Int) -> Data {
        lock.withLock {
            let end = min(data.endIndex, offset + max(0, count))
            defer { offset = end }
            return data.subdata(in: offset..<end)
        }
    }
}

/// The one seam to the outside world: every use case and command reaches files, clock, streams and
/// environment variables only through this value, so tests run commands in-process.
public struct ConvoEnvironment: Sendable {
    /// The folder commands run in (after `-C`).
    public var workingDirectory: String
    /// True after `-C`: the folder was named on purpose, so no home repository stands in for a missing `.convo/`.
    public var directoryGiven = false
    /// Environment variables.
    public var variables: [String: String]
    /// The clock.
    public var now: @Sendable () -> Date
    /// Standard output: results only.
    public var output: TextSink
    /// Standard error: everything for a person.
    public var errors: TextSink
    /// Standard input.
    public var input: InputSource
    /// Whether standard input is a terminal.
    public var inputIsTerminal: Bool
    /// Whether standard output is a terminal.
    public var outputIsTerminal: Bool
    /// Terminal width in columns.
    public var terminalWidth: Int
    /// How API servers are reached (retry policy and waiting); tests make retries instant.
    public var transport: APITransport
    /// Opens a client for an API server: the live HTTP client, or a test's fake.
    public var services: any ResponsesServiceFactory
    /// How `log` and `show` start a pager; tests record instead.
    public var pager: PagerLauncher
    /// How helper commands (`api_key_command`) and the editor run; tests inject one.
    public var commands: CommandRunner
    /// Files outside the repository (the editor's message file, rescue folders); tests point it elsewhere.
    public var files: FileSystem
    /// How Ctrl-C reaches running work; tests interrupt by hand.
    public var interrupts: InterruptSource
    /// The API keys this process has resolved, so that every message and stored error can be cleaned of them.
    public var secrets: SecretKeeper

    /// Creates an environment.
    public init(
        workingDirectory: String, variables: [String: String], now: @escaping @Sendable () -> Date, output: TextSink,
        errors: TextSink, input: InputSource, inputIsTerminal: Bool, outputIsTerminal: Bool, terminalWidth: Int = 80,
        transport: APITransport = .live, services: any ResponsesServiceFactory = LiveResponsesServices(),
        pager: PagerLauncher = .live, commands: CommandRunner = .live, files: FileSystem = .live,
        interrupts: InterruptSource = .live, secrets: SecretKeeper = SecretKeeper()
    ) {
        self.workingDirectory = workingDirectory
        self.variables = variables
        self.now = now
        self.output = output
        self.errors = errors
        self.input = input
        self.inputIsTerminal = inputIsTerminal
        self.outputIsTerminal = outputIsTerminal
        self.terminalWidth = terminalWidth
        self.transport = transport
        self.services = services
        self.pager = pager
        self.commands = commands
        self.files = files
        self.interrupts = interrupts
        self.secrets = secrets
    }

    /// The real process environment.
    public static func live() -> ConvoEnvironment {
        let variables = processVariables()
        return ConvoEnvironment(
            workingDirectory: FileManager.default.currentDirectoryPath,
            variables: variables,
            now: { Date() },
            output: .fileDescriptor(1), errors: .fileDescriptor(2), input: .standardInput,
            inputIsTerminal: isatty(0) == 1, outputIsTerminal: isatty(1) == 1,
            terminalWidth: terminalColumns(variables))
    }

    /// `COLUMNS` when it is a positive number (as git and less honour it), else the width of the terminal on stdout
    /// (TIOCGWINSZ), else 80.
    static func terminalColumns(_ variables: [String: String]) -> Int {
        if let columns = variables["COLUMNS"].flatMap({ Int($0) }), columns > 0 { return columns }
        var size = winsize()
        let read = withUnsafeMutablePointer(to: &size) { ioctl(1, UInt(TIOCGWINSZ), $0) }
        if isatty(1) == 1, read == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// The process's environment variables, as ProcessInfo.environment gives them (a later duplicate wins),
    /// read from `environ` directly: ProcessInfo's unspecialized generic code costs about a million
    /// instructions of conformance lookups at every start (issue 11), and it was read twice.
    static func processVariables() -> [String: String] {
        // Sized once: growing the dictionary ran a shared specialization that resolves its storage type by name.
        var count = 0
        while environ[count] != nil { count += 1 }
        var variables = [String: String](minimumCapacity: count)
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                variables[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return variables
    }

    /// `text` without any API key this process knows of (resolved ones, and the key variables), in any spelling.
    /// The one redaction applied where errors become text and before an error text is stored.
    public func redact(_ text: String) -> String {
        secrets.redactor(adding: APIKey.variableNames.compactMap { variables[$0] })(text)
    }

    /// Resolves a path given by the user against the working folder.
    public func path(_ path: String) -> URL {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: workingDirectory, isDirectory: true)).standardizedFileURL
    }
}

/// Files outside the repository: the part of the outside world that is the file system (the repository
/// itself is ConvoStore's). Tests inject one.
public struct FileSystem: Sendable {
    /// The folder for temporary files.
    public var temporaryDirectory: @Sendable () -> URL
    /// Creates a folder and its missing parents; `permissions` (e.g. 0o700) for the ones it creates.
    public var createDirectory: @Sendable (_ folder: URL, _ permissions: Int?) throws -> Void
    /// Removes a file, quietly when it is already gone.
    public var removeItem: @Sendable (URL) -> Void

    /// Creates a file system.
    public init(
        temporaryDirectory: @escaping @Sendable () -> URL, createDirectory: @escaping @Sendable (URL, Int?) throws -> Void,
        removeItem: @escaping @Sendable (URL) -> Void
    ) {
        self.temporaryDirectory = temporaryDirectory
        self.createDirectory = createDirectory
        self.removeItem = removeItem
    }

    /// The real file system.
    public static let live = FileSystem(
        temporaryDirectory: { FileManager.default.temporaryDirectory },
        createDirectory: { folder, permissions in
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: permissions.map { [.posixPermissions: $0] })
        },
        removeItem: { try? FileManager.default.removeItem(at: $0) })
}

/// How an interrupt (SIGINT, Ctrl-C) reaches running work. Tests inject one they trigger themselves.
public struct InterruptSource: Sendable {
    /// Calls `handler` on every interrupt until the returned function is called; meanwhile an interrupt does not
    /// end the process.
    public var onInterrupt: @Sendable (_ handler: @escaping @Sendable () -> Void) -> () -> Void

    /// Creates a source.
    public init(onInterrupt: @escaping @Sendable (_ handler: @escaping @Sendable () -> Void) -> () -> Void) {
        self.onInterrupt = onInterrupt
    }

    /// The process's SIGINT: ignored by default while a handler is installed, restored afterwards.
    public static let live = InterruptSource { handler in
        signal(SIGINT, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGINT, queue: .global())
        source.setEventHandler(handler: handler)
        source.resume()
        return {
            source.cancel()
            signal(SIGINT, SIG_DFL)
        }
    }
}

extension ConvoEnvironment {
    /// Runs `work` in a task that an interrupt cancels: the work sees cancellation, and nothing is committed
    /// unless it finished.
    public func interruptible<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let task = Task { try await work() }
        let stop = interrupts.onInterrupt { task.cancel() }
        defer { stop() }
        return try await task.value
    }
}
