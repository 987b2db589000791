import Foundation
import Testing

/// The built binary on repositories it cannot read or write, on files that are not its own, and under
/// concurrent `init`. File modes mean nothing to root, so when the tests run as root (CI does) the binary
/// runs as the unprivileged user 65534 through util-linux's `setpriv`, in a folder that user owns.
@Suite(.serialized) struct StoreBinaryTests {
    static let transcript = #"{"input":"precious","output":"an answer that was paid for","created_at":"2026-11-20T10:00:00Z"}"#

    /// A shell whose commands run as an unprivileged user (65534 when the tests run as root).
    struct UnprivilegedShell {
        let shell: BinaryRunner
        let asRoot = getuid() == 0

        init() throws {
            shell = try BinaryRunner()
            if asRoot {
                try FileManager.default.setAttributes([.ownerAccountID: 65534, .groupOwnerAccountID: 65534], ofItemAtPath: shell.folder.path)
            }
        }

        var folder: URL { shell.folder }
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

        @discardableResult
        func run(_ arguments: String..., stdin: Data = Data()) throws -> BinaryRunner.Result {
            try run(arguments: arguments, stdin: stdin)
        }

        func run(arguments: [String], stdin: Data = Data()) throws -> BinaryRunner.Result {
            guard asRoot else { return try shell.finish(shell.start(arguments, stdin: stdin)) }
            return try shell.finish(BinaryRunner.start(
                URL(fileURLWithPath: "/usr/bin/setpriv"),
                ["--reuid=65534", "--regid=65534", "--clear-groups", "--", BinaryRunner.productsFolder.appendingPathComponent("convo").path]
                    + arguments,
                in: folder, environment: shell.environment, stdin: stdin))
        }

        func chmod(_ name: String, _ mode: Int) throws {
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path(name))
        }

