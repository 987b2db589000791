import ConvoStore
import Foundation
import LLMLogs

/// `convo import --from-llm`: the conversations of the `llm` CLI (simonw/llm) as branches.
///
/// llm's logs database is opened read-only. Both of its layouts are read: the `conversations`/`responses`
/// tables (llm 0.31 and earlier, still read by later versions) and the content-addressed
/// `messages`/`parts`/`threads`/`turns` tables (llm 0.32 and later). Every conversation or thread becomes
/// branch `llm/<name>`; every llm response a turn with origin `llm`, not stored on any server (so `say`
/// from there replays the history). Imported turns are named by their content, so importing the same
/// database again adds nothing.
public enum LLMImport {
    /// What happened to one branch.
    public enum BranchChange: String, Sendable {
        /// It did not exist.
        case created
        /// It moved forward to the conversation's newer tip.
        case updated
        /// It already pointed at the conversation's tip.
        case unchanged
    }

    /// What an import did.
    public struct Outcome: Sendable {
        /// The database read.
        public var path: String
        /// Conversations and threads found.
        public var conversations: Int
        /// Responses found.
        public var turns: Int
        /// Turns that were new to the repository.
        public var newTurns: Int
        /// One entry per conversation: its branch, its tip, and what happened to the branch.
        public var branches: [(name: String, tip: ObjectID, change: BranchChange)]
    }

    /// llm's own default: `$LLM_USER_PATH/logs.db`, else its folder in the user's configuration folder.
    public static func defaultPath(_ variables: [String: String]) -> String {
        if let folder = variables["LLM_USER_PATH"], !folder.isEmpty { return folder + "/logs.db" }
        let home = variables["HOME"] ?? NSHomeDirectory()
        #if os(macOS)
        return home + "/Library/Application Support/io.datasette.llm/logs.db"
        #else
        let config = variables["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? home + "/.config"
        return config + "/io.datasette.llm/logs.db"
        #endif
    }

    /// Imports every conversation of the llm database at `url` in one transaction; on any error nothing is written.
    public static func run(_ workspace: Workspace, url: URL, displayPath: String) throws -> Outcome {
        let log = try read(url, displayPath: displayPath)
        return try workspace.repository.write(packing: true) { writer in
            let before = try writer.read.objectCounts()[.turn] ?? 0
            var ids = [ObjectID?](repeating: nil, count: log.turns.count)
            func insert(_ index: Int) throws -> ObjectID {
                if let id = ids[index] { return id }
                let turn = log.turns[index]
                let parent = try turn.parent.map(insert)
                var usage: TokenUsage?
                if turn.inputTokens != nil || turn.outputTokens != nil {
                    usage = TokenUsage(inputTokens: turn.inputTokens ?? 0, outputTokens: turn.outputTokens ?? 0)
                }
                let id = try writer.insert(TurnDraft(
                    parent: parent, model: turn.model, instructions: turn.instructions, input: turn.input,
                    parameters: turn.options, responseID: turn.id, responseModel: turn.resolvedModel,
                    output: [DraftOutputItem(type: "message", role: "assistant", text: turn.output)], usage: usage,
                    origin: "llm", stored: false, createdAt: turn.createdAt))
                ids[index] = id
                return id
            }
            for index in log.turns.indices { _ = try insert(index) }
            try writer.flush()
            let newTurns = (try writer.read.objectCounts()[.turn] ?? 0) - before

            var taken = Set<String>()
            var branches = [(name: String, tip: ObjectID, change: BranchChange)]()
            for conversation in log.conversations {
                let tip = try insert(conversation.tip)
                let stem = "llm/" + slug(conversation.name ?? "", fallback: conversation.id)
                var number = 1
                while true {
                    let name = try BranchName(number == 1 ? stem : "\(stem)-\(number)")
                    number += 1
                    if taken.contains(name.rawValue) { continue }
                    let old = try writer.read.target(of: name.refName)
                    let change: BranchChange
                    if old == tip {
                        change = .unchanged
                    } else if old == nil {
                        change = .created
                    } else if let old, try writer.read.ancestry(of: tip).contains(where: { $0.id == old }) {
                        change = .updated
                    } else {
                        continue  // a branch of something else: leave it, take the next name
                    }
                    if change != .unchanged {
                        try writer.updateRef(name.refName, to: tip, expecting: old, message: "import: llm \(displayPath)")
                    }
                    taken.insert(name.rawValue)
                    branches.append((name.rawValue, tip, change))
                    break
                }
            }
            return Outcome(
                path: displayPath, conversations: log.conversations.count, turns: log.turns.count, newTurns: newTurns,
                branches: branches)
        }
    }

    /// A branch name component from an llm conversation name: lower-case letters and digits joined by `-`,
    /// at most 40 characters; `fallback` (llm's id) when nothing is left.
    static func slug(_ name: String, fallback: String) -> String {
        var slug = ""
        for character in name.lowercased() {
            if character.isLetter || character.isNumber {
                slug.append(character)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
            if slug.count >= 40 { break }
        }
        while slug.last == "-" { slug.removeLast() }
        if slug.isEmpty || BranchName.violation(in: "llm/" + slug + "-2") != nil { slug = fallback.lowercased() }
        if BranchName.violation(in: "llm/" + slug + "-2") != nil { slug = "conversation" }
        return slug
    }
}
