import Foundation
import Testing

/// Issue 13's "done when": a 50-turn conversation with forks and regenerations held in one `convo chat`, and the
/// same conversation made with one `convo say` (or `convo checkout`) per step. Afterwards both repositories hold
/// the same history: the same turns with the same parent links on the same branches, and the same reflog.
@Suite(.serialized) struct ChatScenarioBinaryTests {
    /// One step of the conversation: the line typed in chat, and the subcommand a person would run instead.
    struct Step {
        var line: String
        var subcommand: [String]
    }

    /// 50 turns: main, a regeneration (HEAD moves to its branch), a fork three turns back with a regeneration of
    /// its own, back to main, an answer from an earlier turn, a fork at HEAD, and a last regeneration.
    static func conversation() -> [Step] {
        var steps = [Step]()
        var number = 0
        func messages(_ count: Int) {
            for _ in 0..<count {
                number += 1
                let text = number == 1 ? "Hello, my name is Alice." : "Message \(number): what's my name?"
                steps.append(Step(line: text, subcommand: ["say", text]))
            }
        }
        messages(10)
        steps.append(Step(line: "/regenerate", subcommand: ["say", "--regenerate"]))
        messages(5)
        steps.append(Step(line: "/fork travel HEAD~3", subcommand: ["checkout", "-b", "travel", "HEAD~3"]))
        messages(10)
        steps.append(Step(line: "/regenerate", subcommand: ["say", "--regenerate"]))
        steps.append(Step(line: "/checkout main", subcommand: ["checkout", "main"]))
        messages(8)
        steps.append(Step(line: "/at HEAD~2 Back to this point", subcommand: ["say", "--at", "HEAD~2", "Back to this point"]))
        messages(5)
        steps.append(Step(line: "/fork rome", subcommand: ["checkout", "-b", "rome"]))
        messages(7)
        steps.append(Step(line: "/regenerate", subcommand: ["say", "--regenerate"]))
        messages(1)
        return steps
    }

    /// What the two runs left behind, gathered away from the test's task (see ``offThePool(_:)``).
    struct Outcome: Sendable {
        var chat: BinaryRunner.Result
        var says: [(arguments: [String], result: BinaryRunner.Result)]
        var turns: BinaryRunner.Result
        var trees: [String]
        var checks: [(arguments: [String], chat: BinaryRunner.Result, say: BinaryRunner.Result)]
        var fsck: BinaryRunner.Result
    }

    @Test(arguments: ["xai", "openai"])
    func fiftyTurnsInOneChatAreTheTurnsSayWouldHaveMade(flavor: String) async throws {
        let outcome = try await offThePool {
            let emulator = try EmulatorProcess(["--flavor", flavor, "--api-key", "e2e-key"])
            defer { emulator.stop() }
            let chatShell = try BinaryRunner.repository(talkingTo: emulator)
            defer { chatShell.cleanUp() }
            let sayShell = try BinaryRunner.repository(talkingTo: emulator)
            defer { sayShell.cleanUp() }
            let steps = Self.conversation()
            let chat = try chatShell.run("chat", stdin: Data(steps.map { $0.line + "\n" }.joined().utf8))
            let says = try steps.map { ($0.subcommand, try sayShell.finish(sayShell.start($0.subcommand))) }
            // The same tree of turns: each with its question, answer, model, tokens, server state and refs, under
            // the same parent. (`log --graph` would show it too, but orders turns made in the same second by id.)
            let trees = try [chatShell, sayShell].map { shell in
                try Self.tree(shell.run("log", "--all", "--format=%H\t%P\t%s -> %a [%m, %t tokens, %R] (%D)").lines)
            }
            let checks = try [["branch"], ["status"], ["reflog"], ["reflog", "main"], ["reflog", "travel"], ["reflog", "rome-regen-1"]].map {
                check in
                var fromChat = try chatShell.finish(chatShell.start(check)), fromSay = try sayShell.finish(sayShell.start(check))
                fromChat.out = Self.masked(fromChat.out.replacingOccurrences(of: chatShell.folder.path, with: "<folder>"))
                fromSay.out = Self.masked(fromSay.out.replacingOccurrences(of: sayShell.folder.path, with: "<folder>"))
                return (check, fromChat, fromSay)
            }
            return Outcome(
                chat: chat, says: says, turns: try chatShell.run("log", "--all", "--oneline"), trees: trees, checks: checks,
                fsck: try chatShell.run("fsck"))
        }
        #expect(outcome.chat.status == 0, "\(outcome.chat.err)")
        for (arguments, result) in outcome.says {
            #expect(result.status == 0, "\(arguments): \(result.err)")
        }
        #expect(outcome.chat.out == outcome.says.map(\.result.out).joined())
        #expect(outcome.turns.lines.count == 50, "\(outcome.turns.out)")
        #expect(outcome.trees[0] == outcome.trees[1])
        #expect(outcome.trees[0].contains("Message 46: what's my name? -> Your name is Alice. [grok-4, 276 tokens, live] (HEAD -> rome-regen-1)"))
        for (arguments, fromChat, fromSay) in outcome.checks {
            #expect(fromChat.status == 0, "\(arguments): \(fromChat.err)")
            #expect(fromChat.out == fromSay.out, "\(arguments)")
        }
        #expect(outcome.fsck.status == 0)
    }

    /// Runs `work`, which waits for a hundred processes, on a thread of its own: on one of the test pool's few
    /// threads it would stall every in-process test of the suite that awaits meanwhile.
    func offThePool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try work() }) }
        }
    }

    /// The turns of `log --format=%H<tab>%P<tab>LABEL` lines as one text without ids: each label, then its children's
    /// texts in sorted order, indented.
    static func tree(_ lines: [String]) -> String {
        var labels = [String: String](), children = [String: [String]]()
        for line in lines {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { continue }
            labels[fields[0]] = fields[2]
            children[fields[1], default: []].append(fields[0])
        }
        func text(_ id: String, _ depth: Int) -> String {
            let below = (children[id] ?? []).map { text($0, depth + 1) }.sorted().joined()
            return String(repeating: "  ", count: depth) + Self.masked(labels[id] ?? "") + "\n" + below
        }
        return (children[""] ?? []).map { text($0, 0) }.sorted().joined()
    }

    /// Turn ids and the server's response ids differ between the two runs (the server makes new ids), nothing else.
    /// The days a response has left are left out too: the two runs end seconds apart, on either side of a day.
    static func masked(_ text: String) -> String {
        text.replacing(/expires in \d+ days?/, with: "expires in <days>").replacing(/resp_[0-9a-f]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{7,64}\b/, with: "<id>")
    }
}
