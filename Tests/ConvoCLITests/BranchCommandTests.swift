import ConvoStore
import Foundation
import Testing

@testable import ConvoCLI

@Suite struct BranchCommandTests {
    @Test func checkoutForksAndMovesHead() async throws {
        let harness = try await Harness.withHistory()
        let fork = await harness.run("checkout", "-b", "again", "HEAD~1")
        #expect(fork.status == 0)
        #expect(fork.err.contains("Switched to a new branch 'again'"))
        let branches = await harness.run("branch")
        #expect(branches.lines.first?.hasPrefix("* again ") == true)
        #expect(branches.lines.count == 3)
        let status = try jsonObject(await harness.run("status", "--json").out)
        #expect(status["branch"] as? String == "again")
        #expect(status["turns"] as? Int == 1)

        let detached = await harness.run("checkout", "main~1")
        #expect(detached.status == 0)
        #expect(detached.err.contains("HEAD is now at"))
        let after = try jsonObject(await harness.run("status", "--json").out)
        #expect(after["detached"] as? Bool == true)
        #expect(await harness.run("log", "--oneline").lines.first?.contains("(HEAD, again)") == true)
    }

    /// Branch names from `say --new` may be CJK or emoji: the ids stay in one column on screen, and on a terminal
    /// no line is wider than it (a pipe gets every character).
    @Test func theListAlignsByScreenColumnsAndFitsTheTerminal() async throws {
        let harness = try await Harness.withHistory()
        #expect(await harness.run("branch", "日本語-のテスト", "HEAD~1").status == 0)
        #expect(await harness.run("branch", "👍", "HEAD~1").status == 0)
        let piped = await harness.run("branch")
        let idColumns = piped.lines.map { line -> Int in
            let id = line.firstIndex(of: " ").flatMap { _ in line.range(of: #" [0-9a-f]{7} "#, options: .regularExpression) }
            return id.map { DisplayWidth.columns(of: String(line[..<$0.lowerBound])) } ?? -1
        }
        #expect(Set(idColumns).count == 1 && idColumns.first != -1, "\(piped.lines)")
        #expect(piped.lines.contains { DisplayWidth.columns(of: $0) > 24 })
        harness.outputIsTerminal = true
        harness.terminalWidth = 24
        let narrow = await harness.run("branch")
        #expect(narrow.lines.count == 4)
        for line in narrow.lines { #expect(DisplayWidth.columns(of: line) <= 24, "'\(line)'") }
    }

    @Test func branchCreateDeleteRename() async throws {
        let harness = try await Harness.withHistory()
        #expect(await harness.run("branch", "keep", "HEAD~1").status == 0)
        #expect(await harness.run("branch", "-m", "keep", "kept").status == 0)
        let list = try await harness.run("branch", "--json").lines.map(jsonObject)
        #expect(list.compactMap { $0["name"] as? String } == ["kept", "main", "travel"])
        #expect(list.first { $0["current"] as? Bool == true }?["name"] as? String == "main")
        // 'kept' is reached by main, so -d is enough.
        #expect(await harness.run("branch", "-d", "kept").status == 0)
        // 'travel' holds a turn no other branch reaches.
        let refused = await harness.run("branch", "-d", "travel")
        #expect(refused.status == 1)
        #expect(refused.err.contains("branch -D travel"))
        #expect(await harness.run("branch", "-D", "travel").status == 0)
        #expect(await harness.run("branch").lines.count == 1)
        // The reflog still names the deleted branch's turn.
        #expect(await harness.run("show", "HEAD@{0}").status == 0)
    }

    @Test func deletingTheCurrentBranchIsRefused() async throws {
        let harness = try await Harness.withHistory()
        let result = await harness.run("branch", "-D", "main")
        #expect(result.status == 1)
        #expect(result.err.contains("cannot delete branch 'main': HEAD is on it"))
        #expect(await harness.run("log", "--oneline").lines.count == 2)
    }

    @Test(arguments: ["a..b", "-bad", "has space", "x.lock", "HEAD", "a@{1}"])
    func invalidBranchNamesAreUsageErrors(name: String) async throws {
        let harness = try await Harness.withHistory()
        let create = await harness.run("branch", name)
        #expect(create.status == 2, "\(name): \(create.err)")
        #expect(create.err.contains("error:"))
        let checkout = await harness.run("checkout", "-b", name)
        #expect(checkout.status == 2)
    }

    @Test func existingBranchIsNotOverwritten() async throws {
        let harness = try await Harness.withHistory()
        let before = await harness.run("rev-parse", "travel").out
        let result = await harness.run("checkout", "-b", "travel", "HEAD")
        #expect(result.status == 1)
        #expect(result.err.contains("already exists"))
        #expect(await harness.run("rev-parse", "travel").out == before)
    }

    @Test func checkoutOfABlobIsRefused() async throws {
        let harness = try await Harness.withHistory()
        let blob = ObjectID.hashing(kind: .blob, payload: Array("Plan a trip to Rome".utf8))
        let result = await harness.run("checkout", String(blob.hex.prefix(12)))
        #expect(result.status == 4)
        #expect(result.err.contains("is a blob, not a turn"))
    }

    @Test func reflogListsMovesAndRecoversThem() async throws {
        let harness = try await Harness.withHistory()
        await harness.run("checkout", "travel")
        await harness.run("checkout", "main")
        let reflog = await harness.run("reflog")
        #expect(reflog.lines.count == 3)
        #expect(reflog.lines[0].contains("HEAD@{0}: checkout: moving from travel to main"))
        #expect(reflog.lines[1].contains("HEAD@{1}: checkout: moving from main to travel"))
        #expect(await harness.run("rev-parse", "HEAD@{1}").out == (await harness.run("rev-parse", "travel").out))
    }
}

@Suite struct CheckoutHeadTests {
    @Test func checkoutHeadStaysOnTheBranch() async throws {
        let harness = try await Harness.withHistory()
        #expect(await harness.run("checkout", "HEAD").status == 0)
        let status = try jsonObject(await harness.run("status", "--json").out)
        #expect(status["branch"] as? String == "main")
        #expect(status["detached"] as? Bool == false)
    }
}
