import ConvoKit
import Testing

@Suite struct LineDiffTests {
    /// Rebuilds both texts from an edit script, to check it describes exactly old → new.
    func apply(_ edits: [LineDiff.Edit], _ old: [String], _ new: [String]) -> (old: [String], new: [String]) {
        var rebuiltOld = [String](), rebuiltNew = [String]()
        for edit in edits {
            switch edit {
            case .same(let o, let n):
                #expect(old[o] == new[n])
                rebuiltOld.append(old[o])
                rebuiltNew.append(new[n])
            case .removed(let o): rebuiltOld.append(old[o])
            case .added(let n): rebuiltNew.append(new[n])
            }
        }
        return (rebuiltOld, rebuiltNew)
    }

    /// The length of a longest common subsequence, by the textbook table.
    func lcsLength(_ a: [String], _ b: [String]) -> Int {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in stride(from: a.count - 1, through: 0, by: -1) {
            for j in stride(from: b.count - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }

    @Test func equalTextsHaveNoHunks() {
        let text = ["a", "b", "c"]
        #expect(LineDiff.hunks(text, text).isEmpty)
        #expect(LineDiff.edits(text, text) == [.same(old: 0, new: 0), .same(old: 1, new: 1), .same(old: 2, new: 2)])
    }

    @Test func addingToNothingCoversNoOldLines() {
        let hunks = LineDiff.hunks([], ["one", "two"])
        #expect(hunks.map(\.header) == ["@@ -0,0 +1,2 @@"])
        #expect(hunks.first?.lines == ["+one", "+two"])
        #expect(LineDiff.hunks(["gone"], []).map(\.header) == ["@@ -1 +0,0 @@"])
    }

    @Test func oneChangedLineGetsThreeLinesOfContext() {
        let old = (1...10).map { "line \($0)" }
        var new = old
        new[4] = "line five"
        let hunks = LineDiff.hunks(old, new)
        #expect(hunks.count == 1)
        #expect(hunks[0].header == "@@ -2,7 +2,7 @@")
        #expect(hunks[0].lines == [" line 2", " line 3", " line 4", "-line 5", "+line five", " line 6", " line 7", " line 8"])
    }

    @Test func distantChangesMakeTwoHunksAndNearOnesOne() {
        let old = (1...20).map { "l\($0)" }
        var far = old
        far[1] = "x"
        far[17] = "y"
        #expect(LineDiff.hunks(old, far).map(\.header) == ["@@ -1,5 +1,5 @@", "@@ -15,6 +15,6 @@"])
        var near = old
        near[1] = "x"
        near[8] = "y"  // six unchanged lines between: still one hunk, as in diff -u
        #expect(LineDiff.hunks(old, near).map(\.header) == ["@@ -1,12 +1,12 @@"])
    }

    @Test func insertionInTheMiddleStartsAfterTheLineBefore() {
        let hunks = LineDiff.hunks(["a", "b", "c", "d", "e", "f", "g", "h"], ["a", "b", "c", "d", "new", "e", "f", "g", "h"])
        #expect(hunks.map(\.header) == ["@@ -2,6 +2,7 @@"])
        #expect(hunks.first?.lines == [" b", " c", " d", "+new", " e", " f", " g"])
    }

    @Test func splitsLinesWithoutATrailingEmptyLine() {
        #expect(LineDiff.lines("a\nb\n") == ["a", "b"])
        #expect(LineDiff.lines("a\n\nb") == ["a", "", "b"])
        #expect(LineDiff.lines("") == [])
    }

    /// On many random pairs the script rebuilds both texts and keeps a longest common subsequence
    /// (so it is a shortest edit script).
    @Test func scriptsAreCorrectAndShortest() {
        var generator = SplitMix(seed: 5)
        for _ in 0..<400 {
            let old = (0..<Int(generator.next() % 12)).map { _ in ["a", "b", "c", "d"][Int(generator.next() % 4)] }
            let new = (0..<Int(generator.next() % 12)).map { _ in ["a", "b", "c", "d"][Int(generator.next() % 4)] }
            let edits = LineDiff.edits(old, new)
            let rebuilt = apply(edits, old, new)
            #expect(rebuilt.old == old && rebuilt.new == new, "\(old) → \(new)")
            let kept = edits.filter { if case .same = $0 { return true } else { return false } }.count
            #expect(kept == lcsLength(old, new), "\(old) → \(new)")
        }
    }
}

/// A small deterministic random number generator for the tests.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite struct LineDiffLimitTests {
    /// Past the search limit the changed middle is removed then added whole: longer, still correct.
    /// (A small limit keeps the test light; the real one is 4 million entries.)
    @Test func pastTheLimitTheMiddleIsRemovedThenAdded() {
        let old = ["same", "a", "x", "b", "y", "c", "end"], new = ["same", "x", "a", "y", "b", "z", "end"]
        let shortest = LineDiff.edits(old, new)
        let limited = LineDiff.edits(old, new, traceLimit: 10)
        #expect(limited == [.same(old: 0, new: 0)] + (1...5).map { .removed(old: $0) } + (1...5).map { .added(new: $0) }
            + [.same(old: 6, new: 6)])
        let kept = shortest.filter { if case .same = $0 { return true } else { return false } }.count
        #expect(kept == 4)  // same, x or a, y or b, end
        #expect(LineDiff.edits(old, new, traceLimit: 1_000) == shortest)
    }
}
