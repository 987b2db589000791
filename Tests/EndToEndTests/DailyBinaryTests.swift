import Foundation
import Testing

/// Issue 12's daily surface as a user meets it: the built binary against the built emulator on 127.0.0.1.
@Suite(.serialized) struct DailyBinaryTests {
    @Test func aPipedDiffFollowsTheArgumentsAndShowOutputOnlyPrintsTheAnswerBytes() throws {
        let emulator = try EmulatorProcess(["--flavor", "openai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        let diff = "diff --git a/notes.md b/notes.md\n-# Old heading\n+# New heading\n"
        let review = try shell.run("say", "--no-stream", "Review this diff", stdin: Data(diff.utf8))
        #expect(review.status == 0, "\(review.err)")
        let turn = try JSONSerialization.jsonObject(with: Data(try shell.run("show", "--json").out.utf8)) as? [String: Any] ?? [:]
        let input = turn["input"] as? [[String: Any]] ?? []
        #expect(input.last?["content"] as? String == "Review this diff\n\n" + diff.dropLast())
        let answer = try shell.run("show", "-o")
        #expect(answer.status == 0)
        #expect(answer.out == turn["output"] as? String)
        #expect(try shell.run("show", "--output-only", "HEAD").out == answer.out)
        #expect(try shell.run("show", "-o", "--json").status == 2)
    }

    @Test func badMessagesAndBranchesAreRefusedWithDocumentedCodesAndWriteNothing() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let shell = try BinaryRunner.repository(talkingTo: emulator)
        defer { shell.cleanUp() }
        #expect(try shell.run("say", "Hello, my name is Alice.").status == 0)
        let before = try shell.run("reflog").out
        let cases: [([String], Int32, String)] = [
            (["say", "-", "-"], 2, "more than once"),
            (["say", "--on", "nowhere", "Hi"], 4, "branch 'nowhere' not found"),
            (["say", "--new", "--at", "HEAD", "Hi"], 2, "--new starts a conversation with no parent"),
            (["say", "--new", "--regenerate"], 2, "--new starts a conversation with no parent"),
            (["checkout", "--orphan", "main"], 1, "a branch named 'main' already exists"),
        ]
        for (arguments, status, message) in cases {
            let result = try shell.finish(shell.start(arguments, stdin: Data("piped".utf8)))
            #expect(result.status == status, "\(arguments): \(result.err)")
            #expect(result.err.contains(message), "\(arguments): \(result.err)")
            #expect(result.out.isEmpty)
        }
        #expect(try shell.run("reflog").out == before)
        #expect(try shell.run("log", "--oneline", "--all").lines.count == 1)
    }

    @Test func aSayFromAFolderWithoutRepositoryUsesTheHomeRepositoryAndANewTopicGetsItsOwnBranch() throws {
        let emulator = try EmulatorProcess(["--flavor", "xai", "--api-key", "e2e-key"])
        defer { emulator.stop() }
        var shell = try BinaryRunner()
        defer { shell.cleanUp() }
        shell.environment["CONVO_BASE_URL"] = emulator.baseURL
        shell.environment["CONVO_API_KEY"] = "e2e-key"
        let empty = try shell.run("log")
        #expect(empty.status == 3)
        #expect(empty.err.contains("does not exist yet"))
        let hello = try shell.run("say", "Hello, my name is Alice.")
        #expect(hello.status == 0, "\(hello.err)")
        let home = shell.home.appendingPathComponent(".local/share/convo").path
        #expect(hello.err.hasPrefix("convo: created the home repository \(home)"))
        let topic = try shell.run("say", "--new", "What is my name?")
        #expect(topic.status == 0, "\(topic.err)")
        #expect(topic.err.contains("new conversation on branch 'what-is-my-name'"))
        #expect(!topic.out.contains("Alice"))
        let status = try shell.run("status")
        #expect(status.out.hasPrefix("On branch what-is-my-name"))
        #expect(status.out.contains("Repo:     \(home) (the home repository"))
        #expect(!FileManager.default.fileExists(atPath: shell.folder.appendingPathComponent(".convo").path))
    }
}
