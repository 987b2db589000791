import ConvoStore
import Foundation
import ResponsesAPI

/// What `convo say` was asked to do.
public struct SayOptions: Sendable {
    /// The new user message.
    public var message: String
    /// `--model`, overriding config.
    public var model: String?
    /// `--instructions`, overriding config.
    public var instructions: String?
    /// `--temperature`.
    public var temperature: Double?
    /// `--max-output-tokens`.
    public var maxOutputTokens: Int?
    /// False with `--no-store`: the server keeps nothing, so the next turn replays.
    public var store: Bool
    /// Stream the answer (Server-Sent Events) instead of waiting for all of it.
    public var stream: Bool
    /// `--replay`: send the whole history even when the server still holds it.
    public var forceReplay: Bool
    /// `-b NAME`: start this branch at HEAD and put the turn on it.
    public var branch: BranchName?
    /// `--allow-insecure-http`: plain http to a host that is not loopback.
    public var allowInsecureHTTP: Bool
    /// Where to answer from: HEAD, `--regenerate` or `--at REV` (both on a new branch, `-b` or automatic).
    public var start: SayStart
    /// `-a`: images and documents sent with the message (text files are already in it).
    public var attachments: [DraftAttachment] = []
    /// `--preset NAME` (or chat's `/preset NAME`): its model, instructions and temperature unless options say otherwise.
    public var preset: String?

    /// Creates options; only the message is required.
    public init(
        message: String, model: String? = nil, instructions: String? = nil, temperature: Double? = nil,
        maxOutputTokens: Int? = nil, store: Bool = true, stream: Bool = false, forceReplay: Bool = false,
        branch: BranchName? = nil, allowInsecureHTTP: Bool = false, start: SayStart = .head
    ) {
        self.message = message
        self.model = model
        self.instructions = instructions
        self.temperature = temperature
        self.maxOutputTokens = maxOutputTokens
        self.store = store
        self.stream = stream
        self.forceReplay = forceReplay
        self.branch = branch
        self.allowInsecureHTTP = allowInsecureHTTP
        self.start = start
    }
}

/// A committed turn, for rendering.
public struct SayResult: Sendable {
    /// The new turn.
    public var turn: ObjectID
    /// Its shortest unique abbreviation.
    public var shortID: String
    /// The server's response id.
    public var responseID: String
    /// `completed`, `incomplete` or `failed`.
    public var status: String
    /// Why an incomplete response stopped, e.g. `max_output_tokens`.
    public var incompleteReason: String?
    /// The answer.
    public var outputText: String
    /// Token counts.
    public var usage: ConvoStore.TokenUsage?
    /// How the request travelled.
    public var route: SayRoute
    /// How many earlier turns a replay re-sent (0 otherwise).
    public var replayedTurns: Int
    /// Where HEAD went.
    public var placement: HeadAdvance
    /// The failure message of a failed response.
    public var failure: String?
}

