import Foundation

/// Keeps a repository out of the git work tree it sits in: `.convo/.gitignore` holding `*`, so that
/// `git add -A` never commits conversations (or the database) by accident.
enum GitIgnore {
    /// Writes `<repository>/.gitignore` (`*`) when the repository's folder is inside a git work tree and the
    /// file does not exist yet; a file the user wrote is left as it is. Returns whether it wrote one.
    @discardableResult
    static func protect(_ repository: URL) throws -> Bool {
        let file = repository.appendingPathComponent(".gitignore")
        guard insideGitWorkTree(repository.deletingLastPathComponent()),
            !FileManager.default.fileExists(atPath: file.path)
        else { return false }
        do {
            try Data("*\n".utf8).write(to: file, options: .withoutOverwriting)
        } catch {
            throw ConvoError.unreadableFile(path: file.path, reason: "cannot be written: \(error.localizedDescription)")
        }
        return true
    }

    /// Whether `folder` or a parent holds `.git` (a folder, or the file a linked worktree or submodule has),
    /// as git itself discovers a work tree; no git program is needed.
    static func insideGitWorkTree(_ folder: URL) -> Bool {
        var current = folder.standardizedFileURL
        while true {
            if FileManager.default.fileExists(atPath: current.appendingPathComponent(".git").path) { return true }
            let parent = current.deletingLastPathComponent()
            if parent.path == current.path { return false }
            current = parent
        }
    }
}
