import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// Packs hold one group of objects each (``Packer/Group``): turns, the texts of request messages, the other texts.
/// `log --format=%s` over a long conversation then inflates the message packs and not the answers'.
@Suite struct PackGroupTests {
    /// Each packed object's pack and group (turn, message text, other text), from the turns that reference the texts.
    static func groups(_ repository: Repository) throws -> [(pack: Int64, group: String)] {
        try repository.read { (reader: StoreReader) throws in
            var messages = Set<ObjectID>()
            for id in try reader.allSummaries().map(\.id) {
                for message in try reader.turn(id).request.input { messages.insert(message.content) }
            }
            return try Row.fetchAll(reader.db, sql: "SELECT id, kind, pack FROM object WHERE pack IS NOT NULL").map { row in
                let id = ObjectID(bytes: row["id"] as Data)!
                let group = (row["kind"] as String) == "turn" ? "turn" : messages.contains(id) ? "message" : "text"
                return (row["pack"] as Int64, group)
            }
        }
    }

    static func checkOneGroupAPack(_ repository: Repository, _ comment: String) throws {
        let packed = try groups(repository)
        #expect(Set(packed.map(\.group)) == ["turn", "message", "text"], "\(comment)")
        for (pack, members) in Dictionary(grouping: packed, by: \.pack) {
            #expect(Set(members.map(\.group)).count == 1, "pack \(pack) holds \(Set(members.map(\.group)).sorted()), \(comment)")
        }
    }

    static func draft(_ index: Int, parent: ObjectID?) -> TurnDraft {
        var draft = TurnDraft.simple("question \(index)", "answer \(index)", parent: parent, at: 1_764_000_000 + Int64(index))
        draft.instructions = "be brief \(index % 3)"
        if index % 4 == 0 { draft.input.insert(DraftMessage(role: "developer", text: "context \(index)"), at: 0) }
        return draft
    }

    @Test func aBulkWritePacksMessageTextsApart() throws {
        let repository = try Repository.inMemory()
        try repository.write(packing: true) { writer in
            var parent: ObjectID?
            for index in 0..<40 { parent = try writer.insert(Self.draft(index, parent: parent)) }
        }
        try Self.checkOneGroupAPack(repository, "bulk write")
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }

    @Test func gcPacksTheLooseTextsOfMessagesApart() throws {
        let repository = try Repository.inMemory()
        var parent: ObjectID?
        for index in 0..<12 { parent = try repository.write { try $0.insert(Self.draft(index, parent: parent)) } }
        try repository.write { try $0.updateRef("refs/heads/main", to: parent, expecting: nil, message: "branch") }
        #expect(try repository.queue.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM object WHERE pack IS NOT NULL") } == 0)
        let moved = try repository.write { try $0.packLoose(limit: .max) }
        #expect(moved > 0)
        try Self.checkOneGroupAPack(repository, "gc")
        #expect(try repository.read { try $0.fsck().problems }.isEmpty)
    }
}
