import ConvoStore

/// How a command opens its repository, without naming the store's types.
public enum Access: Sendable {
    /// Only reads: works on a read-only repository, never migrates or writes.
    case read
    /// Only reads, and first of all refs and the index, through a plain SQLite connection (a short `log`); the
    /// store's full reader connects only when something needs it. Otherwise as ``read``.
    case readIndex
    /// Changes the repository (migrating it first when needed).
    case write
}

extension Workspace {
    /// Finds and opens the repository of the environment's working folder for `access`.
    public static func open(_ environment: ConvoEnvironment, for access: Access) throws -> Workspace {
        try open(environment, mode: access == .write ? .readWrite : .readOnly, light: access == .readIndex)
    }
}
