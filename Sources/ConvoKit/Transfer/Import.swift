import ConvoStore
import Foundation

/// The JSON Lines transcript format: one turn a line.
///
/// Required: `input`, `output` (strings). Optional: `conversation` (lines with the same value chain in file
/// order; the chain's last turn becomes branch `<conversation>`), `parent` (0-based line number of an earlier
/// line, an existing turn id, or null for a first turn), `model`, `instructions`, `created_at` (RFC 3339),
/// `response_id`, `usage` (`input_tokens`, `output_tokens`, `cached_tokens`, `reasoning_tokens`).
/// Export adds `id` and everything else a turn holds (`response_model`, `status`, `origin`, `stored`,
/// `replay`, `fetched`, `parameters`, `previous_response_id`, `input_items`, `output_items`,
/// `raw_response`, `error`, `branches`), so that an export imports back to the same turn ids.
public enum Transcript {
    /// What an import did.
    public struct ImportResult: Sendable, Encodable {
        /// Lines read (not counting blank lines).
        public var lines: Int
        /// Turns that were new to the repository.
        public var newTurns: Int
        /// Branches created or moved, with their new tips.
        public var branches: [String: String]
        /// Branches (also in ``branches``) made for chains that no conversation named and no ref reached, so that
        /// no imported turn is left for `gc` to prune; named `imported`, `imported-2`, … in file order.
        public var unnamed: [String] = []
    }

