import Foundation
import Testing

/// Hostile sweep: the bash completion script hands convo's candidates to `compgen -W`, which expands every
/// word (parameter expansion, command substitution, arithmetic) before matching. A branch name may hold `$`,
/// `(`, `)`, `{` and `}` (git's check-ref-format allows them), and names come from untrusted places: an import
/// file's `conversation`, a pull, `fetch -b`, llm's logs. So importing a transcript whose conversation is
/// `notes/$(touch${IFS}FILE)` and then pressing Tab after `convo checkout ` runs `touch FILE`.
/// FAILS on 657afd1.
@Suite struct CompletionInjectionBinaryTests {
    @Test func tabCompletionInBashNeverRunsABranchName() throws {
        let shell = try BinaryRunner()
        defer { shell.cleanUp() }
        try shell.run("init")
        let marker = shell.folder.appendingPathComponent("PWNED")
        let name = "notes/$(touch${IFS}\(marker.path))"
        let line = try JSONSerialization.data(withJSONObject: ["input": "hi", "output": "there", "conversation": name])
        try (line + Data("\n".utf8)).write(to: shell.folder.appendingPathComponent("t.jsonl"))
        let imported = try shell.run("import", "t.jsonl")
        #expect(imported.status == 0, "\(imported.err)")

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("completions/convo.bash")
        let driver = """
            source '\(script.path)'
            COMP_WORDS=(convo checkout ""); COMP_CWORD=2; COMP_LINE="convo checkout "; COMP_POINT=${#COMP_LINE}
            _convo convo "" checkout
            printf '%s\\n' "${COMPREPLY[@]}"
            """
        var environment = shell.environment
        environment["PATH"] = BinaryRunner.productsFolder.path + ":/usr/bin:/bin"
        let result = BinaryRunner.finish(try BinaryRunner.start(
            URL(fileURLWithPath: "/bin/bash"), ["-c", driver], in: shell.folder, environment: environment))
        #expect(result.out.contains("main") || result.out.contains("HEAD"), "the completion ran: \(result.out) \(result.err)")
        #expect(!FileManager.default.fileExists(atPath: marker.path), "pressing Tab ran a command from a branch name")
    }
}