/// `convo say`: one turn against the Responses API, committed only once the response is complete.
public enum Say {
    /// Sends the message and commits the turn.
    /// - Parameters:
    ///   - onText: receives streamed text as it arrives (only when `options.stream`).
    ///   - notice: receives lines for a person (replay notices), meant for stderr.
    public static func run(
        _ workspace: Workspace, _ options: SayOptions, onText: (String) -> Void = { _ in },
        notice: (String) -> Void = { _ in }
    ) async throws -> SayResult {
        let environment = workspace.environment
        let now = Int64(environment.now().timeIntervalSince1970)
        if options.start == .head {
            guard !options.message.allSatisfy(\.isWhitespace) else { throw SayError.emptyMessage }
        }

        let (point, tip, config, presets, cacheKey, size) = try workspace.repository.read { reader in
            let point = try StartPoint.resolve(options, reader: reader)
            let config = try ConfigKey.stored(reader)
            if let branch = point.newBranch {
                if try reader.target(of: branch.refName) != nil { throw SayError.branchExists(branch.rawValue) }
                try reader.refuseBranchInTheWay(of: branch)
            } else if point.fromHead, let branch = try reader.head().branch, try reader.target(of: branch.refName) == nil {
                // HEAD's unborn branch (`checkout --orphan a/b`) has no ref row, so a branch made since (`a`) may
                // stand in its way: the first turn could not be committed there, so refuse before sending.
                try reader.refuseBranchInTheWay(of: branch)
            }
            let presets = (
                explicit: try options.preset.map { try Presets.named($0, reader) },
                branch: try point.presetBranch(reader).flatMap { try Presets.ofBranch($0, reader) })
            let summary = try point.base.flatMap { try reader.summary($0) }
            let tip = try summary.map { try TipRecord.read($0, reader) }
            // Servers bill the whole chained context, so HEAD's input and output are the conversation's size.
            let size = summary.map { ($0.inputTokens ?? 0) &+ ($0.outputTokens ?? 0) } ?? 0
            return (point, tip, config, presets, try PromptCacheKey.next(after: point.base, now: now, reader), size)
        }
        let fitting = try ContextSettings.read(workspace)
        let regeneration = point.regeneration
        let message = MessageSource.withoutBlankEdges(regeneration?.message ?? options.message)
        guard !message.isEmpty else { throw SayError.emptyMessage }
        if let line = point.notice { notice(line) }
        let endpoint = try Settings.endpoint(config, environment, allowInsecureHTTP: options.allowInsecureHTTP)
        let attachments = options.attachments.isEmpty ? regeneration?.attachments ?? [] : options.attachments
        try Attachments.check(attachments, profile: endpoint.profile)
        let key = try APIKey.resolve(profile: endpoint.profile, environment: environment, config: config)
        let timeout = try RequestTimeout.resolve(config: config, variables: environment.variables)
        let retention = try Retention.days(configured: config[.retentionDays])
        let choices = Presets.choose(
            options: options, explicit: presets.explicit, regeneration: regeneration, branch: presets.branch,
            endpoint: endpoint, configuredModel: config[.model])
        let (model, instructions, temperature) = (choices.model, choices.instructions, choices.temperature)
        let maxOutputTokens = options.maxOutputTokens ?? regeneration?.maxOutputTokens

        var firstRoute = SayPlan.route(
            tip: tip, origin: endpoint.origin, retentionDays: retention, now: now,
            forceReplay: options.forceReplay)
        let serverCompacts = endpoint.profile.provider == .openai
        let threshold = tip == nil ? nil : fitting.compactsFirst(size: size, message: TokenEstimate.of(message), provider: endpoint.profile.provider)
        if let threshold, case .chain = firstRoute { firstRoute = .replay(.compactThreshold(threshold)) }
        let seen = SeenResponse()
        var store = options.store
        if store, !endpoint.profile.attachmentRules.storesImages, attachments.contains(where: { $0.kind == "image" }) {
            store = false
            notice("\(endpoint.profile.provider.rawValue) advises against storing image turns: this one is sent with store: false, and the next say replays it")
        }

        func send(_ client: any ResponsesService, _ route: SayRoute, budget: Int? = nil, threshold: Int? = nil) async throws -> Exchange {
            var history = route.isReplay ? try workspace.repository.read { try ReplayHistory.load($0, tip: point.base) } : []
            if case .replay(let reason) = route {
                let count = history.reduce(0) { $0 + $1.covers }
                notice("replaying \(count) earlier turn\(count == 1 ? "" : "s"): \(reason)")
            }
            let fit = try await fitting.fit(
                route.isReplay ? history : nil, message: DraftMessage(role: "user", text: message, attachments: attachments),
                instructions: instructions, model: model, maxOutputTokens: maxOutputTokens, budget: budget, atThreshold: threshold,
                parent: point.base,
                client: client, origin: endpoint.origin, now: now, notice: notice)
            history = fit?.history ?? history
            let sent = SayPlan.messages(route: route, message: DraftMessage(role: "user", text: message, attachments: attachments), history: history)
            // A replay re-sends earlier attachments too, perhaps to a provider that did not see them first.
            try Attachments.check(sent.flatMap(\.attachments), profile: endpoint.profile)
            let request = SayPlan.request(
                route: route, message: DraftMessage(role: "user", text: message, attachments: attachments),
                history: history, profile: endpoint.profile, model: model,
                instructions: instructions, store: store, temperature: temperature,
                maxOutputTokens: maxOutputTokens, promptCacheKey: cacheKey,
                compactThreshold: serverCompacts ? fitting.compactThreshold : nil)
            let response: ResponseObject
            if options.stream {
                response = try await client.stream(request) { event in
                    switch event {
                    case .created(let created): seen.id = created.id
                    case .textDelta(let text): onText(text)
                    default: break
                    }
                }
            } else {
                response = try await client.create(request)
            }
            return Exchange(
                route: route, request: request, response: response, replayedTurns: history.reduce(0) { $0 + $1.covers },
                sent: sent, context: fit?.record, compaction: fit?.compaction)
        }

        let exchange: Exchange
        do {
            exchange = try await environment.withService(baseURL: endpoint.profile.baseURL, apiKey: key, timeout: timeout) { client in
                do {
                    return try await send(client, firstRoute, threshold: threshold)
                } catch let error where !Task.isCancelled && ContextOverflow(error) != nil {
                    let budget = try fitting.afterOverflow(error, workspace: workspace, model: model, notice: notice)
                    return try await send(client, .replay(.contextOverflow), budget: budget)
                } catch let error as ResponsesAPIError {
                    guard case .chain(let previous) = firstRoute, !Task.isCancelled,
                        try await serverForgot(previous, error: error, client: client)
                    else { throw error }
                    // Remember it, so later commands (status, the next say) know without asking the server.
                    try workspace.repository.write { writer in
                        try writer.recordRemote(
                            RemoteKey(responseID: previous, origin: endpoint.origin), state: .expired, reason: "server 404")
                    }
                    return try await send(client, .replay(.serverForgot(responseID: previous)))
                }
            }
        } catch {
            if Task.isCancelled { throw SayError.interrupted(responseID: seen.id) }
            if case SayError.requestTimedOut(let timeout, nil, nil) = error {
                throw SayError.requestTimedOut(timeout, streamed: options.stream, responseID: seen.id)
            }
            if case ResponsesAPIError.streamInterrupted(let responseID, _) = error {
                throw SayError.streamBroken(responseID: responseID ?? seen.id, detail: "\(error)")
            }
            throw error
        }

        var draft = makeDraft(
            exchange, parent: point.base, instructions: instructions, origin: endpoint.origin, stored: store,
            createdAt: now)
        // A server that echoes the request could put the key in what is stored; it never reaches the store.
        draft.raw = draft.raw.map { environment.redact($0) }
        draft.error = draft.error.map { environment.redact($0) }
        let (id, short, placement) = try commit(draft, workspace, responseID: exchange.response.id, notice: notice) { writer in
            var draft = draft
            // A compaction made to fit this replay becomes the turn's parent, written with it or not at all.
            if let compaction = exchange.compaction { draft.parent = try writer.insert(compaction) }
            let id = try writer.insert(draft)
            let placement = try place(id, writer: writer, point: point, message: message)
            try Presets.keep(options, on: point.newBranch, placement: placement, writer: writer)
            return (id, try writer.read.abbreviation(of: id), placement)
        }
        let response = exchange.response
        return SayResult(
            turn: id, shortID: short, responseID: response.id, status: response.status.rawValue,
            incompleteReason: response.incompleteReason, outputText: response.outputText,
            usage: response.usage.map(storeUsage),
            route: exchange.route, replayedTurns: exchange.replayedTurns, placement: placement,
            failure: response.status == .failed ? (response.error?.message ?? "no reason given") : nil)
    }