    /// Imports a whole transcript in one transaction: either every line lands or nothing does. Lines are
    /// read, parsed and written one at a time, so the file is never held whole; a bad line anywhere rolls
    /// the whole transaction back.
    public static func importLines(_ workspace: Workspace, lines input: LineReader, source: String) throws -> ImportResult {
        let now = Int64(workspace.environment.now().timeIntervalSince1970)
        return try workspace.repository.write(packing: true) { writer in
            var ids = [ObjectID]()
            // Whether a later line continues each line (a byte a line): the others are the file's tips.
            var continued = [Bool]()
            // The last line of each conversation, by its position in `ids`.
            var lastOfConversation = [String: Int]()
            var branchTips = [String: ObjectID]()
            var continuesHead = false
            // The 1-based file line that last named each branch, for messages about the branch.
            var branchLine = [String: Int]()
            var spellings = [String: (name: String, line: Int)]()
            var headLine = 0
            let before = try writer.read.objectCounts()[.turn] ?? 0
            // Lines without a conversation continue the current branch, from its tip.
            let headBranch = try writer.read.head().branch
            let headTip = try headBranch.flatMap { try writer.read.target(of: $0.refName) }
            try forEachLine(input, source: source, defaultTime: now, earlierLines: { ids.count }) { line in
                var draft = line.draft
                var parentLine: Int?
                switch line.parent {
                case .line(let index):
                    draft.parent = ids[index]
                    parentLine = index
                case .turn(let revision):
                    do { draft.parent = try writer.read.resolve(revision) } catch {
                        throw ConvoError.invalidTranscript(source: source, line: line.number, reason: "parent '\(revision)': \(error)")
                    }
                case .root: draft.parent = nil
                case .implicit:
                    parentLine = lastOfConversation[line.conversation ?? ""]
                    draft.parent = parentLine.map { ids[$0] } ?? (line.conversation == nil ? headTip : nil)
                }
                let id = try writer.insert(draft)
                ids.append(id)
                if let parentLine { continued[parentLine] = true }
                continued.append(false)
                lastOfConversation[line.conversation ?? ""] = ids.count - 1
                for name in [line.conversation].compactMap({ $0 }) + line.branches {
                    // Swift compares strings by canonical equivalence, so `café` in NFC and in NFD are one key
                    // here; a file that spells one name both ways came from a repository holding two branches,
                    // and must not be merged into one silently.
                    let normalized = name.precomposedStringWithCanonicalMapping
                    if let earlier = spellings[normalized], !earlier.name.unicodeScalars.elementsEqual(name.unicodeScalars) {
                        throw ConvoError.invalidTranscript(
                            source: source, line: line.number,
                            reason: "conversation '\(normalized)' is spelled here in other Unicode code points than on line \(earlier.line) (NFC and NFD); branch names are kept in NFC, so the two would merge into one branch: rename one of them in the file")
                    }
                    spellings[normalized] = (name, line.number)
                    branchTips[normalized] = id
                    branchLine[normalized] = line.number
                }
                if line.conversation == nil && line.parent == .implicit {
                    continuesHead = true
                    headLine = line.number
                }
            }
            try writer.flush()
            let newTurns = (try writer.read.objectCounts()[.turn] ?? 0) - before
            // Lines with no conversation at all, chained implicitly, continue HEAD's branch.
            if continuesHead, let tip = lastOfConversation[""].map({ ids[$0] }), let branch = headBranch {
                branchTips[branch.rawValue] = tip
                branchLine[branch.rawValue] = headLine
            }
            var moved = [String: String]()
            for (name, tip) in branchTips.sorted(by: { $0.key < $1.key }) {
                let branch: BranchName
                do { branch = try BranchName(name) } catch {
                    throw ConvoError.invalidTranscript(source: source, line: branchLine[name] ?? 1, reason: "conversation \(error)")
                }
                let old = try writer.read.target(of: branch.refName)
                if old == tip { continue }
                if let old, !(try writer.read.ancestry(of: tip).contains { $0.id == old }) {
                    throw ConvoError.invalidTranscript(
                        source: source, line: branchLine[name] ?? 1,
                        reason: "branch '\(name)' exists and the imported conversation does not continue it; rename the conversation in the file or delete the branch")
                }
                do { try writer.updateRef(branch.refName, to: tip, expecting: old, message: "import: \(source)") } catch let error as StoreError {
                    guard case .branchNameConflict(_, let existing) = error else { throw error }
                    throw ConvoError.invalidTranscript(
                        source: source, line: branchLine[name] ?? 1,
                        reason: "conversation '\(name)' cannot be a branch beside branch '\(existing)' (a name cannot be both a branch and a folder of branches, as in git); rename the conversation in the file, or the branch with 'convo branch -m \(existing) <new-name>'")
                }
                moved[name] = tip.hex
            }
            let unnamed = try branchUnreachableChains(writer, ids: ids, continued: continued, source: source)
            for (name, tip) in unnamed { moved[name] = tip.hex }
            return ImportResult(lines: ids.count, newTurns: newTurns, branches: moved, unnamed: unnamed.map(\.name))
        }
    }

    /// Puts every chain of the file that no ref or HEAD reaches after the import on a branch of its own, so
    /// that nothing an import wrote is left for `gc` to prune: a turn only a detached HEAD reached in the
    /// exporting repository (`export --all`), lines chained by `parent` without a conversation, or lines
    /// without one while HEAD is detached. Each tip, in file order, gets the first free name of `imported`,
    /// `imported-2`, … (git's detached HEAD in a bundle lands on a ref the same way).
    private static func branchUnreachableChains(
        _ writer: StoreWriter, ids: [ObjectID], continued lines: [Bool], source: String
    ) throws -> [(name: String, tip: ObjectID)] {
        guard !ids.isEmpty else { return [] }
        // Every turn of the file is one of its tips or an ancestor of one, so when every tip is a ref's or HEAD's
        // target (an import of conversations: each tip is its branch's), all are reachable without walking the store.
        let roots = try writer.read.roots(includingReflog: false)
        // (A line whose parent is named by id counts as a tip here; the walk below then decides.)
        if ids.indices.allSatisfy({ lines[$0] || roots.contains(ids[$0]) }) { return [] }
        let continued = Set(ids.indices.filter { lines[$0] }.map { ids[$0] })
        let reachable = try writer.read.reachableTurns(from: roots)
        var unreachable = [ObjectID]()
        var seen = Set<ObjectID>()
        for id in ids where !reachable.contains(id) && seen.insert(id).inserted { unreachable.append(id) }
        guard !unreachable.isEmpty else { return [] }
        // A tip is an unreachable turn of the file that no other one continues; every other unreachable turn of
        // the file is an ancestor of one, so a branch at each tip keeps them all.
        var made = [(name: String, tip: ObjectID)]()
        for tip in unreachable where !continued.contains(tip) {
            let branch = try writer.branchAside(tip, after: "imported", firstTryingStem: true, message: "import: \(source)")
            made.append((branch.rawValue, tip))
        }
        return made
    }

