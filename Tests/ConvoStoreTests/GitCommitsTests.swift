import ConvoStore
import Foundation
import Testing

/// Adopting turns received through a git remote (issue 15): re-hashed, parents and blobs first, indexed like
/// any other turn, and the turn → commit pairs kept.
@Suite struct GitCommitsTests {
    /// Copies turn `id` and its blobs from `source` into `target`, as a pull does.
    static func copy(_ id: ObjectID, from source: Repository, to target: Repository) throws -> Bool {
        let (bytes, blobs) = try source.read { reader -> ([UInt8], [(ObjectID, [UInt8])]) in
            let turn = try reader.turn(id)
            guard let (_, bytes) = try reader.object(id) else { throw StoreError.objectNotFound(id) }
            return (bytes, try turn.blobReferences.map { ($0, try reader.bytes($0)) })
        }
        return try target.write(packing: true) { writer in
            for (blob, data) in blobs { try writer.adoptBlob(data, expected: blob) }
            return try writer.adoptTurn(bytes, expected: id, received: Dictionary(blobs, uniquingKeysWith: { a, _ in a }))
        }
    }

    @Test func aReceivedChainKeepsItsIdsAndIsIndexedAndSearchable() throws {
        let source = try Repository.inMemory()
        let ids = try source.appendChain(3)
        let target = try Repository.inMemory()
        for id in ids { #expect(try Self.copy(id, from: source, to: target)) }
        #expect(try !Self.copy(ids[2], from: source, to: target), "a turn already stored is not adopted twice")
        #expect(try target.read { try $0.ancestry(of: ids[2]).map(\.id) } == ids.reversed())
        #expect(try target.read { try $0.depth(of: ids[2]) } == 3)
        #expect(try target.read { try $0.fsck().problems }.isEmpty)
        let summaries = try source.read { try $0.ancestry(of: ids[2]) }
        #expect(try target.read { try $0.ancestry(of: ids[2]) } == summaries)
    }

    @Test func bytesThatDoNotHashToTheNamedIdAreRefusedAndNothingIsWritten() throws {
        let source = try Repository.inMemory()
        let ids = try source.appendChain(2)
        let target = try Repository.inMemory()
        #expect(try Self.copy(ids[0], from: source, to: target))
        let bytes = try source.read { try $0.object(ids[1])?.bytes } ?? []
        var forged = bytes
        if let last = forged.indices.last { forged[last - 1] ^= 1 }
        #expect(throws: StoreError.self) { try target.write { try $0.adoptTurn(forged, expected: ids[1]) } }
        #expect(throws: StoreError.self) { try target.write { try $0.adoptBlob(Array("other".utf8), expected: ids[0]) } }
        #expect(try target.read { try $0.kind(of: ids[1]) } == nil)
    }

    @Test func aTurnWhoseParentOrBlobIsMissingIsRefused() throws {
        let source = try Repository.inMemory()
        let ids = try source.appendChain(2)
        let target = try Repository.inMemory()
        let (second, blobs) = try source.read { reader in
            (try reader.object(ids[1])?.bytes ?? [], try reader.turn(ids[0]).blobReferences)
        }
        #expect(throws: StoreError.objectNotFound(ids[0])) { try target.write { try $0.adoptTurn(second, expected: ids[1]) } }
        let first = try source.read { try $0.object(ids[0])?.bytes } ?? []
        #expect(throws: StoreError.objectNotFound(blobs[0])) { try target.write { try $0.adoptTurn(first, expected: ids[0]) } }
    }

    @Test func theFirstCommitRecordedForATurnIsKept() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(1)
        try repository.write { writer in
            try writer.recordGitCommit(turn: ids[0], commit: "aaaa")
            try writer.recordGitCommit(turn: ids[0], commit: "bbbb")
        }
        #expect(try repository.read { try $0.gitCommit(of: ids[0]) } == "aaaa")
        #expect(try repository.read { try $0.turn(ofGitCommit: "aaaa") } == ids[0])
        #expect(try repository.read { try $0.turn(ofGitCommit: "bbbb") } == nil)
        #expect(try repository.read { try $0.gitCommits() } == [ids[0]: "aaaa"])
    }
}
