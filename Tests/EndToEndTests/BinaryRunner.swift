import Foundation

/// Runs the built `convo` binary as a user's shell would, in a temporary folder.
struct BinaryRunner {
    let folder: URL
    var environment: [String: String] = ["PATH": "/usr/bin:/bin", "NO_COLOR": "1"]

    struct Result {
        var status: Int32
        var out: String
        var err: String
        var lines: [String] { out.split(separator: "\n").map(String.init) }
    }

    /// The folder holding the built products: $CONVO_BUILD_DIR, the test bundle's own folder, or .build/debug.
    static let productsFolder: URL = {
        if let explicit = ProcessInfo.processInfo.environment["CONVO_BUILD_DIR"] { return URL(fileURLWithPath: explicit) }
        let candidates = [
            Bundle.main.executableURL?.deletingLastPathComponent(),
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent(".build/debug"),
        ].compactMap { $0 }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate.appendingPathComponent("convo").path) {
            return candidate
        }
        return candidates.last!
    }()

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("convo-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A home of its own, beside the folder: a say outside any .convo/ creates the home repository there,
        // never in the real home or in a temporary folder other tests share.
        environment["HOME"] = home.path
    }

    /// The runner's HOME (created by convo when it first needs it).
    var home: URL { URL(fileURLWithPath: folder.path + "-home") }

    func cleanUp() {
        try? FileManager.default.removeItem(at: folder)
        try? FileManager.default.removeItem(at: home)
    }

    /// Starts `convo` with `arguments`; the caller waits for it.
    func start(_ arguments: [String], stdin: Data = Data()) throws -> (Process, Pipe, Pipe) {
        try Self.start(Self.productsFolder.appendingPathComponent("convo"), arguments, in: folder, environment: environment, stdin: stdin)
    }

    /// Starts any program with pipes for its three standard streams; the caller waits for it with `finish`.
    static func start(
        _ executable: URL, _ arguments: [String], in folder: URL? = nil, environment: [String: String]? = nil, stdin: Data = Data()
    ) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = environment
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
        return (process, output, errors)
    }

    /// Runs `convo` to completion.
    @discardableResult
    func run(_ arguments: String..., stdin: Data = Data()) throws -> Result {
        try finish(start(arguments, stdin: stdin))
    }

    /// Reads both pipes to the end, then waits for the process.
    func finish(_ started: (Process, Pipe, Pipe)) throws -> Result { Self.finish(started) }

    /// Reads both pipes to the end at the same time, then waits for the process: read one after the
    /// other, a child that fills the second pipe (64 KiB) while the first is still open blocks for ever.
    static func finish(_ started: (Process, Pipe, Pipe)) -> Result {
        let (process, output, errors) = started
        let err = PipeDrain(errors.fileHandleForReading)
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let errData = err.wait()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, out: String(decoding: out, as: UTF8.self), err: String(decoding: errData, as: UTF8.self))
    }

    /// Writes a file into the folder.
    func write(_ name: String, _ lines: [String]) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent(name))
    }
}

/// Reads a pipe to its end on a thread of its own.
final class PipeDrain: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    // Written once by the reading thread before `done` is signalled, read only after it is.
    private var data = Data()

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    /// The bytes read, once the writer has closed its end.
    func wait() -> Data {
        done.wait()
        return data
    }
}