    /// How a line names its parent.
    enum ParentReference: Equatable {
        case implicit
        case root
        case line(Int)
        case turn(String)
    }

    struct Line {
        var number: Int
        var conversation: String?
        var branches: [String]
        var parent: ParentReference
        var draft: TurnDraft
    }

    /// Parses and validates each non-blank line in turn and hands it to `body`.
    /// `earlierLines` tells how many lines were accepted so far, for checking `parent` numbers.
    static func forEachLine(
        _ input: LineReader, source: String, defaultTime: Int64, earlierLines: () -> Int, _ body: (Line) throws -> Void
    ) throws {
        var lineNumber = 0
        try input.forEachLine { slice in
            lineNumber += 1
            func fail(_ reason: String) -> ConvoError { .invalidTranscript(source: source, line: lineNumber, reason: reason) }
            // The blank check walks every Character (grapheme breaking) of a line several KB long; a line whose
            // first byte after ASCII blanks is `{` is not blank, so only other lines need the Unicode check.
            let first = slice.first { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") && $0 != UInt8(ascii: "\r") }
            if first != UInt8(ascii: "{") {
                guard let text = String(validating: slice, as: UTF8.self) else { throw fail("not valid UTF-8") }
                if text.allSatisfy(\.isWhitespace) { return }
            }
            let json: JSONValue
            do { json = try JSONValue.parse(slice) } catch {
                // The parser validates the UTF-8 of strings and refuses any other byte past ASCII, so a line it
                // accepts is valid UTF-8 without a copy of it as a String; one it refuses is named as before.
                if String(validating: slice, as: UTF8.self) == nil { throw fail("not valid UTF-8") }
                throw fail("not valid JSON")
            }
            guard json.objectValue != nil else { throw fail("expected a JSON object, one turn a line") }
            try body(try line(json, number: lineNumber, index: earlierLines(), defaultTime: defaultTime, fail: fail))
        }
    }

    private static func line(
        _ json: JSONValue, number: Int, index: Int, defaultTime: Int64, fail: (String) -> ConvoError
    ) throws -> Line {
        func string(_ key: String, required: Bool = false) throws -> String? {
            guard let value = json[key], value != .null else {
                if required { throw fail("missing required field '\(key)'") }
                return nil
            }
            guard let text = value.stringValue else { throw fail("'\(key)' must be a string") }
            return text
        }
        func bool(_ key: String) throws -> Bool {
            guard let value = json[key], value != .null else { return false }
            guard let flag = value.boolValue else { throw fail("'\(key)' must be true or false") }
            return flag
        }
        let input = try string("input", required: true)!
        let output = try string("output", required: true)!

        var parent = ParentReference.implicit
        if let value = json["parent"] {
            switch value {
            case .null: parent = .root
            case .int(let line):
                guard line >= 0, line < index else {
                    throw fail(index == 0
                        ? "'parent' \(line) must be the 0-based number of an earlier line, and this is the first line; use null for a first turn"
                        : "'parent' \(line) must be the 0-based number of an earlier line (0 to \(index - 1))")
                }
                parent = .line(Int(line))
            case .string(let id): parent = .turn(id)
            default: throw fail("'parent' must be a line number or a turn id")
            }
        }

        var createdAt = defaultTime
        if let text = try string("created_at") {
            guard let date = Timestamps.parse(text) else { throw fail("'created_at' \(text) is not an RFC 3339 time such as 2025-01-31T12:00:00Z") }
            createdAt = Int64(date.timeIntervalSince1970.rounded(.down))
        }

        var usage: TokenUsage?
        if let value = json["usage"], value != .null {
            func count(_ key: String) throws -> Int64? {
                guard let field = value[key], field != .null else { return nil }
                // Any integer the store holds, negative too: a server that reported one had its answer committed
                // with it, and the repository's own export must import back to the same ids.
                guard let number = field.intValue else { throw fail("'usage.\(key)' must be a whole number") }
                return number
            }
            guard value.objectValue != nil else { throw fail("'usage' must be an object") }
            usage = TokenUsage(
                inputTokens: try count("input_tokens") ?? 0, outputTokens: try count("output_tokens") ?? 0,
                cachedTokens: try count("cached_tokens"), reasoningTokens: try count("reasoning_tokens"))
        }

        var inputItems = [DraftMessage(role: "user", text: input)]
        if let items = json["input_items"], items != .null {
            guard let array = items.arrayValue else { throw fail("'input_items' must be an array") }
            inputItems = try array.map { item in
                guard let role = item["role"]?.stringValue, let content = item["content"]?.stringValue else {
                    throw fail("every 'input_items' entry needs 'role' and 'content' strings")
                }
                var attachments = [DraftAttachment]()
                for value in item["attachments"]?.arrayValue ?? [] {
                    guard let attachment = DraftAttachment(json: value) else {
                        throw fail("an 'attachments' entry needs 'kind' (image or file), 'name', 'media_type', and base64 'data' or a 'url'")
                    }
                    attachments.append(attachment)
                }
                return DraftMessage(role: role, text: content, attachments: attachments)
            }
        }
        var outputItems = [DraftOutputItem(type: "message", role: "assistant", text: output)]
        if let items = json["output_items"], items != .null {
            guard let array = items.arrayValue else { throw fail("'output_items' must be an array") }
            outputItems = try array.map { item in
                guard let type = item["type"]?.stringValue else { throw fail("every 'output_items' entry needs a 'type'") }
                return DraftOutputItem(type: type, id: item["id"]?.stringValue, role: item["role"]?.stringValue, text: item["text"]?.stringValue)
            }
        }
        var parameters = [String: JSONValue]()
        if let value = json["parameters"], value != .null {
            guard let object = value.objectValue else { throw fail("'parameters' must be an object") }
            parameters = object
        }
        if let problem = Compaction.problem(output: outputItems, parameters: parameters) { throw fail(problem) }
        var branches = [String]()
        if let value = json["branches"], value != .null {
            guard let array = value.arrayValue?.compactMap(\.stringValue) else { throw fail("'branches' must be an array of names") }
            branches = array
        }
        let conversation = try string("conversation")
        for name in branches + [conversation].compactMap({ $0 }) {
            if let reason = BranchName.violation(in: name) { throw fail("conversation '\(name)' cannot be a branch name: \(reason)") }
        }

        let draft = TurnDraft(
            parent: nil, model: try string("model"), instructions: try string("instructions"), input: inputItems,
            parameters: parameters, previousResponseID: try string("previous_response_id"), responseID: try string("response_id"),
            status: try string("status") ?? "completed", responseModel: try string("response_model"), output: outputItems,
            usage: usage, raw: try string("raw_response"), error: try string("error"), origin: try string("origin"),
            stored: try bool("stored"), replay: try bool("replay"), fetched: try bool("fetched"), createdAt: createdAt)
        return Line(number: number, conversation: conversation, branches: branches, parent: parent, draft: draft)
    }
}