        func listing() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: path(".convo")).sorted()
        }
    }

    static func sha(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    @Test func initNeverWipesARepositoryItCannotRead() throws {
        let user = try UnprivilegedShell()
        defer { user.shell.cleanUp() }
        #expect(try user.run("init").status == 0)
        let imported = try user.run("import", "-", stdin: Data((Self.transcript + "\n").utf8))
        #expect(imported.status == 0, "\(imported.err)")
        let before = try Self.sha(user.path(".convo/store.sqlite"))

        try user.chmod(".convo", 0o600)
        let again = try user.run("init")
        let log = try user.run("log", "--oneline")
        try user.chmod(".convo", 0o700)

        #expect(again.status == 3, "\(again.out)\(again.err)")
        #expect(again.err.contains(user.path(".convo")), "\(again.err)")
        #expect(again.err.contains("Permission denied"), "\(again.err)")
        #expect(!again.out.contains("Initialized"))
        #expect(log.status == 3)
        #expect(log.err.contains("Permission denied") && !log.err.contains("run 'convo init'"), "\(log.err)")
        #expect(try Self.sha(user.path(".convo/store.sqlite")) == before)
        #expect(try user.run("log", "--oneline").out.contains("precious"))
    }

    @Test func aReadOnlyRepositoryCanBeReadAndSaysWhyItCannotBeWritten() throws {
        let user = try UnprivilegedShell()
        defer { user.shell.cleanUp() }
        #expect(try user.run("init").status == 0)
        #expect(try user.run("import", "-", stdin: Data((Self.transcript + "\n").utf8)).status == 0)
        let files = try user.listing()

        for (file, folder) in [(0o400, 0o700), (0o600, 0o500), (0o400, 0o500)] {
            try user.chmod(".convo/store.sqlite", file)
            try user.chmod(".convo", folder)
            for arguments in [["log", "--oneline"], ["status"], ["show"], ["branch"], ["search", "precious"], ["export"], ["fsck"],
                ["config", "--list"], ["rev-parse", "HEAD"], ["reflog"]]
            {
                let result = try user.run(arguments: arguments)
                #expect(result.status == 0, "\(arguments) with modes \(String(file, radix: 8))/\(String(folder, radix: 8)): \(result.err)")
            }
            let write = try user.run("checkout", "-b", "elsewhere")
            #expect(write.status == 3, "\(write.err)")
            #expect(write.err.contains("read-only"), "\(write.err)")
            try user.chmod(".convo", 0o700)
            #expect(try user.listing() == files, "reading created no file (modes \(String(file, radix: 8))/\(String(folder, radix: 8)))")
        }
        try user.chmod(".convo/store.sqlite", 0o600)
        // Nothing left behind keeps it read-only once the modes are back.
        let restored = try user.run("checkout", "-b", "elsewhere")
        #expect(restored.status == 0, "\(restored.err)")
    }

    @Test func concurrentInitsLeaveOneValidRepository() throws {
        for trial in 0..<12 {
            let shell = try BinaryRunner()
            defer { shell.cleanUp() }
            let started = try (0..<6).map { _ in try shell.start(["init"]) }
            let results = try started.map { try shell.finish($0) }
            #expect(results.allSatisfy { $0.status == 0 }, "trial \(trial): \(results.map(\.err))")
            #expect(results.filter { $0.out.hasPrefix("Initialized empty") }.count == 1, "trial \(trial): \(results.map(\.out))")
            #expect(results.filter { $0.out.hasPrefix("Reinitialized existing") }.count == 5, "trial \(trial)")
            let status = try shell.run("status")
            #expect(status.status == 0, "trial \(trial): \(status.err)")
            #expect(try shell.run("fsck").status == 0)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: shell.folder.appendingPathComponent(".convo").path)
                .filter { $0.hasPrefix(".") }
            #expect(leftovers.isEmpty, "trial \(trial): \(leftovers)")
        }
    }

    /// A SQLite file of another program, in rollback-journal mode, as `.convo/store.sqlite`.
    static func foreignDatabase(in shell: BinaryRunner) throws -> String {
        let folder = shell.folder.appendingPathComponent(".convo")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // A minimal valid one-page database: the 100-byte header and an empty table b-tree page.
        var page = [UInt8](repeating: 0, count: 4096)
        let header = Array("SQLite format 3\0".utf8) + [0x10, 0x00, 1, 1, 0, 64, 32, 32, 0, 0, 0, 1, 0, 0, 0, 1]
        page.replaceSubrange(0..<header.count, with: header)
        page[44...47] = [0, 0, 0, 4]  // schema format
        page[92...95] = [0, 0, 0, 1]  // version-valid-for
        page[96...99] = [0x00, 0x2E, 0x4E, 0x45]  // SQLite version number
        page[100] = 0x0D  // leaf table b-tree page
        page[105...106] = [0x10, 0x00]  // cell content starts at the end of the page
        let path = folder.appendingPathComponent("store.sqlite").path
        try Data(page).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func anotherProgramsDatabaseAndAnEmptyFileAreLeftExactlyAsTheyWere() throws {
        let shell = try BinaryRunner()
        defer { shell.cleanUp() }
        let path = try Self.foreignDatabase(in: shell)
        let before = try Self.sha(path)
        for arguments in [["log"], ["status"], ["checkout", "-b", "x"], ["init"], ["config", "model", "m"]] {
            let result = try shell.finish(shell.start(arguments))
            #expect(result.status == 3, "\(arguments): \(result.err)")
            #expect(result.err.contains("another program (application_id 0)"), "\(arguments): \(result.err)")
        }
        #expect(try Self.sha(path) == before, "journal mode and bytes unchanged")
        #expect(try FileManager.default.contentsOfDirectory(atPath: shell.folder.appendingPathComponent(".convo").path) == ["store.sqlite"])

        try Data().write(to: URL(fileURLWithPath: path))
        for arguments in [["log"], ["init"], ["checkout", "-b", "x"]] {
            let result = try shell.finish(shell.start(arguments))
            #expect(result.status == 3, "\(arguments): \(result.err)")
            #expect(result.err.contains("is empty"), "\(arguments): \(result.err)")
        }
        #expect(try Self.sha(path).isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: shell.folder.appendingPathComponent(".convo").path) == ["store.sqlite"])
    }
}