    /// Whether `error`, the answer to a request chained to `previous`, shows that the server no longer has
    /// `previous`. Only an answer naming that response counts (see `ResponsesAPIError.from`); a 404 naming
    /// nothing (a wrong base URL, or a server that does not say which response it misses) is checked by asking
    /// for `previous` itself, and is believed only when that answer names it as not found.
    private static func serverForgot(
        _ previous: String, error: ResponsesAPIError, client: any ResponsesService
    ) async throws -> Bool {
        switch error {
        case .previousResponseNotFound: return true
        case .endpointNotFound:
            do {
                _ = try await client.retrieve(previous)
            } catch ResponsesAPIError.notFound {
                return true
            } catch {
                return false
            }
            return false
        default: return false
        }
    }

    /// Commits a received answer. A busy repository (a long gc, another writer) is waited for, with a notice,
    /// for up to `CONVO_SAVE_TIMEOUT` seconds (default 60); when the answer still cannot be committed, it is
    /// written to a rescue file and the error names it and the command that imports it.
    static func commit<T>(
        _ draft: TurnDraft, _ workspace: Workspace, responseID: String, notice: (String) -> Void,
        _ body: (StoreWriter) throws -> T
    ) throws -> T {
        let patience = Rescue.patience(workspace.environment.variables)
        let start = ContinuousClock.now
        var noticed = false
        var reason = ""
        while true {
            let elapsed = start.duration(to: .now)
            let left = patience - Double(elapsed.components.seconds) - Double(elapsed.components.attoseconds) / 1e18
            // The first wait is short, so that a person hears within a second why say has not finished.
            let wait = max(0, min(noticed ? Repository.busyTimeout : 1, left))
            do {
                return try workspace.repository.write(waitingAtMost: wait, body)
            } catch StoreError.busy(let detail) {
                reason = "the repository stayed busy for \(Int(patience)) s: \(detail)"
                if !noticed {
                    notice("the repository is busy (gc?); still trying to save response \(responseID)…")
                    noticed = true
                }
                if start.duration(to: .now) >= .seconds(patience) { break }
            } catch {
                reason = "\(error)"
                break
            }
        }
        let line = Rescue.line(draft, branch: Rescue.branch(responseID: responseID))
        let stamp = Timestamps.format(draft.createdAt).filter { $0.isNumber }
        let file = Rescue.save(
            line, name: "\(stamp)-\(Rescue.branch(responseID: responseID).dropFirst("rescued/".count))",
            repository: workspace.repository.directory, variables: workspace.environment.variables,
            files: workspace.environment.files)
        throw SayError.answerNotSaved(responseID: responseID, reason: reason, file: file, line: line)
    }

