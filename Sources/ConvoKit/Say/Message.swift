import ConvoStore
import Foundation

/// Where the message of `say` comes from: arguments, else standard input when piped, else an editor.
public enum MessageSource {
    /// The message: arguments joined by spaces; else stdin when it is not a terminal; else `$VISUAL`/`$EDITOR`
    /// on a temporary file that shows HEAD's turn as `#` comments (like `git commit`). An empty message throws.
    public static func read(_ workspace: Workspace, arguments: [String]) throws -> String {
        let environment = workspace.environment
        let text: String
        if !arguments.isEmpty {
            text = arguments.joined(separator: " ")
        } else if !environment.inputIsTerminal {
            text = try decodeStandardInput(environment.input.readAll())
        } else {
            text = try compose(workspace)
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw SayError.emptyMessage }
        return trimmed
    }

    /// Standard input as text: invalid UTF-8 is refused (as `import` refuses it) rather than silently
    /// replaced with U+FFFD, so what is sent and stored is exactly what was piped in; NUL is kept.
    static func decodeStandardInput(_ bytes: some Collection<UInt8>) throws(SayError) -> String {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return String(decoding: bytes, as: UTF8.self)
            case .error: throw .invalidMessageEncoding(offset: offset)
            }
        }
    }

    /// The text the editor starts with: a blank line, then HEAD's turn and a hint, all as comments.
    static func template(previous: (said: String, answer: String)?) -> String {
        var lines = ["", "# Write your message. Lines starting with '#' are ignored; an empty message aborts."]
        if let previous {
            lines.append("#")
            lines.append("# Previous turn:")
            lines += previous.said.split(separator: "\n", omittingEmptySubsequences: false).map { "#   you: \($0)" }
            lines += previous.answer.split(separator: "\n", omittingEmptySubsequences: false).map { "#   model: \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The message in an edited file: every line that starts with `#` removed.
    static func stripComments(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("#") }.joined(separator: "\n")
    }

    private static func compose(_ workspace: Workspace) throws -> String {
        let variables = workspace.environment.variables
        guard let editor = [variables["VISUAL"], variables["EDITOR"]].compactMap({ $0 }).first(where: { !$0.isEmpty }) else {
            throw SayError.editorFailed(editor: "", reason: "is not set (VISUAL and EDITOR are empty)")
        }
        let previous = try workspace.repository.read { reader -> (String, String)? in
            guard let tip = try reader.head().tip else { return nil }
            let details = try reader.turn(tip)
            let said = try details.request.input.last { $0.role == "user" }.map { try reader.text($0.content) } ?? ""
            return (said, try reader.answer(of: details))
        }
        let environment = workspace.environment
        let file = environment.files.temporaryDirectory().appendingPathComponent("CONVO_MESSAGE-\(UUID().uuidString).md")
        defer { environment.files.removeItem(file) }
        try Data(template(previous: previous).utf8).write(to: file)
        let status: Int32
        do {
            status = try environment.commands.edit(editor, file.path, variables, environment.workingDirectory)
        } catch {
            throw SayError.editorFailed(editor: editor, reason: "could not be started: \(error.localizedDescription)")
        }
        guard status == 0 else {
            throw SayError.editorFailed(editor: editor, reason: "exited with status \(status)")
        }
        return stripComments(try String(contentsOf: file, encoding: .utf8))
    }
}
