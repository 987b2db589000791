import ConvoStore

/// Where `say` answers from.
public enum SayStart: Equatable, Sendable {
    /// From HEAD: the usual turn.
    case head
    /// `--regenerate`: HEAD's question again, from HEAD's parent, on a new branch.
    case regenerate
    /// `--at REV`: from an earlier turn, on a new branch (`git checkout -b NAME REV` and a commit).
    case at(String)
    /// `--new`: a new conversation with no parent, on a new branch (`-b` or named from the message).
    case new
    /// `--on BRANCH`: from the branch's tip; the branch moves, HEAD does not.
    case on(BranchName)
}

/// What `--regenerate` asks again: HEAD's turn's newest user message with its model, instructions and
/// parameters. Options given on the command line override each of them.
public struct Regeneration: Equatable, Sendable {
    /// The user message.
    public var message: String
    /// The model asked for (nil: the configured one).
    public var model: String?
    /// The instructions in force (nil: none).
    public var instructions: String?
    /// `temperature`, when it was set.
    public var temperature: Double?
    /// `max_output_tokens`, when it was set.
    public var maxOutputTokens: Int?
    /// The message's files and images, sent again with it.
    public var attachments: [DraftAttachment]

    /// Creates a regeneration.
    public init(
        message: String, model: String?, instructions: String?, temperature: Double?, maxOutputTokens: Int?,
        attachments: [DraftAttachment] = []
    ) {
        self.attachments = attachments
        self.message = message
        self.model = model
        self.instructions = instructions
        self.temperature = temperature
        self.maxOutputTokens = maxOutputTokens
    }
}

extension SayPlan {
    /// What regenerating a turn sends: its newest user message (for a replayed turn, not the history it
    /// re-sent, which the parent's conversation supplies again), its model, instructions and parameters.
    public static func regeneration(
        input: [DraftMessage], model: String?, instructions: String?, parameters: [String: JSONValue]
    ) -> Regeneration {
        let temperature: Double? = switch parameters["temperature"] {
        case .double(let value): value
        case .int(let value): Double(value)
        default: nil
        }
        return Regeneration(
            message: input.newestUserMessage?.text ?? "", model: model, instructions: instructions,
            temperature: temperature, maxOutputTokens: parameters["max_output_tokens"]?.intValue.map { Int($0) },
            attachments: input.newestUserMessage?.attachments ?? [])
    }

    /// The stem of automatic `--regenerate` branch names: `<branch>-regen`, where regenerating on
    /// `main-regen-1` gives `main-regen-2`, not `main-regen-1-regen-1`.
    public static func regenerationStem(branch: String) -> String {
        if let range = branch.range(of: #"-regen-[0-9]+$"#, options: .regularExpression) {
            return String(branch[..<range.lowerBound]) + "-regen"
        }
        return branch + "-regen"
    }

    /// The first free name of `stem-1`, `stem-2`, … (`numbered`), or `stem`, `stem-2`, … (not numbered).
    /// A stem that is not a valid branch name falls back to `fallback`.
    public static func newBranchName(
        stem: String, numbered: Bool, fallback: String, exists: (BranchName) throws -> Bool
    ) throws -> BranchName {
        let stem = BranchName.violation(in: stem + "-1") == nil ? stem : fallback
        var number = numbered ? 1 : 0
        while true {
            let name = try BranchName(number == 0 ? stem : "\(stem)-\(number)")
            if try !exists(name) { return name }
            number = number == 0 ? 2 : number + 1
        }
    }
}

/// Where a `say` commits: the turn it answers from, and the branch it creates first (if any).
struct StartPoint: Sendable {
    /// The parent of the new turn.
    var base: ObjectID?
    /// The branch to create at `base` and move HEAD to before committing (`-b`, `--regenerate`, `--at`).
    var newBranch: BranchName?
    /// Whether `base` is HEAD's turn.
    var fromHead: Bool
    /// What `--regenerate` asks again.
    var regeneration: Regeneration?
    /// A line for stderr saying what happens.
    var notice: String?
    /// `--on`: the branch that moves to the new turn instead of HEAD.
    var onBranch: BranchName?

    /// The branch whose preset (`branch --preset`) applies: the branch answered on (`--on`), else HEAD's branch
    /// when the turn continues HEAD's conversation; a new conversation, `--at` and `--regenerate` take none.
    func presetBranch(_ reader: StoreReader) throws -> BranchName? {
        if let onBranch { return onBranch }
        return fromHead ? try reader.head().branch : nil
    }

    static func resolve(_ options: SayOptions, reader: StoreReader) throws -> StartPoint {
        let head = try reader.head()
        func exists(_ name: BranchName) throws -> Bool { try reader.isTakenForANewBranch(name) }
        switch options.start {
        case .head:
            return StartPoint(base: head.tip, newBranch: options.branch, fromHead: true)
        case .regenerate:
            guard let tip = head.tip else { throw StoreError.unbornBranch(head.branch?.rawValue ?? "HEAD") }
            let details = try TurnDetails(reader, id: tip, turn: try reader.turn(tip), refs: [])
            let short = try reader.abbreviation(of: tip)
            let branch = try options.branch ?? SayPlan.newBranchName(
                stem: SayPlan.regenerationStem(branch: head.branch?.rawValue ?? short), numbered: true, fallback: "regen-\(short)", exists: exists)
            let parent = details.turn.parent
            let from = try parent.map { "its parent \(try reader.abbreviation(of: $0))" } ?? "nothing (it is a first turn)"
            let stays = head.branch.map { "'\($0)' stays at \(short)" } ?? "HEAD was detached at \(short)"
            return StartPoint(
                base: parent, newBranch: branch, fromHead: false,
                regeneration: SayPlan.regeneration(
                    input: details.input, model: details.turn.request.model, instructions: details.instructions,
                    parameters: details.turn.request.parameters),
                notice: "regenerating \(short) from \(from) on new branch '\(branch)'; \(stays)")
        case .new: return try NewConversation.startPoint(options, reader: reader)
        case .on(let branch): return try NewConversation.startPoint(on: branch, reader: reader)
        case .at(let revision):
            let base = try reader.resolve(revision)
            let short = try reader.abbreviation(of: base)
            let branch = try options.branch ?? SayPlan.newBranchName(
                stem: "at-\(short)", numbered: false, fallback: "at-\(short)", exists: exists)
            let stays = head.branch.map { "'\($0)' stays at \(head.tip.map { $0.abbreviated() } ?? "no turn")" } ?? "HEAD was detached"
            return StartPoint(
                base: base, newBranch: branch, fromHead: false,
                notice: "answering from \(short) on new branch '\(branch)'; \(stays)")
        }
    }
}
