import Foundation
import Synchronization

/// One stored response: what GET returns, and the context a later turn chains onto.
struct StoredResponse: Sendable {
    var id: String
    var createdAt: Date
    /// The final response object, as GET returns it.
    var object: EmulatorJSON
    /// This request's input items (with their ids), for `input_items`.
    var inputItems: [EmulatorJSON]
    /// The whole conversation up to and including this answer.
    var context: [Message]
    /// xAI: the instructions the chain keeps from its first turn.
    var chainInstructions: String?
}

/// In-memory storage with retention: an entry older than `retention` is gone.
final class ResponseStore: Sendable {
    private let entries = Mutex<[String: StoredResponse]>([:])
    private let retention: TimeInterval
    private let clock: EmulatorClock

    init(retention: TimeInterval, clock: EmulatorClock) {
        self.retention = retention
        self.clock = clock
    }

    func insert(_ response: StoredResponse) {
        entries.withLock { $0[response.id] = response }
    }

    /// The live entry for `id`; expired entries are dropped on the way.
    func get(_ id: String) -> StoredResponse? {
        let now = clock.now()
        return entries.withLock { entries in
            guard let entry = entries[id] else { return nil }
            guard now.timeIntervalSince(entry.createdAt) < retention else {
                entries[id] = nil
                return nil
            }
            return entry
        }
    }

    /// Removes a live entry; false when there was none.
    func delete(_ id: String) -> Bool {
        guard get(id) != nil else { return false }
        return entries.withLock { $0.removeValue(forKey: id) != nil }
    }
}
