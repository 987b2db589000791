import Foundation
import Testing

/// Issue 13's "done when": a 50-turn conversation with forks and regenerations held in one `convo chat`, and the
/// same conversation made with one `convo say` (or `convo checkout`) per step. Afterwards both repositories hold
/// the same history: the same turns with the same parent links on the same branches, and the same reflog.
@Suite struct ChatScenarioBinaryTests {
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

    @Test(arguments: ["xai", "openai"])
    func fiftyTurnsInOneChatAreTheTurnsSayWouldHaveMade(flavor: String) throws {
        let emulator = try EmulatorProcess(["--flavor", flavor, "--api-key", "e2e-key"])
        defer { emulator.stop() }
        let chatShell = try BinaryRunner.repository(talkingTo: emulator)
        defer { chatShell.cleanUp() }
        let sayShell = try BinaryRunner.repository(talkingTo: emulator)
        defer { sayShell.cleanUp() }
        let steps = Self.conversation()

        let chat = try chatShell.run("chat", stdin: Data(steps.map { $0.line + "\n" }.joined().utf8))
        #expect(chat.status == 0, "\(chat.err)")
        var answers = ""
        for step in steps {
            let result = try sayShell.finish(sayShell.start(step.subcommand))
            #expect(result.status == 0, "\(step.subcommand): \(result.err)")
            answers += result.out
        }
        #expect(chat.out == answers)

        let turns = try chatShell.run("log", "--all", "--oneline")
        #expect(turns.lines.count == 50, "\(turns.out)")
        // The same tree of turns: each with its question, answer, model, tokens, server state and refs, under the
        // same parent. (`log --graph` would show it too, but orders turns made in the same second by id.)
        let trees = try [chatShell, sayShell].map { shell in
            try tree(shell.run("log", "--all", "--format=%H\t%P\t%s -> %a [%m, %t tokens, %R] (%D)").lines)
        }
        #expect(trees[0] == trees[1])
        #expect(trees[0].contains("Message 46: what's my name? -> Your name is Alice. [grok-4, 276 tokens, live] (HEAD -> rome-regen-1)"))
        for check in [["branch"], ["status"], ["reflog"], ["reflog", "main"], ["reflog", "travel"], ["reflog", "rome-regen-1"]] {
            let fromChat = try chatShell.finish(chatShell.start(check)), fromSay = try sayShell.finish(sayShell.start(check))
            #expect(fromChat.status == 0, "\(check): \(fromChat.err)")
            #expect(
                masked(fromChat.out.replacingOccurrences(of: chatShell.folder.path, with: "<folder>"))
                    == masked(fromSay.out.replacingOccurrences(of: sayShell.folder.path, with: "<folder>")), "\(check)")
        }
        #expect(try chatShell.run("fsck").status == 0)
    }

    /// The turns of `log --format=%H<tab>%P<tab>LABEL` lines as one text without ids: each label, then its children's
    /// texts in sorted order, indented.
    func tree(_ lines: [String]) -> String {
        var labels = [String: String](), children = [String: [String]]()
        for line in lines {
            let fields = line.split(separator: "\t", maxSplits: 2, omittingEmptySubsequences: false).map(String.init)
            guard fields.count == 3 else { continue }
            labels[fields[0]] = fields[2]
            children[fields[1], default: []].append(fields[0])
        }
        func text(_ id: String, _ depth: Int) -> String {
            let below = (children[id] ?? []).map { text($0, depth + 1) }.sorted().joined()
            return String(repeating: "  ", count: depth) + masked(labels[id] ?? "") + "\n" + below
        }
        return (children[""] ?? []).map { text($0, 0) }.sorted().joined()
    }

    /// Turn ids and the server's response ids differ between the two runs (the server makes new ids), nothing else.
    func masked(_ text: String) -> String {
        text.replacing(/resp_[0-9a-f]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\b[0-9a-f]{7,64}\b/, with: "<id>")
    }
}
