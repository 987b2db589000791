import Foundation
import Testing

@testable import ConvoStore

@Suite("Attachments in the store")
struct AttachmentStoreTests {
    @Test("A message's attachments are blobs stored once, and its turn round-trips through canonical bytes")
    func blobsAndCanonicalBytes() throws {
        let repository = try Repository.inMemory()
        let image = DraftAttachment(kind: "image", name: "cat.png", mediaType: "image/png", bytes: [0x89, 0x50, 0x4E, 0x47])
        let link = DraftAttachment(kind: "image", name: "https://example.com/a.png", mediaType: "image/*", url: "https://example.com/a.png")
        func draft(_ text: String, parent: ObjectID?) -> TurnDraft {
            TurnDraft(
                parent: parent, model: "m", input: [DraftMessage(role: "user", text: text, attachments: [image, link])],
                output: [DraftOutputItem(type: "message", role: "assistant", text: "ok")], createdAt: 1)
        }
        let (first, second) = try repository.write { writer in
            let first = try writer.insert(draft("one", parent: nil))
            return (first, try writer.insert(draft("two", parent: first)))
        }
        try repository.read { reader in
            let turn = try reader.turn(second)
            let stored = try #require(turn.request.input.first?.attachments)
            #expect(stored.map(\.name) == ["cat.png", "https://example.com/a.png"])
            #expect(stored[0].content == (try reader.turn(first)).request.input.first?.attachments.first?.content)
            #expect(try reader.bytes(try #require(stored[0].content)) == [0x89, 0x50, 0x4E, 0x47])
            #expect(stored[1].content == nil && stored[1].url == "https://example.com/a.png")
            #expect(turn.blobReferences.contains(try #require(stored[0].content)))
            #expect(try Turn(canonicalBytes: turn.canonicalBytes) == turn)
            #expect(turn.canonicalDifference(from: turn.canonicalBytes) == nil)
        }
    }

    @Test("A turn without attachments keeps the bytes it always had")
    func noAttachmentsNoKey() throws {
        let turn = Turn(
            parent: nil, request: TurnRequest(model: "m", input: [MessageRef(role: "user", content: ObjectID.hashing(kind: .blob, payload: []))]),
            response: TurnResponse(id: nil, output: []), createdAt: 0)
        #expect(!String(decoding: turn.canonicalBytes, as: UTF8.self).contains("attachments"))
        #expect(turn.canonicalBytes == turn.canonicalJSON.canonicalBytes)
    }
}
