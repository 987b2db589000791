import ConvoStore
import Foundation
import ResponsesAPI

/// What `convo compact` committed.
public struct CompactResult: Encodable, Sendable {
    /// The compaction turn's id.
    public var turn: String
    /// Its short id.
    public var shortID: String
    /// How many turns its item stands for.
    public var compactedTurns: Int
    /// How many turns before it replays still send verbatim.
    public var keptTurns: Int
    /// Whether HEAD moved to it (REV was HEAD).
    public var movedHead: Bool

    private enum CodingKeys: String, CodingKey {
        case turn, shortID = "short_id", compactedTurns = "compacted_turns", keptTurns = "kept_turns", movedHead = "moved_head"
    }
}

/// `convo compact [REV] [--keep N]`: asks the server to compact the conversation up to REV (all but its newest
/// N turns) and commits a compaction turn whose parent is REV.
public enum Compact {
    /// Compacts and commits; HEAD moves to the compaction turn when REV is HEAD's turn.
    public static func run(
        _ workspace: Workspace, revision: String?, keep: Int, allowInsecureHTTP: Bool = false
    ) async throws -> CompactResult {
        let environment = workspace.environment
        let now = Int64(environment.now().timeIntervalSince1970)
        let (tip, head, history, config) = try workspace.repository.read { reader in
            let tip = try reader.resolve(revision ?? "HEAD")
            let head = try? reader.resolve("HEAD")
            return (tip, head, try ReplayHistory.load(reader, tip: tip), try ConfigKey.stored(reader))
        }
        let turns = history.reduce(0) { $0 + $1.covers }
        guard keep >= 0, keep < history.count else { throw ContextError.keepTooLarge(keep: keep, turns: turns) }
        let older = Array(history.prefix(history.count - keep))
        // A lone first turn, or a lone compaction window, is all there is: compacting it again stands for nothing more.
        guard !(older.count == 1 && (older[0].window != nil || history.count == 1)) else {
            throw ContextError.nothingToCompact(revision ?? "HEAD")
        }
        let endpoint = try Settings.endpoint(config, environment, allowInsecureHTTP: allowInsecureHTTP)
        let key = try APIKey.resolve(profile: endpoint.profile, environment: environment, config: config)
        let window = try ContextSettings.read(workspace).window(endpoint.model)
        let timeout = try RequestTimeout.resolve(config: config, variables: environment.variables)
        let draft = try await environment.withService(baseURL: endpoint.profile.baseURL, apiKey: key, timeout: timeout) { client in
            try await Compaction.compact(
                older, kept: keep, parent: tip, client: client, model: endpoint.model,
                budget: window.map { ReplayFit.budget(window: $0, maxOutputTokens: nil) }, origin: endpoint.origin, now: now)
        }
        let compacted = older.reduce(0) { $0 + $1.covers }
        return try workspace.repository.write { writer in
            let id = try writer.insert(draft)
            var moved = false
            if head == tip {
                _ = try writer.advanceHead(to: id, expecting: tip, message: "compact: \(compacted) turns, \(keep) kept")
                moved = true
            }
            return CompactResult(
                turn: id.hex, shortID: try writer.read.abbreviation(of: id), compactedTurns: compacted, keptTurns: keep, movedHead: moved)
        }
    }
}
