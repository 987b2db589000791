import ArgumentParser
import ConvoKit
import Foundation

struct SayCommand: ConvoCommand {
    static let configuration = CommandConfiguration(
        commandName: "say",
        abstract: "Send one message to the model and commit the answer as a new turn.",
        discussion: """
            The message is the arguments, joined by spaces; when stdin is not a terminal, what it carries \
            follows after a blank line (or stands where a '-' argument is). With no arguments it is stdin, else \
            what you write in $VISUAL or $EDITOR above the scissors line (kept as written, '#' lines too; an \
            empty message aborts). Only the new message is sent, with HEAD's response \
            as previous_response_id; when the server no longer holds it (expired, not stored, another server) \
            the local history is replayed instead, and stderr says so. Stdout carries only the answer \
            (or the JSON); the summary line goes to stderr.

            --regenerate asks HEAD's question again (its message, model, instructions and parameters; options \
            given override them) from HEAD's parent, and commits the new answer as a sibling on a new branch \
            (-b NAME, else <branch>-regen-1, -2, …); HEAD moves to it, the old branch stays where it was. \
            --at REV answers MESSAGE from the earlier turn REV on a new branch (-b NAME, else at-<short id>), \
            like 'git checkout -b NAME REV' and a commit: HEAD moves to the new branch, no existing branch \
            moves. Compare the two answers with 'convo diff'. --new starts a conversation with no parent on a \
            new branch (-b NAME, else named from the message's first words, e.g. plan-a-trip-to-rome) and moves \
            HEAD there. --on BRANCH answers on that branch's conversation: the branch moves, HEAD does not.

            Outside any .convo/ (and without CONVO_DIR or -C) say uses, and first creates, the home repository \
            $XDG_DATA_HOME/convo (default ~/.local/share/convo), set up for OpenAI when OPENAI_API_KEY is the \
            only provider key set, else for xAI.

            Parallel says on one branch: an answer keeps the turn it was asked from as its parent. When the \
            branch (or a detached HEAD) moved while the answer was on its way, the answer is committed onto a new \
            branch <branch>-2, -3, … (detached-<short id> for a detached HEAD); HEAD stays where the other process \
            put it, and stderr (and --json's branch) says where the answer went. If the repository stays busy \
            (another writer holds its lock), say keeps trying for CONVO_SAVE_TIMEOUT seconds (default 60) with a \
            notice; if it still cannot commit, it writes the answer to .convo/rescue/<time>-<id>.jsonl and exits 9 \
            naming it: 'convo import <file>' stores it (or 'convo fetch <id>' while the server keeps it).

            A request waits for the server up to request_timeout seconds (default 600; CONVO_REQUEST_TIMEOUT \
            overrides it for one command): without --stream that is the whole answer; streamed, it is the wait \
            for the stream to begin and between its events. When it runs out, say exits 8 and commits nothing; \
            a non-streamed say has no response id to fetch the answer by, so ask a slow model with --stream or \
            a longer request_timeout.

            -a PATH|URL (repeatable) attaches a file: an image (PNG, JPEG, GIF, WEBP, known by its bytes) goes \
            as input_image, a PDF or Office document as input_file, a text file is put into the message as a \
            fenced block headed with its name; an https:// URL is passed as is. Sizes and types are checked \
            against the provider's documented limits before anything is sent (exit 5). The bytes are kept in \
            the repository, so a replay sends them again. xAI takes JPEG and PNG only, documents only by URL, \
            and advises against storing image turns: those are sent with store: false and the next say replays.

            --preset NAME uses the model, instructions and temperature of 'convo config preset.NAME.*' for this \
            turn; with --new the new conversation keeps it. A branch given a preset ('convo branch --preset NAME \
            BRANCH') uses it for every say that continues it. An option \
            given wins over --preset, which wins over the regenerated turn, the branch's preset and config. \
            Instructions follow the provider's rule whatever set them (OpenAI: sent on every turn; xAI: only on \
            the first turn of a chain).

            Key: CONVO_API_KEY, else the provider's variable (XAI_API_KEY, OPENAI_API_KEY), else the output of \
            config api_key_command. Base URL: CONVO_BASE_URL, else config base_url, else the provider's.

            Examples:
              convo say "Hello, my name is Alice. Remember this."
              git diff | convo say --no-stream "Review this diff" > review.md
              convo say "Summarize:" < notes.md
              convo say -a screenshot.png -a error.log "What went wrong?"
              convo say "Translate" - "into French" < letter.txt
              convo say --new "Plan a trip to Rome"
              convo say --preset reviewer "Review this diff" < change.diff
              convo say --on travel "And a day in Florence?"
              convo say -b travel "Plan a trip to Rome instead"
              convo say --regenerate --model grok-3-mini && convo diff main HEAD
              convo say --at HEAD~2 -b rome "Plan a trip to Rome instead"
              convo say --json --replay "Summarize our conversation" | jq -r .output_text
            """)

