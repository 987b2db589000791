import ConvoStore
import Foundation

/// Where the message of `say` comes from: arguments and standard input together, else an editor.
public enum MessageSource {
    /// The argument that stands for standard input (`convo say "Translate:" - "into French" < text`).
    public static let standardInputArgument = "-"

    /// The line of git's scissors convention: everything below it in the edited file is ignored.
    public static let scissors = "# ------------------------ >8 ------------------------"

    /// The message, before any of the repository is opened (so that a bad message writes nothing):
    /// - arguments joined by spaces; standard input, when it is not a terminal, follows them after a blank line
    ///   (`git diff | convo say "Review this diff"`), or stands where a `-` argument is;
    /// - no arguments: standard input when it is not a terminal, else `$VISUAL`/`$EDITOR` on a temporary file
    ///   that shows `previous()` (HEAD's turn) below a scissors line, like `git commit --verbose`.
    /// An empty message throws; `-` twice, or `-` while standard input is a terminal, is a usage error.
    public static func read(
        _ environment: ConvoEnvironment, arguments: [String],
        previous: () throws -> (said: String, answer: String)? = { nil }
    ) throws -> String {
        let text: String
        if let dash = try dashPosition(arguments, inputIsTerminal: environment.inputIsTerminal) {
            text = joined(
                arguments[..<dash], try decodeStandardInput(environment.input.readAll()), arguments[(dash + 1)...])
        } else if !arguments.isEmpty {
            let piped = environment.inputIsTerminal ? "" : try decodeStandardInput(environment.input.readAll())
            text = joined(arguments[...], piped, [])
        } else if !environment.inputIsTerminal {
            text = try decodeStandardInput(environment.input.readAll())
        } else {
            text = try compose(environment, previous: try previous())
        }
        guard !text.allSatisfy(\.isWhitespace) else { throw SayError.emptyMessage }
        return withoutBlankEdges(text)
    }

    /// `text` without its leading blank lines and trailing whitespace. The first line's indentation is the
    /// user's (a piped Python or YAML file, an indented code block written in the editor) and is kept.
    static func withoutBlankEdges(_ text: String) -> String {
        var body = Substring(text)
        while let newline = body.firstIndex(where: \.isNewline), body[..<newline].allSatisfy(\.isWhitespace) {
            body = body[body.index(after: newline)...]
        }
        while body.last?.isWhitespace == true { body.removeLast() }
        return String(body)
    }

    /// Where `-` stands in the arguments, checked before anything is read or opened.
    public static func dashPosition(_ arguments: [String], inputIsTerminal: Bool) throws(MessageError) -> Int? {
        let dashes = arguments.indices.filter { arguments[$0] == standardInputArgument }
        guard let first = dashes.first else { return nil }
        guard dashes.count == 1 else { throw .standardInputTwice }
        // Reading a terminal until ^D would look like a hang to someone who meant a file or a pipe.
        guard !inputIsTerminal else { throw .standardInputIsTerminal }
        return first
    }

    /// The words before, the piped text as a paragraph of its own, the words after; empty parts left out.
    /// The piped text keeps its bytes, except the trailing newlines every file ends with.
    static func joined(_ before: ArraySlice<String>, _ piped: String, _ after: ArraySlice<String>) -> String {
        var body = Substring(piped)
        while body.last?.isNewline == true { body.removeLast() }
        let parts = [before.joined(separator: " "), String(body), after.joined(separator: " ")]
        return parts.filter { !$0.allSatisfy(\.isWhitespace) }.joined(separator: "\n\n")
    }

    /// Standard input (or the edited file, `source` says which) as text: invalid UTF-8 is refused (as `import`
    /// refuses it) rather than silently replaced with U+FFFD, so what is sent and stored is exactly what was
    /// given; NUL is kept.
    static func decodeStandardInput(_ bytes: some Collection<UInt8>, source: String = "on standard input") throws(SayError) -> String {
        if let offset = firstInvalidUTF8(bytes) { throw .invalidMessageEncoding(offset: offset, source: source) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The offset (from 0) of the first byte of `bytes` that is not part of valid UTF-8; nil when all are.
    public static func firstInvalidUTF8(_ bytes: some Collection<UInt8>) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    /// The text the editor starts with: a blank line for the message, then the scissors line and, below it,
    /// a hint and HEAD's turn, which are ignored.
    static func template(previous: (said: String, answer: String)?) -> String {
        var lines = [
            "", scissors, "# Do not modify or remove the line above.",
            "# Everything below it is ignored; the message above is sent as written. An empty message aborts.",
        ]
        if let previous {
            lines.append("#")
            lines.append("# Previous turn:")
            lines += previous.said.split(separator: "\n", omittingEmptySubsequences: false).map { "#   you: \($0)" }
            lines += previous.answer.split(separator: "\n", omittingEmptySubsequences: false).map { "#   model: \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The message in an edited file: everything above the first scissors line, byte for byte (lines that
    /// start with `#`, such as Markdown headings, are the user's); the whole file when the line was removed.
    static func message(inEdited text: String) -> String {
        // Lines by the byte, not by Character: "\r\n" is one Character and would hide a CRLF file's lines.
        let bytes = Array(text.utf8)
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.count
            var line = bytes[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.elementsEqual(scissors.utf8) { return String(decoding: bytes[..<start], as: UTF8.self) }
            start = end + 1
        }
        return text
    }

    private static func compose(_ environment: ConvoEnvironment, previous: (said: String, answer: String)?) throws -> String {
        let variables = environment.variables
        guard let editor = [variables["VISUAL"], variables["EDITOR"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw SayError.editorFailed(editor: "", reason: "is not set (VISUAL and EDITOR are empty)")
        }
        let file = environment.files.temporaryDirectory().appendingPathComponent("CONVO_MESSAGE-\(UUID().uuidString).md")
        defer { environment.files.removeItem(file) }
        // Readable by the owner only, as the repository is: the template quotes the previous turn, and the
        // temporary folder is shared with every user of the machine.
        guard writePrivately(Array(template(previous: previous).utf8), to: file.path) else {
            throw SayError.editorFailed(editor: editor, reason: "could not be started: cannot write \(file.path)")
        }
        let status: Int32
        do {
            status = try environment.commands.edit(editor, file.path, variables, environment.workingDirectory)
        } catch {
            throw SayError.editorFailed(editor: editor, reason: "could not be started: \(error.localizedDescription)")
        }
        guard status == 0 else {
            throw SayError.editorFailed(editor: editor, reason: "exited with status \(status)")
        }
        let edited: Data
        do {
            edited = try Data(contentsOf: file)
        } catch {
            throw SayError.editorFailed(editor: editor, reason: "left no readable message file (\(file.path) was removed or replaced)")
        }
        return message(inEdited: try decodeStandardInput(edited, source: "written in the editor"))
    }

    /// Creates `path` with mode 0600 (it must not exist) holding `bytes`; false when that fails.
    private static func writePrivately(_ bytes: [UInt8], to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            written += count
        }
        return true
    }
}

extension MessageSource {
    /// HEAD's turn of `workspace` for the editor template: its newest user message and its answer.
    public static func previousTurn(_ workspace: Workspace) throws -> (said: String, answer: String)? {
        try workspace.repository.read { reader -> (String, String)? in
            guard let tip = try reader.head().tip else { return nil }
            let details = try reader.turn(tip)
            let said = try details.request.input.last { $0.role == "user" }.map { try reader.text($0.content) } ?? ""
            return (said, try reader.answer(of: details))
        }
    }
}
