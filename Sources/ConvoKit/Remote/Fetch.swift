import ConvoStore
import Foundation
import ResponsesAPI

/// What `convo fetch` was asked to do.
public struct FetchOptions: Sendable {
    /// The server's response id: the newest turn of the conversation to bring in.
    public var responseID: String
    /// `-b NAME`: end on this new branch (checked out); without it HEAD is detached at the fetched turn.
    public var branch: BranchName?
    /// `--allow-insecure-http`: plain http to a host that is not loopback.
    public var allowInsecureHTTP: Bool

    /// Creates options.
    public init(responseID: String, branch: BranchName? = nil, allowInsecureHTTP: Bool = false) {
        self.responseID = responseID
        self.branch = branch
        self.allowInsecureHTTP = allowInsecureHTTP
    }
}

/// Where a fetch left HEAD.
public enum FetchPlacement: Equatable, Sendable {
    /// On the new branch, at the fetched turn.
    case branch(BranchName)
    /// Detached at the fetched turn.
    case detached
    /// Not moved: the response was already in the repository.
    case unchanged
}

/// What `convo fetch` did.
public struct FetchOutcome: Sendable {
    /// The turn holding the requested response.
    public var tip: ObjectID
    /// Its short id.
    public var shortID: String
    /// New turns committed, oldest first.
    public var fetched: [ObjectID]
    /// The existing turn the chain was attached to, nil when it starts a new conversation.
    public var attachedTo: ObjectID?
    /// A `previous_response_id` the server no longer had, so the fetched chain starts after it.
    public var missingAncestor: String?
    /// Where HEAD went.
    public var placement: FetchPlacement
}

/// Why `convo fetch` could not bring a conversation in.
public enum FetchError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The server has no response with this id (never stored, expired, deleted, or another server's).
    case responseNotFound(id: String, origin: String)
    /// The server's `previous_response_id` links loop back on themselves.
    case cycle(id: String)

    /// A message naming the value and the next step.
    public var description: String {
        switch self {
        case .responseNotFound(let id, let origin):
            "no response '\(id)' at \(origin): it was never stored, has expired or was deleted, or belongs to another server; nothing was fetched\nhint: check the id, and 'convo config base_url' / CONVO_BASE_URL for the server"
        case .cycle(let id):
            "the server's previous_response_id links loop at '\(id)'; nothing was fetched"
        }
    }
}

