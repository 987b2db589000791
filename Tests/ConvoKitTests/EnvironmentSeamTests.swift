import ConvoKit
import ConvoStore
import Foundation
import Testing

/// The editor, temporary files and interrupts reach the use cases only through the environment.
@Suite struct EnvironmentSeamTests {
    final class Recorder: @unchecked Sendable {
        private let lock = NSLock()
        private var entries: [String] = []
        func add(_ entry: String) { lock.withLock { entries.append(entry) } }
        var all: [String] { lock.withLock { entries } }
    }

    @Test func theEditorAndItsFileComeFromTheEnvironment() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("convo-seam-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let seen = Recorder()
        let files = FileSystem(
            temporaryDirectory: { folder }, createDirectory: { _, _ in }, removeItem: { seen.add("removed \($0.lastPathComponent)") })
        let commands = CommandRunner(
            run: { _, _, _ in .failedToStart("not expected") },
            edit: { editor, file, _, workingFolder in
                seen.add("\(editor) in \(workingFolder)")
                // As a person does: the message above the template, whose scissors line cuts off the rest.
                let template = try Data(contentsOf: URL(fileURLWithPath: file))
                try (Data("Written in the editor.\n".utf8) + template).write(to: URL(fileURLWithPath: file))
                return 0
            })
        let environment = ConvoEnvironment(
            workingDirectory: "/work/here", variables: ["EDITOR": "fake-editor --wait"], now: { Date(timeIntervalSince1970: 0) },
            output: .memory(), errors: .memory(), input: .bytes(Data()), inputIsTerminal: true, outputIsTerminal: true,
            commands: commands, files: files)
        #expect(try MessageSource.read(environment, arguments: []) == "Written in the editor.")
        #expect(seen.all.first == "fake-editor --wait in /work/here")
        #expect(seen.all.last?.hasPrefix("removed CONVO_MESSAGE-") == true, "\(seen.all)")
    }

    @Test func anInterruptCancelsTheWork() async throws {
        let installed = Recorder()
        let interrupts = InterruptSource { handler in
            installed.add("installed")
            handler()  // Ctrl-C at once
            return { installed.add("removed") }
        }
        let environment = ConvoEnvironment(
            workingDirectory: "/", variables: [:], now: { Date() }, output: .memory(), errors: .memory(), input: .bytes(Data()),
            inputIsTerminal: false, outputIsTerminal: false, interrupts: interrupts)
        await #expect(throws: CancellationError.self) {
            try await environment.interruptible {
                try await Task.sleep(for: .seconds(60))
                return 1
            }
        }
        #expect(installed.all == ["installed", "removed"])
    }
}