    @Argument(help: "The message (joined by spaces); '-' stands for stdin.") var message: [String] = []
    @Option(help: "The model to ask (default: config model, else the provider's).") var model: String?
    @Option(help: "Instructions (system prompt) for this turn, overriding config.") var instructions: String?
    @Option(help: "Sampling temperature, from 0 to 2.", transform: SayValues.temperature) var temperature: Double?
    @Option(
        help: ArgumentHelp("Use this preset's model, instructions and temperature (config preset.NAME.*); options given override them.", valueName: "name"),
        completion: DynamicCompletion.preset)
    var preset: String?
    @Option(help: "Upper bound on generated tokens, 1 or more.", transform: SayValues.outputTokens) var maxOutputTokens: Int?
    @Flag(help: "Ask the server not to store the response (the next say replays).") var noStore = false
    @Flag(inversion: .prefixedNo, help: "Stream the answer as it arrives (default: when stdout is a terminal).")
    var stream: Bool?
    @Flag(help: "Print one JSON object: turn, response_id, output_text, usage, replay.") var json = false
    @Option(
        name: .customShort("b"),
        help: ArgumentHelp("Start this branch (at HEAD, or where --regenerate/--at start) and put the turn on it.", valueName: "name"),
        transform: branchName)
    var branch: NewBranchName?
    @Flag(help: "Send the whole local history instead of previous_response_id.") var replay = false
    @Flag(help: "Ask HEAD's question again from HEAD's parent, on a new branch (takes no message).") var regenerate = false
    @Option(
        name: .customLong("at"), help: ArgumentHelp("Answer from this earlier turn, on a new branch.", valueName: "rev"),
        completion: DynamicCompletion.revision)
    var at: String?
    @Flag(help: "Start a new conversation with no parent, on a new branch (-b, else named from the message).")
    var new = false
    @Option(
        help: ArgumentHelp("Answer on this branch's conversation: the branch moves, HEAD stays.", valueName: "branch"),
        completion: DynamicCompletion.branch, transform: branchName)
    var on: NewBranchName?
    @Flag(help: "Allow plain http to a host that is not loopback (sends the key in clear text).")
    var allowInsecureHTTP = false
    @Option(
        name: .customShort("a"),
        help: ArgumentHelp("Attach a file or image (repeatable): an image or a PDF is sent with the message, a text file is put into it; an https:// URL is passed as is.", valueName: "path|url"),
        completion: .file())
    var attach: [String] = []

    func validate() throws {
        if let model, model.allSatisfy(\.isWhitespace) {
            throw ValidationError("--model is empty: give a model's name ('convo models' lists the server's)")
        }
        if regenerate && at != nil { throw ValidationError("give --regenerate or --at, not both") }
        if new && (at != nil || regenerate) {
            throw ValidationError("--new starts a conversation with no parent; it takes no --at or --regenerate (to answer from an earlier turn: convo say --at REV MESSAGE)")
        }
        if let on, new || at != nil || regenerate || branch != nil {
            throw ValidationError("--on \(on) answers on an existing branch; it takes no --new, --at, --regenerate or -b")
        }
        if regenerate && !message.isEmpty {
            throw ValidationError("--regenerate asks HEAD's question again and takes no message; to ask something else from HEAD's parent: convo say --at HEAD~1 MESSAGE")
        }
    }

    func run(_ context: CommandContext) async throws {
        // The message first, so that a bad one creates no home repository; but the repository before an editor
        // opens, so that nobody writes a message only to learn there is nowhere to keep it.
        var opened: Workspace?
        // Attachments before anything is opened: a missing or unusable file writes nothing.
        let attachments = try Attachments.load(attach, environment: context.environment)
        let typed = regenerate ? "" : try MessageSource.read(context.environment, arguments: message) {
            let workspace = try Workspace.open(context.environment, createHome: true)
            opened = workspace
            return try MessageSource.previousTurn(workspace)
        }
        let text = attachments.message(typed)
        let workspace = try opened ?? Workspace.open(context.environment, createHome: true)
        let start: SayStart = regenerate ? .regenerate : new ? .new : on.map(SayStart.onBranch) ?? at.map(SayStart.at) ?? .head
        let options = SayOptions(
            message: text, model: model, instructions: instructions,
            temperature: temperature, maxOutputTokens: maxOutputTokens, store: !noStore,
            stream: stream ?? context.environment.outputIsTerminal, forceReplay: replay, newBranch: branch,
            allowInsecureHTTP: allowInsecureHTTP, start: start, attachments: attachments.attachments, preset: preset)
        try await SayRendering.answer(context, json: json, stream: options.stream) { onText, notice in
            try await Say.report(workspace, options, onText: onText, notice: notice)
        }
    }
}

/// Parses say's numeric options, so that a value no provider accepts is a usage error before anything is sent.
enum SayValues {
    /// `--temperature`: xAI and OpenAI both document 0 to 2; NaN and the infinities cannot even be written as JSON.
    static func temperature(_ text: String) throws -> Double {
        guard let value = Double(text), value.isFinite, (0...2).contains(value) else {
            throw ValidationError("the temperature must be a number from 0 to 2")
        }
        return value
    }

    /// `--max-output-tokens`: a positive whole number (a server may ask for more, e.g. OpenAI's 16, and says so).
    static func outputTokens(_ text: String) throws -> Int {
        guard let value = Int(text), value >= 1 else { throw ValidationError("the limit must be a whole number of tokens, 1 or more") }
        return value
    }
}