    /// Moves HEAD (after creating the new branch at the start point) to the new turn.
    private static func place(
        _ id: ObjectID, writer: StoreWriter, point: StartPoint, message: String
    ) throws -> HeadAdvance {
        let tip = point.base
        let subject = (point.regeneration == nil ? "say: " : "say (regenerate): ") + String(message.prefix { !$0.isNewline }.prefix(60))
        if let branch = point.onBranch { return try NewConversation.place(id, on: branch, from: tip, writer: writer, message: subject) }
        if let branch = point.newBranch {
            let existing = try writer.read.target(of: branch.refName)
            if existing != nil {
                // Another process created the branch while the answer was on its way.
                let aside = try writer.branchAside(id, after: branch.rawValue, message: subject + " (\(branch) created meanwhile)")
                return .movedMeanwhile(branch: branch, actual: existing, placedOn: aside)
            }
            if let blocker = try writer.read.branchInTheWay(of: branch) {
                // Or one git cannot keep beside it (`a` for `a/b`): name that one, not a/b.
                let aside = try writer.branchAside(id, after: branch.rawValue, message: subject + " (\(blocker) made meanwhile in \(branch)'s way)")
                return .blockedMeanwhile(branch: branch, by: blocker, placedOn: aside)
            }
            try writer.createBranchAndCheckout(
                branch, at: tip, message: "branch: created from \(point.fromHead ? "HEAD" : tip?.abbreviated() ?? "HEAD")")
        }
        return try writer.advanceHead(to: id, expecting: tip, message: subject)
    }

    static func makeDraft(
        _ exchange: Exchange, parent: ObjectID?, instructions: String?, origin: String, stored: Bool, createdAt: Int64
    ) -> TurnDraft {
        let request = exchange.request, response = exchange.response
        var parameters = [String: JSONValue]()
        if let temperature = request.temperature { parameters["temperature"] = .double(temperature) }
        if let tokens = request.maxOutputTokens { parameters["max_output_tokens"] = .int(Int64(tokens)) }
        if let context = exchange.context { parameters["context"] = context }
        return TurnDraft(
            parent: parent, model: request.model, instructions: instructions,
            input: exchange.sent ?? request.input.map { DraftMessage(role: $0.role.rawValue, text: $0.text) },
            parameters: parameters,
            previousResponseID: request.previousResponseID, responseID: response.id, status: response.status.rawValue,
            responseModel: response.model,
            output: response.output.map { DraftOutputItem(type: $0.type, id: $0.id, role: $0.role, text: $0.text) },
            usage: response.usage.map(storeUsage),
            raw: String(decoding: response.raw, as: UTF8.self), error: response.error?.message, origin: origin,
            stored: stored, replay: exchange.route.isReplay, createdAt: createdAt)
    }
}

func storeUsage(_ usage: ResponsesAPI.Usage) -> ConvoStore.TokenUsage {
    ConvoStore.TokenUsage(
        inputTokens: Int64(usage.inputTokens), outputTokens: Int64(usage.outputTokens),
        cachedTokens: usage.cachedTokens.map(Int64.init), reasoningTokens: usage.reasoningTokens.map(Int64.init))
}

/// One request and the response it got.
struct Exchange: Sendable {
    var route: SayRoute
    var request: CreateResponseRequest
    var response: ResponseObject
    var replayedTurns: Int
    /// The messages sent, as they are stored (attachments with their bytes, not their data URLs); nil when
    /// they are the request's own messages, text only.
    var sent: [DraftMessage]? = nil
    /// What a replay fitted to the context window sent (the turn's `context` parameter).
    var context: JSONValue? = nil
    /// The compaction turn a replay made to fit, committed as the new turn's parent.
    var compaction: TurnDraft? = nil
}

/// The response id announced by `response.created`, kept for the message after an interruption.
final class SeenResponse: @unchecked Sendable {
    private let lock = NSLock()
    private var value: String?

    var id: String? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
