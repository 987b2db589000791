import ArgumentParser
import Foundation
import Testing

@testable import ConvoCLI

@Suite struct CompletionScriptTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("completions")

    @Test(arguments: [(CompletionShell.bash, "convo.bash"), (.zsh, "_convo"), (.fish, "convo.fish")])
    func committedScriptsMatchTheCommandDefinitions(shell: CompletionShell, file: String) throws {
        let committed = try String(contentsOf: Self.folder.appendingPathComponent(file), encoding: .utf8)
        let generated = Convo.completionScript(for: shell)
        #expect(committed == generated + "\n", "completions/\(file) is stale: run scripts/generate-completions.sh")
    }

    @Test func sayCompletesFilePathsAfterAttach() {
        #expect(Convo.completionScript(for: .bash).contains("    '-a')\n        __convo_add_completions -f\n"))
        #expect(Convo.completionScript(for: .fish).contains("-s 'a' -d 'Attach a file or image"))
        #expect(Convo.completionScript(for: .zsh).contains("'*-a[Attach a file or image"))
    }

    @Test(arguments: [("bash", "convo.bash"), ("zsh", "_convo"), ("fish", "convo.fish")])
    func eachScriptParsesInItsShell(shell: String, file: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [shell, "-n", Self.folder.appendingPathComponent(file).path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(shell) -n \(file): \(message)")
    }
}

@Suite struct DynamicCompletionTests {
    /// What the generated scripts run to complete the positional revision of `convo <command>`.
    func complete(_ harness: Harness, _ command: String, _ prefix: String) async -> [String] {
        let result = await harness.run("---completion", command, "--", "positional@0", "2", "\(prefix.count)", "convo", command, prefix)
        // Candidates only: ArgumentParser formats the answer for the shell it last generated a script for (a
        // process-wide setting, CompletionShell._requesting, that tests generating scripts in parallel leave set;
        // for one shell it adds a line holding a space). The real binary is one process per completion.
        return result.lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    }

    @Test func revisionsCompleteToHeadBranchesAndRecentShortIDs() async throws {
        let harness = try await Harness.withHistory()
        let all = await complete(harness, "checkout", "")
        #expect(all.contains("HEAD") && all.contains("main") && all.contains("travel"))
        let head = await harness.run("rev-parse", "HEAD").out
        #expect(all.contains { head.hasPrefix($0) && $0.count >= 7 })
        let travel = await complete(harness, "log", "tr")
        #expect(travel == ["travel"], "\(travel)")
        let none = await complete(harness, "show", "zz")
        #expect(none.isEmpty, "\(none)")
    }

    @Test func branchNamesCompleteForReflog() async throws {
        let harness = try await Harness.withHistory()
        let main = await complete(harness, "reflog", "ma")
        #expect(main == ["main"], "\(main)")
    }

    @Test func outsideARepositoryThereIsNothingToComplete() async throws {
        let harness = try Harness()
        let result = await harness.run("---completion", "checkout", "--", "positional@0", "2", "0", "convo", "checkout", "")
        #expect(result.status == 0)
        #expect(result.out.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty)
    }
}
