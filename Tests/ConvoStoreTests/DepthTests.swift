import Foundation
import Testing

@testable import ConvoStore

/// `depth(of:)` counts a turn and its ancestors inside SQLite, as `ancestry(of:).count` did by decoding every
/// summary (status on a 10,000-turn conversation: 850 M instructions; issue 11).
@Suite struct DepthTests {
    @Test func depthCountsTheTurnAndItsAncestors() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(5)
        for (index, id) in ids.enumerated() {
            #expect(try repository.read { try $0.depth(of: id) } == index + 1)
            #expect(try repository.read { try $0.depth(of: id) } == repository.read { try $0.ancestry(of: id).count })
        }
    }

    @Test func aForkCountsOnlyItsOwnLine() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(3)
        let fork = try repository.write { try $0.insert(.simple("fork", "answer", parent: ids[0])) }
        #expect(try repository.read { try $0.depth(of: fork) } == 2)
    }

    /// A chain broken in the index is an error naming the missing turn, as ancestry's is.
    @Test func aBrokenChainIsTheSameErrorAsAncestrys() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(3)
        try repository.queue.write { db in try db.execute(sql: "DELETE FROM turn_index WHERE id = ?", arguments: [Data(ids[1].bytes)]) }
        #expect(throws: StoreError.corruptObject(detail: "turn \(ids[1].hex) is not in the index; run 'convo fsck --rebuild-index'")) {
            try repository.read { try $0.depth(of: ids[2]) }
        }
        #expect(throws: StoreError.self) { try repository.read { try $0.depth(of: ids[1]) } }
    }
}
