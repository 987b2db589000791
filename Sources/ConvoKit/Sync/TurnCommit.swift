import ConvoStore
import Foundation

/// The git commit that stands for one turn, built only from the turn and its ancestors, so that every machine
/// exporting the same turn makes the same commit (same tree, same message, same dates, no signature).
///
/// Its tree holds:
/// - `convo/turn`: the turn's canonical bytes, whose SHA-256 (as a convo `turn` object) is the id in the
///   message's `Convo-Turn:` trailer: a pull re-hashes them and rejects a commit that does not reproduce it;
/// - `convo/blobs/<id>`: every blob the turn references (texts, attachments, the raw response), each named by
///   its convo id, so that a pull re-hashes them too; large attachments are git blobs of their own;
/// - `transcript/<NNNNNN>.md`: the conversation so far, one readable Markdown file per turn, inherited from
///   the parent commit's tree, so a person browsing the remote with `git show` or on a hosting site reads it.
///
/// The parent commit is the parent turn's commit. The message is the first line of the input and the trailer.
enum TurnCommit {
    /// The fixed author and committer: a turn has no author, and a name of the machine would make two machines
    /// export different commits for one turn.
    static let identity = "convo <convo@localhost>"
    /// The trailer naming the turn.
    static let trailer = "Convo-Turn: "

    /// The commit message of a turn whose newest user message is `input`.
    static func message(input: String, turn: ObjectID) -> String {
        let firstLine = input.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        var subject = String(firstLine.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.map(Character.init))
            .trimmingCharacters(in: .whitespaces)
        if subject.count > 100 { subject = String(subject.prefix(99)) + "…" }
        if subject.isEmpty { subject = "(no message)" }
        return "\(subject)\n\n\(trailer)\(turn.hex)\n"
    }

    /// The turn id a commit message names, or nil when it has no trailer.
    static func turn(inMessage message: String) -> ObjectID? {
        for line in message.split(separator: "\n").reversed() where line.hasPrefix(trailer) {
            return ObjectID(hex: line.dropFirst(trailer.count).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }

    /// The transcript file of the turn at `generation` (1 for a first turn).
    static func transcriptPath(generation: Int) -> String {
        let digits = String(generation)
        return "transcript/" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".md"
    }

    /// The readable Markdown of one turn.
    static func transcript(_ turn: Turn, id: ObjectID, generation: Int, reader: StoreReader) throws -> String {
        var text = "## \(generation). \(Timestamps.format(turn.createdAt))"
        if let model = turn.response.model ?? turn.request.model { text += " · \(model)" }
        text += "\n\n"
        if generation == 1, let instructions = turn.request.instructions {
            text += "**Instructions**\n\n" + (try reader.text(instructions)) + "\n\n"
        }
        let newest = turn.request.newestUserMessage
        for message in turn.request.input where message == newest || generation == 1 {
            text += "**\(message.role == "user" ? "You" : message.role)**\n\n" + (try reader.text(message.content)) + "\n\n"
            for attachment in message.attachments {
                text += "- attachment `\(attachment.name)` (\(attachment.mediaType), \(attachment.size) bytes"
                text += attachment.content.map { ", convo/blobs/\($0.hex))" } ?? (attachment.url.map { ", \($0))" } ?? ")")
                text += "\n"
            }
            if !message.attachments.isEmpty { text += "\n" }
        }
        text += "**\(turn.response.model ?? turn.request.model ?? "model")**\n\n"
        let answer = try reader.answer(of: turn)
        text += answer.isEmpty ? "_(no answer: \(turn.response.status))_\n\n" : answer + "\n\n"
        text += "<sub>convo turn \(id.hex)</sub>\n"
        return text
    }
}

/// Writes a `git fast-import` stream for turns not yet exported, parents first, into a file.
struct FastImportStream {
    /// What a commit of the stream stands for.
    struct Entry {
        var turn: ObjectID
        var mark: Int
    }

    private(set) var entries = [Entry]()
    private var handle: FileHandle
    private var pending = Data()
    private var nextMark = 1
    private var blobMarks = [ObjectID: Int]()
    private var commitMarks = [ObjectID: Int]()

    init(file: URL) throws {
        FileManager.default.createFile(atPath: file.path, contents: nil, attributes: [.posixPermissions: 0o600])
        handle = try FileHandle(forWritingTo: file)
    }

    /// Adds the commit of `turn` (id `id`, at `generation`), whose parent turn's commit is `parentCommit`
    /// (a git id) or was added before.
    mutating func add(_ turn: Turn, id: ObjectID, bytes: [UInt8], generation: Int, parentCommit: String?, reader: StoreReader) throws {
        var blobs = [(ObjectID, Int)]()
        for blob in Set(turn.blobReferences).sorted() {
            if let mark = blobMarks[blob] {
                blobs.append((blob, mark))
                continue
            }
            let mark = nextMark
            nextMark += 1
            blobMarks[blob] = mark
            append("blob\nmark :\(mark)\n")
            appendData(try reader.bytes(blob))
            blobs.append((blob, mark))
        }
        let mark = nextMark
        nextMark += 1
        commitMarks[id] = mark
        let input = try turn.request.newestUserMessage.map { try reader.text($0.content) } ?? ""
        let date = "\(turn.createdAt) +0000"
        var parent: String?
        if let parentID = turn.parent {
            parent = commitMarks[parentID].map { ":\($0)" } ?? parentCommit
        }
        if parent == nil { append("reset refs/convo/export\n") }
        append("commit refs/convo/export\nmark :\(mark)\n")
        append("author \(TurnCommit.identity) \(date)\ncommitter \(TurnCommit.identity) \(date)\n")
        appendData(Array(TurnCommit.message(input: input, turn: id).utf8))
        if let parent { append("from \(parent)\n") }
        append("D convo\n")
        append("M 100644 inline convo/turn\n")
        appendData(bytes)
        for (blob, blobMark) in blobs { append("M 100644 :\(blobMark) convo/blobs/\(blob.hex)\n") }
        append("M 100644 inline \(TurnCommit.transcriptPath(generation: generation))\n")
        appendData(Array(try TurnCommit.transcript(turn, id: id, generation: generation, reader: reader).utf8))
        append("\n")
        entries.append(Entry(turn: id, mark: mark))
        if pending.count > 1 << 20 { try flush() }
    }

    /// Points the private ref `ref` at the commit of `turn` (added here) or at git commit `commit`.
    mutating func reset(_ ref: String, turn: ObjectID, commit: String?) throws {
        guard let target = commitMarks[turn].map({ ":\($0)" }) ?? commit else { return }
        append("reset \(ref)\nfrom \(target)\n\n")
    }

    /// Writes what is held back and closes the file.
    mutating func finish() throws {
        append("done\n")
        try flush()
        try handle.close()
    }

    private mutating func flush() throws {
        try handle.write(contentsOf: pending)
        pending.removeAll(keepingCapacity: true)
    }

    private mutating func append(_ text: String) { pending.append(contentsOf: Array(text.utf8)) }

    private mutating func appendData(_ bytes: [UInt8]) {
        append("data \(bytes.count)\n")
        pending.append(contentsOf: bytes)
        append("\n")
    }
}
