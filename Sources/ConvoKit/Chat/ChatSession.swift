import ConvoStore
import Foundation

/// Where `convo chat` starts.
public enum ChatStart: Equatable, Sendable {
    /// HEAD, as `say` answers from it.
    case head
    /// `convo chat REV`: check REV out first (a branch, or a detached turn), as `convo checkout REV` does.
    case revision(String)
    /// `--new`: the first message starts a new conversation on a new branch (named from it, or `name`).
    case new(NewBranchName?)
    /// `--on BRANCH`: every message answers on that branch; HEAD stays where it is.
    case on(NewBranchName)
}

/// One `convo chat` session: one repository connection and one kept-alive client for every turn, and the
/// choices made inside the session (`/model`, `/instructions`, `/preset`, `/attach`, `/new`). Every message becomes the
/// turn `convo say` would commit: it goes through ``Say`` itself, never a copy of it.
public final class ChatSession: @unchecked Sendable {
    /// The repository, opened once, with an environment whose client factory keeps its clients open.
    public let workspace: Workspace
    private let services: KeptServices
    /// How the next message is answered.
    public private(set) var mode: ChatStart
    /// `/model NAME`: the model of the following turns (nil: config, else the provider's).
    public var model: String?
    /// `/instructions TEXT`: the instructions of the following turns (nil: config).
    public var instructions: String?
    /// `/preset NAME`: the preset of the following turns, as `say --preset NAME` (nil: none of the session's own).
    public private(set) var preset: String?
    /// `/attach PATH`: files that go with the next message.
    public private(set) var attachments = LoadedAttachments(attachments: [], textBlocks: [])
    /// The last answer of this session, for `/copy`.
    public private(set) var lastAnswer: String?

    /// Opens the repository of `environment` (creating the home repository, as `say` does) and moves to `start`.
    public init(_ environment: ConvoEnvironment, start: ChatStart) throws {
        var environment = environment
        services = KeptServices(environment.services)
        environment.services = services
        workspace = try Workspace.open(environment, createHome: true)
        mode = start
        if case .revision(let revision) = start {
            _ = try Navigation.checkout(workspace, revision)
            mode = .head
        }
    }

    /// The repository's folder (nil for an in-memory one).
    public var folder: URL? { workspace.repository.directory }

    /// Closes the session's clients.
    public func close() async { await services.close() }

    /// Answers `message` as `say MESSAGE` would (with `--new`/`--on` as the session started), and commits it.
    public func say(
        _ message: String, stream: Bool, onText: (String) -> Void, notice: (String) -> Void
    ) async throws -> SayReport {
        var options = SayOptions(message: attachments.message(message), model: model, instructions: instructions, stream: stream)
        options.attachments = attachments.attachments
        options.preset = preset
        switch mode {
        case .head, .revision: break
        case .new(let name):
            options.start = .new
            options.branch = name?.name
        case .on(let branch): options.start = .onBranch(branch)
        }
        let report = try await Say.report(workspace, options, onText: onText, notice: notice)
        attachments = LoadedAttachments(attachments: [], textBlocks: [])
        if case .new = mode { mode = .head }
        lastAnswer = report.outputText
        return report
    }

    /// `/regenerate` (`say --regenerate`) or `/at REV MESSAGE` (`say --at REV MESSAGE`); HEAD moves to the new branch.
    public func answer(
        from start: SayStart, message: String = "", stream: Bool, onText: (String) -> Void, notice: (String) -> Void
    ) async throws -> SayReport {
        var options = SayOptions(message: message, model: model, instructions: instructions, stream: stream, start: start)
        options.attachments = attachments.attachments
        options.preset = preset
        options.message = attachments.message(message)
        let report = try await Say.report(workspace, options, onText: onText, notice: notice)
        attachments = LoadedAttachments(attachments: [], textBlocks: [])
        mode = .head
        lastAnswer = report.outputText
        return report
    }

    /// `/attach PATH`: checked and read now, so that a missing file is said at once; sent with the next message.
    public func attach(_ path: String) throws {
        let loaded = try Attachments.load([path], environment: workspace.environment)
        attachments.attachments += loaded.attachments
        attachments.textBlocks += loaded.textBlocks
    }

    /// `/preset NAME`: checked now (an unknown name is said at once, listing the defined ones) and used by every
    /// following message until `/preset --none`. Returns the preset.
    public func usePreset(_ name: String) throws -> Preset {
        let found = try Presets.named(name, in: workspace)
        preset = found.name
        return found
    }

    /// `/preset --none`: the following messages use no preset of the session's (a branch's own still applies).
    public func dropPreset() { preset = nil }

    /// `/new [NAME]`: the next message starts a new conversation.
    public func startNew(_ name: NewBranchName?) { mode = .new(name) }

    /// `/checkout` and `/fork` moved HEAD: the following messages answer from it.
    public func followHead() { mode = .head }

    /// `/back [N]`: moves HEAD (and its branch) N turns towards the root. Nothing is deleted: the turns stay in
    /// the store, and the reflog names the turn HEAD left.
    public func back(_ count: Int) throws -> ChatBack {
        try workspace.repository.write { writer in
            let head = try writer.read.head()
            guard let tip = head.tip else { throw StoreError.unbornBranch(head.branch?.rawValue ?? "HEAD") }
            let target = try writer.read.resolve("HEAD~\(count)")
            _ = try writer.advanceHead(to: target, expecting: tip, message: "chat: back \(count) from \(tip.abbreviated())")
            return ChatBack(from: tip.abbreviated(), to: try writer.read.abbreviation(of: target), branch: head.branch?.rawValue)
        }
    }

    /// What the prompt shows: HEAD's branch (or detached short id, or `--on`'s branch), and whether the next
    /// message replays because the server no longer holds HEAD's response.
    public func prompt() throws -> ChatPrompt {
        if case .on(let branch) = mode { return ChatPrompt(place: branch.description, replays: false, newConversation: false) }
        let status = try Inspection.status(workspace)
        let place: String
        switch status.head {
        case .branch(let name, _): place = name.rawValue
        case .detached(let id): place = id.abbreviated()
        }
        if case .new = mode { return ChatPrompt(place: place, replays: false, newConversation: true) }
        return ChatPrompt(place: place, replays: status.tip != nil && (status.nextSay?.isReplay ?? false), newConversation: false)
    }
}

/// What `/back` did.
public struct ChatBack: Sendable, Equatable {
    /// The turn HEAD left (abbreviated).
    public var from: String
    /// The turn HEAD is at now (abbreviated).
    public var to: String
    /// HEAD's branch, which moved with it (nil when detached).
    public var branch: String?
}

/// What the chat prompt says about where the session stands.
public struct ChatPrompt: Sendable, Equatable {
    /// The branch, or a detached HEAD's short id.
    public var place: String
    /// The server no longer holds HEAD's response: the next message replays the local history.
    public var replays: Bool
    /// The next message starts a new conversation (`/new`, `--new`).
    public var newConversation: Bool
}
