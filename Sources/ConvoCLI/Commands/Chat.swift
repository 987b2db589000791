import ArgumentParser
import ConvoKit
import Foundation

struct ChatCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "chat",
        abstract: "Hold a conversation at a prompt; every answer is the turn 'convo say' would commit.",
        discussion: """
            One process for the whole session: one repository connection, one HTTP client whose connections \
            stay open. Each message is answered from HEAD exactly as 'convo say MESSAGE' would (same turn, same \
            replay rule, same reflog); the answer streams on a terminal and the summary line goes to stderr. \
            Lines starting with '/' are commands (/help lists them): /log, /show, /status, /branch, /checkout, \
            /fork (checkout -b), /diff and /search print what the subcommand of the same name prints; \
            /regenerate and /at REV MESSAGE are say --regenerate and say --at; /new [NAME] starts a new \
            conversation with the next message; /back [N] moves HEAD and its branch N turns back (the reflog keeps \
            the rest); /model [NAME], /instructions [TEXT] and /preset [NAME|--none] choose what the following \
            messages send (as say's --model, --instructions and --preset); /attach PATH sends a file with the next \
            message; /copy copies the last answer; /edit writes the next message in $EDITOR; /quit leaves. A line \
            holding only \"\"\" starts and ends a message of several lines; a line ending in \\ continues on the \
            next.

            On a terminal the prompt is the system's libedit: the emacs keys (arrows, Ctrl-A/E/W/U), Ctrl-R \
            searches the history, which is kept in .convo/chat_history (mode 0600, the last 1000 lines; an entry \
            holding the API key is left out), a pasted block is one message, and Tab completes the commands and, \
            after them, branches, revisions and presets. Ctrl-C at the prompt drops the line and says how to leave.

            Ctrl-C while an answer streams stops it: nothing is committed, and the notice names 'convo fetch <id>' \
            when the server had started a response. Ctrl-D (or /quit) leaves. A terminal that closes while an \
            answer streams (a closed window, a dropped ssh connection) ends the session only once that answer is \
            committed.

            When stdin is not a terminal, chat reads one message per line (or per \"\"\" block), answers each in \
            turn and writes only the answers (or, with --json, one 'say --json' object per turn) on stdout. A \
            failing message stops the session there: stderr names it, every earlier turn stays committed, and the \
            exit status is the one 'convo say' would have.

            Examples:
              convo chat
              convo chat --new
              convo chat travel
              printf 'Hello\\nWhat did I just say?\\n' | convo chat --json | jq -r .output_text
            """)

    @Argument(help: "Check this branch or turn out first, as 'convo checkout REV' does.", completion: DynamicCompletion.revision)
    var revision: String?
    @Flag(help: "The first message starts a new conversation on a new branch (named from it).") var new = false
    @Option(
        help: ArgumentHelp("Answer on this branch's conversation: the branch moves, HEAD stays.", valueName: "branch"),
        completion: DynamicCompletion.branch, transform: branchName)
    var on: NewBranchName?
    @Flag(help: "Print one JSON object per turn, as 'convo say --json' does.") var json = false

    func validate() throws {
        if let revision, new || on != nil {
            throw ValidationError("chat \(revision) checks a revision out; it takes no --new or --on")
        }
        if new && on != nil { throw ValidationError("give --new or --on, not both") }
    }

    func run(_ context: CommandContext) async throws {
        let start: ChatStart = new ? .new(nil) : on.map(ChatStart.on) ?? revision.map(ChatStart.revision) ?? .head
        let session = try ChatSession(context.environment, start: start)
        var sessionContext = context
        sessionContext.session = session.workspace
        sessionContext.environment = session.workspace.environment
        let loop = ChatLoop(context: sessionContext, session: session, json: json)
        let input = makeChatInput(context.environment, folder: session.folder, complete: { ChatCompleter.complete($0, workspace: session.workspace) })
        do {
            try await loop.run(input)
        } catch {
            await session.close()
            throw error
        }
        await session.close()
    }
}
