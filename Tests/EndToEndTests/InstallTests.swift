import Foundation
import Testing

/// scripts/install.sh into a temporary prefix, with the binaries this test run built (`--bin-dir`), and the
/// shells, man and the uninstaller as a user meets them.
@Suite(.serialized) struct InstallTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs a program with a clean environment (plus `environment`) and returns its status and output.
    func run(_ program: String, _ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        process.environment = ["PATH": "/usr/bin:/bin", "HOME": NSTemporaryDirectory(), "LANG": "C.UTF-8"]
            .merging(environment) { $1 }
        let output = Pipe(), errors = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // Drain stderr on another thread while stdout is read, so neither pipe can fill and block the child.
        let errData = LockedData()
        let reader = Thread { errData.set(errors.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !errData.isSet { usleep(1000) }
        return (process.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: errData.get(), as: UTF8.self))
    }

    /// Every path under `folder`, relative, with a trailing slash on folders.
    func listing(_ folder: URL) -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: folder.path) else { return [] }
        return walker.compactMap { item -> String? in
            guard let path = item as? String else { return nil }
            var isFolder: ObjCBool = false
            FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &isFolder)
            return isFolder.boolValue ? path + "/" : path
        }.sorted()
    }

    func install(_ prefix: URL, _ extra: String...) throws -> (status: Int32, out: String, err: String) {
        try run(Self.root.appendingPathComponent("scripts/install.sh").path,
                ["--prefix", prefix.path, "--bin-dir", BinaryRunner.productsFolder.path] + extra)
    }

    @Test func installPutsEveryFileWhereEachToolLooksAndUninstallLeavesThePrefixAsItWas() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("convo-prefix-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: prefix)
            try? FileManager.default.removeItem(atPath: prefix.path + "-fish-config")
        }
        // Something of the user's own, in a folder the install also uses: it must survive the uninstall.
        let own = prefix.appendingPathComponent("share/man/man1/other.1")
        try FileManager.default.createDirectory(at: own.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(".TH OTHER 1\n".utf8).write(to: own)
        let before = listing(prefix)

        let installed = try install(prefix)
        #expect(installed.status == 0, "\(installed.err)")
        #expect(installed.out.contains("\(prefix.path)/bin/convo"), "it says what it put where")
        let pages = try FileManager.default.contentsOfDirectory(atPath: Self.root.appendingPathComponent("man").path).filter { $0.hasSuffix(".1") }
        #expect(pages.count > 10)
        for file in ["bin/convo", "bin/convo-emulator", "share/bash-completion/completions/convo",
                     "share/zsh/site-functions/_convo", "share/fish/vendor_completions.d/convo.fish"]
            + pages.map({ "share/man/man1/" + $0 }) {
            #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent(file).path), "\(file)")
        }
        #expect(FileManager.default.isExecutableFile(atPath: prefix.appendingPathComponent("bin/convo").path))
        let version = try run(prefix.appendingPathComponent("bin/convo").path, ["--version"])
        #expect(version.status == 0 && !version.out.isEmpty)

        // Re-running upgrades in place: the same files, nothing left over.
        let afterFirst = listing(prefix)
        let again = try install(prefix)
        #expect(again.status == 0, "\(again.err)")
        #expect(listing(prefix) == afterFirst)

        // bash-completion finds the script through XDG_DATA_DIRS alone and loads it on first use.
        let bash = try run("bash", ["--norc", "--noprofile", "-i", "-c",
            ". /usr/share/bash-completion/bash_completion && _completion_loader convo; complete -p convo"],
            environment: ["XDG_DATA_DIRS": prefix.appendingPathComponent("share").path, "BASH_COMPLETION_USER_DIR": prefix.appendingPathComponent("nothing").path])
        #expect(bash.status == 0 && bash.out.contains("convo"), "bash: \(bash.out) \(bash.err)")
        // zsh: compinit registers the function from the site-functions folder on fpath.
        let zsh = try run("zsh", ["-f", "-c",
            "fpath=(\(prefix.path)/share/zsh/site-functions $fpath); autoload -U compinit; compinit -u -D; print -r -- ${_comps[convo]}"])
        #expect(zsh.status == 0 && zsh.out.trimmingCharacters(in: .whitespacesAndNewlines) == "_convo", "zsh: \(zsh.out) \(zsh.err)")
        // fish reads vendor_completions.d of every XDG_DATA_DIRS entry (its own startup sets that up, so no
        // --no-config; the user's configuration is an empty folder).
        let fish = try run("fish", ["-c", "complete -C 'convo lo'"],
            environment: ["XDG_DATA_DIRS": prefix.appendingPathComponent("share").path, "XDG_CONFIG_HOME": prefix.path + "-fish-config",
                          "PATH": prefix.appendingPathComponent("bin").path + ":/usr/bin:/bin"])
        #expect(fish.out.contains("log"), "fish: \(fish.out) \(fish.err)")
        // man renders a page from the prefix.
        let man = try run("man", ["-M", prefix.appendingPathComponent("share/man").path, "convo-log"], environment: ["MANPAGER": "cat", "MANWIDTH": "80"])
        #expect(man.status == 0 && man.out.contains("convo-log"), "man: \(man.err)")

        let removed = try install(prefix, "--uninstall")
        #expect(removed.status == 0, "\(removed.err)")
        #expect(listing(prefix) == before)
        #expect(try install(prefix, "--uninstall").status == 1, "a second uninstall has nothing to remove")
    }

    @Test func theCompletionCommandPrintsTheCommittedScripts() throws {
        for (shell, file) in [("bash", "convo.bash"), ("zsh", "_convo"), ("fish", "convo.fish")] {
            let printed = try run(BinaryRunner.productsFolder.appendingPathComponent("convo").path, ["completion", shell])
            let committed = try String(contentsOf: Self.root.appendingPathComponent("completions/\(file)"), encoding: .utf8)
            #expect(printed.status == 0 && printed.out == committed, "\(shell)")
        }
        let wrong = try run(BinaryRunner.productsFolder.appendingPathComponent("convo").path, ["completion", "tcsh"])
        #expect(wrong.status == 2 && wrong.err.contains("tcsh"))
    }
}

/// Bytes handed from a reader thread.
final class LockedData: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    func set(_ value: Data) { lock.withLock { data = value } }
    func get() -> Data { lock.withLock { data ?? Data() } }
    var isSet: Bool { lock.withLock { data != nil } }
}
