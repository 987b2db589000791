import ConvoStore
import Foundation

/// What `convo import FILE` did: `{"lines", "new_turns", "branches"}` with `--json`.
public struct TranscriptImportReport: Sendable, Encodable {
    let result: Transcript.ImportResult

    /// Lines read.
    public var lines: Int { result.lines }
    /// Turns new to the repository.
    public var newTurns: Int { result.newTurns }
    /// Branches created or moved, with their new tips (full ids).
    public var branches: [String: String] { result.branches }
    /// Branches (among ``branches``) the import made for chains no conversation named, so none is left unreachable.
    public var unnamed: [String] { result.unnamed }

    /// `{"lines", "new_turns", "branches"}`.
    public func encode(to encoder: Encoder) throws {
        var json = JSONFields(encoder)
        try json.set("lines", lines)
        try json.set("new_turns", newTurns)
        try json.set("branches", branches)
    }
}

/// What `convo import --from-llm` did.
public struct LLMImportReport: Sendable, Encodable {
    let result: LLMImport.Outcome

    /// One branch the import made or looked at.
    public struct Branch: Sendable, Equatable {
        /// `llm/<name>`.
        public var name: String
        /// Its tip's abbreviated id.
        public var shortTip: String
        /// `created`, `updated` or `unchanged`.
        public var change: String
    }

    /// Conversations and threads found.
    public var conversations: Int { result.conversations }
    /// Responses found.
    public var turns: Int { result.turns }
    /// Turns new to the repository.
    public var newTurns: Int { result.newTurns }
    /// One entry per conversation.
    public var branches: [Branch] { result.branches.map { Branch(name: $0.name, shortTip: $0.tip.abbreviated(), change: $0.change.rawValue) } }

    /// `{"conversations", "turns", "new_turns", "branches": {name: tip}, "unchanged": [name]}`.
    public func encode(to encoder: Encoder) throws {
        var changed = [String: String](), unchanged = [String]()
        for branch in result.branches {
            if branch.change == .unchanged { unchanged.append(branch.name) } else { changed[branch.name] = branch.tip.hex }
        }
        var json = JSONFields(encoder)
        try json.set("conversations", conversations)
        try json.set("turns", turns)
        try json.set("new_turns", newTurns)
        try json.set("branches", changed)
        try json.set("unchanged", unchanged)
    }
}

extension Transcript {
    /// `convo import FILE` (see ``importLines(_:lines:source:)``).
    public static func importReport(_ workspace: Workspace, lines: LineReader, source: String) throws -> TranscriptImportReport {
        TranscriptImportReport(result: try importLines(workspace, lines: lines, source: source))
    }
}

extension LLMImport {
    /// `convo import --from-llm [PATH]` (see ``run(_:url:displayPath:)``).
    public static func report(_ workspace: Workspace, url: URL, displayPath: String) throws -> LLMImportReport {
        LLMImportReport(result: try run(workspace, url: url, displayPath: displayPath))
    }
}