/// `convo fetch`: brings a conversation that lives on the server into the repository.
public enum Fetch {
    /// Gets the response and its input items, follows `previous_response_id` back to a turn the repository
    /// has (by response id) or to the root, and commits the chain oldest first as turns marked fetched.
    public static func run(_ workspace: Workspace, _ options: FetchOptions) async throws -> FetchOutcome {
        let repository = workspace.repository
        let config = try repository.read { try ConfigKey.stored($0) }
        let endpoint = try Settings.endpoint(config, workspace.environment, allowInsecureHTTP: options.allowInsecureHTTP)
        let existing = try repository.read { reader -> ObjectID? in
            if let branch = options.branch {
                if try reader.target(of: branch.refName) != nil { throw StoreError.branchExists(branch.rawValue) }
                try reader.refuseBranchInTheWay(of: branch)
            }
            return try local(reader, responseID: options.responseID, origin: endpoint.origin)
        }
        if let existing {
            // Nothing to fetch; with -b, the new branch starts at the turn the repository already has.
            let (short, placement) = try repository.write { writer in
                (try writer.read.abbreviation(of: existing),
                 try options.branch.map { try place(existing, on: $0, writer: writer, message: "fetch: \(options.responseID)") }
                     ?? .unchanged)
            }
            return FetchOutcome(tip: existing, shortID: short, fetched: [], attachedTo: nil, missingAncestor: nil, placement: placement)
        }
        let key = try APIKey.resolve(profile: endpoint.profile, environment: workspace.environment, config: config)
        // Fetch only looks up: its requests wait at most the lookup limit.
        let timeout = try RequestTimeout.resolve(config: config, variables: workspace.environment.variables).forLookups

        // Newest first, as the links point.
        var chain = [(response: ResponseObject, items: [InputItem])]()
        var attachedTo: ObjectID?
        var missingAncestor: String?
        try await workspace.environment.withService(baseURL: endpoint.profile.baseURL, apiKey: key, timeout: timeout) { client in
            var next: String? = options.responseID
            var seen = Set<String>()
            while let id = next {
                guard seen.insert(id).inserted else { throw FetchError.cycle(id: id) }
                let response: ResponseObject
                do {
                    response = try await client.retrieve(id)
                } catch ResponsesAPIError.notFound {
                    if chain.isEmpty { throw FetchError.responseNotFound(id: id, origin: endpoint.origin) }
                    missingAncestor = id
                    return
                }
                chain.append((response, try await client.inputItems(id)))
                next = response.previousResponseID.flatMap { $0.isEmpty ? nil : $0 }
                if let previous = next, let turn = try repository.read({ try local($0, responseID: previous, origin: endpoint.origin) }) {
                    attachedTo = turn
                    return
                }
            }
        }

        var context = try repository.read { try ReplayHistory.messages(ReplayHistory.load($0, tip: attachedTo)) }
        var drafts = [TurnDraft]()
        for (response, items) in chain.reversed() {
            let messages = items.filter { $0.type == "message" }.map { DraftMessage(role: $0.role ?? "user", text: $0.text) }
            let own = ownMessages(messages, context: context)
            context += own + [DraftMessage(role: "assistant", text: response.outputText)]
            // A root that carries earlier answers was itself a replay of a history.
            let replayed = response.previousResponseID == nil && own.contains { $0.role == "assistant" }
            drafts.append(TurnDraft(
                parent: nil, model: nil, instructions: response.instructions.flatMap { $0.isEmpty ? nil : $0 }, input: own,
                previousResponseID: response.previousResponseID, responseID: response.id, status: response.status.rawValue,
                responseModel: response.model.isEmpty ? nil : response.model,
                output: response.output.map { DraftOutputItem(type: $0.type, id: $0.id, role: $0.role, text: $0.text) },
                // A server that echoes the request could put the key in what is stored; it never reaches the store.
                usage: response.usage.map(storeUsage), raw: workspace.environment.redact(String(decoding: response.raw, as: UTF8.self)),
                error: response.error.map { workspace.environment.redact($0.message) }, origin: endpoint.origin, stored: response.store ?? true, replay: replayed,
                fetched: true, createdAt: Int64(response.createdAt)))
        }

        let subject = "fetch: \(options.responseID)"
        let (tip, ids, short, placement) = try repository.write { writer in
            var parent = attachedTo
            var ids = [ObjectID]()
            for var draft in drafts {
                draft.parent = parent
                let id = try writer.insert(draft)
                ids.append(id)
                parent = id
            }
            // The loop above fetched at least the requested response or threw; an empty chain is still an error, not a trap.
            guard let tip = ids.last else { throw FetchError.responseNotFound(id: options.responseID, origin: endpoint.origin) }
            let placement: FetchPlacement
            if let branch = options.branch {
                placement = try place(tip, on: branch, writer: writer, message: subject)
            } else {
                try writer.setHead(detachedAt: tip, message: subject)
                placement = .detached
            }
            return (tip, ids, try writer.read.abbreviation(of: tip), placement)
        }
        return FetchOutcome(
            tip: tip, shortID: short, fetched: ids, attachedTo: attachedTo, missingAncestor: missingAncestor,
            placement: placement)
    }

    /// The messages a response added itself. Some servers list the whole chained context as a response's input
    /// items, others only its own new items: the context is dropped when the list starts with it.
    static func ownMessages(_ messages: [DraftMessage], context: [DraftMessage]) -> [DraftMessage] {
        guard !context.isEmpty, messages.count > context.count, Array(messages.prefix(context.count)) == context else {
            return messages
        }
        return Array(messages.dropFirst(context.count))
    }

    /// Creates `branch` at `tip` and checks it out.
    static func place(_ tip: ObjectID, on branch: BranchName, writer: StoreWriter, message: String) throws -> FetchPlacement {
        try writer.createBranchAndCheckout(branch, at: tip, message: message)
        return .branch(branch)
    }

    /// The turn holding `responseID`, preferring one from `origin`.
    static func local(_ reader: StoreReader, responseID: String, origin: String) throws -> ObjectID? {
        let turns = try reader.turns(withResponseID: responseID)
        for turn in turns where try reader.summary(turn)?.origin.map(APIEndpoint.normalizedOrigin) == origin { return turn }
        return turns.first
    }
}
