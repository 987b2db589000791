import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// `root(of:)`: the first turn of a conversation, which names its prompt cache key.
@Suite struct RootTests {
    @Test func everyTurnOfAChainAndOfAForkHasTheFirstTurnAsRoot() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(4)
        let fork = try repository.write { try $0.insert(.simple("fork", "answer", parent: ids[1], at: 1_764_000_100)) }
        for id in ids + [fork] { #expect(try repository.read { try $0.root(of: id).id } == ids[0]) }
        let other = try repository.write { try $0.insert(.simple("alone", "answer", at: 1_764_000_200)) }
        #expect(try repository.read { try $0.root(of: other) }.createdAt == 1_764_000_200)
    }

    @Test func aChainBrokenInTheIndexNamesTheMissingTurn() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(3)
        try repository.queue.write { db in try db.execute(sql: "DELETE FROM turn_index WHERE id = ?", arguments: [Data(ids[1].bytes)]) }
        #expect(throws: StoreError.corruptObject(detail: "turn \(ids[1].hex) is not in the index; run 'convo fsck --rebuild-index'")) {
            try repository.read { try $0.root(of: ids[2]) }
        }
    }
}
