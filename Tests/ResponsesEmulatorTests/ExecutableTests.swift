import Foundation
import Testing

@testable import ResponsesEmulator

@Suite("The built convo-emulator executable")
struct ExecutableTests {
    /// The products folder holds both the test bundle and the executable.
    static func executable() throws -> URL {
        var candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent()]
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug"))
        for folder in candidates {
            let url = folder.appendingPathComponent("convo-emulator")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        Issue.record("convo-emulator not found next to the tests (\(candidates.map(\.path))); run 'swift build --product convo-emulator'")
        throw CancellationError()
    }

    @Test("Prints 'listening on', answers, and exits 0 on SIGINT")
    func listensAnswersStops() async throws {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = ["--port", "0", "--flavor", "xai", "--api-key", "exe-key"]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        let line = try await Self.firstLine(of: stdout.fileHandleForReading, from: process, timeout: .seconds(20))
        let match = try #require(line.wholeMatch(of: /listening on http:\/\/127\.0\.0\.1:(\d+)/))
        let port = try #require(Int(match.1))

        let client = TestClientForPort(port: port, apiKey: "exe-key")
        let reply = try await client.client.say("my name is Eve")
        #expect(reply.status == 200)
        #expect(reply.outputText == "Nice to meet you, Eve.")

        process.interrupt()
        let deadline = ContinuousClock.now + .seconds(15)
        while process.isRunning, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationStatus == 0)
    }

    @Test("In-process: a busy port fails to start with a reason; stop() frees the port")
    func busyPort() async throws {
        let first = try await Emulator.start()
        #expect(first.baseURL == "http://127.0.0.1:\(first.port)/v1")
        await #expect(throws: EmulatorError.self) { try await Emulator.start(EmulatorConfiguration(port: first.port)) }
        await first.stop()
        let again = try await Emulator.start(EmulatorConfiguration(port: first.port))
        #expect(again.port == first.port)
        await again.stop()
    }

    @Test("--help says it is a test double and documents the fault header")
    func help() async throws {
        let process = Process()
        process.executableURL = try Self.executable()
        process.arguments = ["--help"]
        let stdout = Pipe()
        process.standardOutput = stdout
        try process.run()
        let text = String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(text.contains("TEST DOUBLE"))
        #expect(text.contains("X-Emulator-Fault"))
        #expect(text.contains("status=429;retry-after=1;count=2"))
        #expect(text.contains("--test-clock"))
        #expect(text.contains("TEST ONLY"))
        #expect(text.contains("/_emulator/advance?seconds=N"))
    }

    /// Reads until the first newline, off the cooperative pool; on timeout the process
    /// is terminated so that the blocked read ends.
    static func firstLine(of handle: FileHandle, from process: Process, timeout: Duration) async throws -> String {
        try await withThrowingTaskGroup(of: String.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    Thread.detachNewThread {
                        var data = Data()
                        while !data.contains(UInt8(ascii: "\n")) {
                            let chunk = handle.availableData
                            if chunk.isEmpty { break }
                            data.append(chunk)
                        }
                        let text = String(decoding: data, as: UTF8.self)
                        continuation.resume(returning: String(text.split(separator: "\n").first ?? ""))
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                process.terminate()
                Issue.record("no 'listening on' line within \(timeout)")
                throw CancellationError()
            }
            let line = try await group.next()!
            group.cancelAll()
            return line
        }
    }
}

/// A client for a server this test did not start in-process.
struct TestClientForPort {
    let client: TestClient
    init(port: Int, apiKey: String) {
        client = TestClient(root: "http://127.0.0.1:\(port)", apiKey: apiKey)
    }
}

extension TestClient {
    init(root: String, apiKey: String?) {
        self.root = root
        self.apiKey = apiKey
    }
}
