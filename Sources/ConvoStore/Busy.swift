import Foundation
import GRDB

extension Repository {
    /// The busy timeout every connection starts with: how long a write waits for another writer's lock.
    public static let busyTimeout: Double = 10

    /// Runs `body` in one write transaction like ``write(packing:_:)``, but waits at most `seconds` for the
    /// write lock; throws ``StoreError/busy(_:)`` when another process holds it longer. `say` uses it to keep
    /// trying, with notices, while it holds an answer it must not lose.
    public func write<T>(waitingAtMost seconds: Double, _ body: (StoreWriter) throws -> T) throws -> T {
        func setTimeout(_ seconds: Double) throws {
            let milliseconds = Int((max(0, min(seconds, 3_600)) * 1_000).rounded())
            try Self.wrap { try queue.inDatabase { try $0.execute(sql: "PRAGMA busy_timeout = \(milliseconds)") } }
        }
        try setTimeout(seconds)
        defer { try? setTimeout(Self.busyTimeout) }
        return try write(body)
    }
}
