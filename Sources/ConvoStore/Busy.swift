import Foundation
import GRDB

/// How a connection waits for another process's write lock: it tries again every 2 ms until its deadline.
///
/// SQLite's own busy timeout sleeps up to 100 ms between tries, so a writer that releases the lock for a
/// moment between short transactions (gc's batches) is never seen: the waiter starves until the whole gc
/// ends. Polling every 2 ms finds the gaps gc leaves between its batches.
enum BusyWait {
    private static let deadlineKey = "convo.busy.deadline"
    private static let startKey = "convo.busy.start"

    /// The busy callback: true to try again.
    static func retry(_ tries: Int) -> Bool {
        let thread = Thread.current.threadDictionary
        let now = Date()
        if tries == 0 { thread[startKey] = now }
        let start = thread[startKey] as? Date ?? now
        let deadline = thread[deadlineKey] as? Date ?? start.addingTimeInterval(Repository.busyTimeout)
        guard now < deadline else { return false }
        usleep(2_000)
        return true
    }

    /// Runs `body` with a deadline of `seconds` from now for every wait on this thread.
    static func with<T>(seconds: Double, _ body: () throws -> T) rethrows -> T {
        let thread = Thread.current.threadDictionary
        thread[deadlineKey] = Date().addingTimeInterval(seconds)
        defer { thread.removeObject(forKey: deadlineKey) }
        return try body()
    }
}

extension Repository {
    /// How long a write waits for another writer's lock.
    public static let busyTimeout: Double = 10

    /// Runs `body` in one write transaction like ``write(packing:_:)``, but waits at most `seconds` for the
    /// write lock; throws ``StoreError/busy(_:)`` when another process holds it longer. `say` uses it to keep
    /// trying, with notices, while it holds an answer it must not lose.
    public func write<T>(waitingAtMost seconds: Double, _ body: (StoreWriter) throws -> T) throws -> T {
        let now = self.now
        return try Self.wrap {
            try queue.writeWithoutTransaction { db in
                try BusyWait.with(seconds: max(0, min(seconds, 86_400))) {
                    var result: T?
                    try db.inTransaction(.immediate) {
                        result = try body(StoreWriter(db: db, now: now, packer: nil))
                        return .commit
                    }
                    guard let result else { throw StoreError.database("a write transaction ended without a result") }
                    return result
                }
            }
        }
    }
}
