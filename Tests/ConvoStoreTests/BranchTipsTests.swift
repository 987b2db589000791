import Foundation
import GRDB
import Testing

@testable import ConvoStore

/// `branchTips()` reads the tips `log --all` starts from through SQLite's C interface (issue 11); it must list
/// exactly the tips of `branches()`, in its order, whatever the `ref` table holds.
@Suite struct BranchTipsTests {
    @Test func theTipsAreThoseOfBranches() throws {
        let repository = try Repository.inMemory()
        let ids = try repository.appendChain(4)
        let damaged = Data(repeating: 7, count: 32)
        try repository.queue.write { db in
            for (index, name) in ["zeta", "alpha", "feature/x", "m-2_b"].enumerated() {
                try db.execute(sql: "INSERT INTO ref (name, target) VALUES (?, ?)", arguments: ["refs/heads/" + name, Data(ids[index].bytes)])
            }
            // Rows branches() leaves out: a name git refuses, a short target, a symbolic ref, a non-branch ref.
            try db.execute(sql: "INSERT INTO ref (name, target) VALUES ('refs/heads/bad..name', ?)", arguments: [Data(ids[0].bytes)])
            try db.execute(sql: "INSERT INTO ref (name, target) VALUES ('refs/heads/short', x'0102')")
            try db.execute(sql: "INSERT INTO ref (name, symbolic) VALUES ('refs/heads/link', 'refs/heads/zeta')")
            try db.execute(sql: "INSERT INTO ref (name, target) VALUES ('refs/tags/v1', ?)", arguments: [Data(ids[1].bytes)])
            // Rows it keeps: a target stored as 32 characters of text, a name stored as a blob.
            try db.execute(sql: "INSERT INTO ref (name, target) VALUES ('refs/heads/text', ?)", arguments: [String(repeating: "a", count: 32)])
            try db.execute(sql: "INSERT INTO ref (name, target) VALUES (CAST('refs/heads/blob' AS BLOB), ?)", arguments: [damaged])
        }
        let branches = try repository.read { try $0.branches() }
        #expect(branches.count == 6)
        #expect(try repository.read { try $0.branchTips() } == branches.map(\.tip))
    }

    @Test func noBranchesNoTips() throws {
        let repository = try Repository.inMemory()
        #expect(try repository.read { try $0.branchTips() } == [])
        #expect(try repository.read { try $0.branches() }.isEmpty)
    }
}
