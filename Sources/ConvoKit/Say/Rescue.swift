import ConvoStore
import Foundation

/// Where `say` puts an answer it received but could not commit (the repository stayed busy, or the write
/// failed): one line of the `export` format in a new file, so that `convo import FILE` stores the same turn.
enum Rescue {
    /// How long `say` keeps trying to commit a received answer: `CONVO_SAVE_TIMEOUT` seconds, default 60.
    static func patience(_ variables: [String: String]) -> Double {
        guard let text = variables["CONVO_SAVE_TIMEOUT"], let seconds = Double(text), seconds.isFinite, seconds >= 0 else {
            return 60
        }
        return min(seconds, 86_400)
    }

    /// The transcript line that imports back to the turn `draft` describes.
    static func line(_ draft: TurnDraft, branch: String) -> String {
        var line: [String: JSONValue] = [
            "input": .string(draft.userText), "output": .string(draft.outputText),
            "created_at": .string(Timestamps.format(draft.createdAt)), "status": .string(draft.status),
            "parent": draft.parent.map { .string($0.hex) } ?? .null, "conversation": .string(branch),
        ]
        if draft.input != [DraftMessage(role: "user", text: draft.userText)] { line["input_items"] = .array(draft.input.map(\.json)) }
        if draft.output != [DraftOutputItem(type: "message", role: "assistant", text: draft.outputText)] {
            line["output_items"] = .array(draft.output.map(\.json))
        }
        line["model"] = draft.model.map(JSONValue.string)
        line["instructions"] = draft.instructions.map(JSONValue.string)
        if !draft.parameters.isEmpty { line["parameters"] = .object(draft.parameters) }
        line["previous_response_id"] = draft.previousResponseID.map(JSONValue.string)
        line["response_id"] = draft.responseID.map(JSONValue.string)
        line["response_model"] = draft.responseModel.map(JSONValue.string)
        line["usage"] = draft.usage?.json
        line["raw_response"] = draft.raw.map(JSONValue.string)
        line["error"] = draft.error.map(JSONValue.string)
        line["origin"] = draft.origin.map(JSONValue.string)
        if draft.stored { line["stored"] = .bool(true) }
        if draft.replay { line["replay"] = .bool(true) }
        if draft.fetched { line["fetched"] = .bool(true) }
        return line.canonical + "\n"
    }

    /// The branch a rescued turn is imported onto: `rescued/<response id>`.
    static func branch(responseID: String?) -> String {
        let safe = String((responseID ?? "").unicodeScalars.filter {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-"
        }.map(Character.init).prefix(80))
        let name = "rescued/" + (safe.isEmpty ? "answer" : safe)
        return (try? BranchName(name)).map(\.rawValue) ?? "rescued"
    }

    /// Writes `text` to a new file in `.convo/rescue/`, else in the user's state folder
    /// (`$XDG_STATE_HOME/convo/rescue`, else `~/.local/state/convo/rescue`); returns its path, or nil when
    /// no folder could take it. The file is created exclusively (never overwriting one) and synced.
    static func save(_ text: String, name: String, repository: URL?, variables: [String: String], files: FileSystem) -> String? {
        var folders = [URL]()
        if let repository { folders.append(repository.appendingPathComponent("rescue", isDirectory: true)) }
        if let state = variables["XDG_STATE_HOME"], state.hasPrefix("/") {
            folders.append(URL(fileURLWithPath: state).appendingPathComponent("convo/rescue", isDirectory: true))
        } else if let home = variables["HOME"], home.hasPrefix("/") {
            folders.append(URL(fileURLWithPath: home).appendingPathComponent(".local/state/convo/rescue", isDirectory: true))
        }
        for folder in folders {
            if let path = write(text, name: name, in: folder, files: files) { return path }
        }
        return nil
    }

    private static func write(_ text: String, name: String, in folder: URL, files: FileSystem) -> String? {
        do {
            try files.createDirectory(folder, 0o700)
        } catch {
            return nil
        }
        for attempt in 1...100 {
            let path = folder.appendingPathComponent(attempt == 1 ? "\(name).jsonl" : "\(name)-\(attempt).jsonl").path
            let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            if descriptor < 0 {
                if errno == EEXIST { continue }
                return nil
            }
            let bytes = Array(text.utf8)
            var written = 0
            while written < bytes.count {
                let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                written += count
            }
            let synced = fsync(descriptor) == 0
            close(descriptor)
            guard written == bytes.count, synced else {
                unlink(path)
                return nil
            }
            // The new name must survive a crash too.
            let directory = open(folder.path, O_RDONLY | O_CLOEXEC)
            if directory >= 0 {
                fsync(directory)
                close(directory)
            }
            return path
        }
        return nil
    }
}
