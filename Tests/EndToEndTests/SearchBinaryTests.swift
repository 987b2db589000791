import Foundation
import Testing

/// `convo search` and the derived tables through the built binary.
@Suite struct SearchBinaryTests {
    @Test func searchFindsImportedTurnsAndForgetsPrunedOnes() throws {
        let shell = try BinaryRunner()
        defer { shell.cleanUp() }
        try shell.run("init")
        try shell.write("t.jsonl", ConvoBinaryTests.transcript)
        #expect(try shell.run("import", "t.jsonl").status == 0)

        let found = try shell.run("search", "--all", "--json", "colosseum")
        #expect(found.status == 0, "\(found.err)")
        #expect(found.lines.count == 1)
        let hit = try JSONSerialization.jsonObject(with: Data(found.out.utf8)) as? [String: Any]
        #expect(hit?["side"] as? String == "output")
        #expect(hit?["id"] as? String == (try shell.run("rev-parse", "travel").out.trimmingCharacters(in: .newlines)))

        let nothing = try shell.run("search", "--all", "zebra")
        #expect(nothing.status == 1)
        #expect(nothing.out.isEmpty)
        let malformed = try shell.run("search", "\"rome")
        #expect(malformed.status == 2)
        #expect(malformed.err.hasPrefix("error: invalid search query"))

        // Once gc prunes the travel turn, search no longer finds it and fsck finds the tables in order.
        #expect(try shell.run("branch", "-D", "travel").status == 0)
        let gc = try shell.run("gc", "--prune=now")
        #expect(gc.status == 0, "\(gc.err)")
        #expect(gc.out.hasPrefix("prune turn "))
        #expect(try shell.run("search", "--all", "colosseum").status == 1)
        #expect(try shell.run("search", "--all", "alice").lines.count == 2)
        #expect(try shell.run("fsck").status == 0)
    }
}
