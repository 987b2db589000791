/// A line-based text diff: the shortest edit script between two line lists (Myers' O(ND) greedy
/// algorithm), grouped into unified-diff hunks with context.
public enum LineDiff {
    /// One line of an edit script.
    public enum Edit: Equatable, Sendable {
        /// In both texts: the 0-based line numbers in the old and the new text.
        case same(old: Int, new: Int)
        /// Only in the old text.
        case removed(old: Int)
        /// Only in the new text.
        case added(new: Int)
    }

    /// A unified-diff hunk: `@@ -oldStart,oldCount +newStart,newCount @@` and its lines.
    public struct Hunk: Equatable, Sendable {
        /// 1-based first old line (0 when the hunk covers no old lines, as in `diff -u`).
        public var oldStart: Int
        /// Old lines covered.
        public var oldCount: Int
        /// 1-based first new line (0 when the hunk covers no new lines).
        public var newStart: Int
        /// New lines covered.
        public var newCount: Int
        /// The lines, each prefixed with `' '`, `'-'` or `'+'`.
        public var lines: [String]

        /// The `@@ … @@` header line.
        public var header: String {
            "@@ -\(Self.range(oldStart, oldCount)) +\(Self.range(newStart, newCount)) @@"
        }

        private static func range(_ start: Int, _ count: Int) -> String { count == 1 ? "\(start)" : "\(start),\(count)" }
    }

    /// Splits a text into lines; a final newline does not make an extra empty line.
    public static func lines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines
    }

    /// The shortest edit script turning `old` into `new`, in order. Removals come before additions
    /// within a changed stretch. Past `traceLimit` saved search entries the changed middle is removed then
    /// added whole (see ``traceLimit``).
    public static func edits(_ old: [String], _ new: [String], traceLimit: Int = traceLimit) -> [Edit] {
        // Common prefix and suffix cost nothing and keep the search small.
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        var result = (0..<prefix).map { Edit.same(old: $0, new: $0) }
        let a = Array(old[prefix..<(old.count - suffix)]), b = Array(new[prefix..<(new.count - suffix)])
        for edit in middle(a, b, traceLimit: traceLimit) {
            switch edit {
            case .same(let x, let y): result.append(.same(old: x + prefix, new: y + prefix))
            case .removed(let x): result.append(.removed(old: x + prefix))
            case .added(let y): result.append(.added(new: y + prefix))
            }
        }
        for k in 0..<suffix { result.append(.same(old: old.count - suffix + k, new: new.count - suffix + k)) }
        return result
    }

    /// Past this many saved frontier entries (about d² for d differences; 32 MB) the search stops and the
    /// changed middle is shown as removed then added whole: still a correct diff, only not the shortest.
    public static let traceLimit = 4_000_000

    /// Myers: for each number of differences d, the furthest point reached on each diagonal k = x − y;
    /// the saved frontiers (only diagonals −d−1…d+1 of each) give the path back.
    private static func middle(_ a: [String], _ b: [String], traceLimit: Int) -> [Edit] {
        let n = a.count, m = b.count
        let whole = (0..<n).map { Edit.removed(old: $0) } + (0..<m).map { Edit.added(new: $0) }
        if n == 0 || m == 0 { return whole }
        let maximum = n + m, offset = maximum + 1
        var frontier = [Int](repeating: 0, count: 2 * maximum + 3)
        var trace = [[Int]]()
        var saved = 0
        search: for d in 0...maximum {
            saved += 2 * d + 3
            if saved > traceLimit { return whole }
            trace.append(Array(frontier[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && frontier[offset + k - 1] < frontier[offset + k + 1]) {
                    x = frontier[offset + k + 1]  // down: an addition
                } else {
                    x = frontier[offset + k - 1] + 1  // right: a removal
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                frontier[offset + k] = x
                if x >= n, y >= m { break search }
            }
        }
        // Walk back from (n, m) through the saved frontiers.
        var edits = [Edit]()
        var x = n, y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let v = trace[d], base = d + 1  // v[base + k] is diagonal k
            let k = x - y
            let previousK: Int
            if k == -d || (k != d && v[base + k - 1] < v[base + k + 1]) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = d == 0 ? 0 : v[base + previousK]
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                edits.append(.same(old: x, new: y))
            }
            if d > 0 {
                if x == previousX { edits.append(.added(new: previousY)) } else { edits.append(.removed(old: previousX)) }
            }
            x = previousX
            y = previousY
        }
        return reorder(edits.reversed())
    }

    /// Puts removals before additions inside each stretch of changes, as unified diffs show them.
    private static func reorder(_ edits: [Edit]) -> [Edit] {
        var result = [Edit](), removed = [Edit](), added = [Edit]()
        func flush() {
            result += removed + added
            removed = []
            added = []
        }
        for edit in edits {
            switch edit {
            case .same: flush(); result.append(edit)
            case .removed: removed.append(edit)
            case .added: added.append(edit)
            }
        }
        flush()
        return result
    }

    /// Unified-diff hunks of `old` → `new` with `context` unchanged lines around each change;
    /// changes closer than twice the context share a hunk. Empty when the texts are equal.
    public static func hunks(_ old: [String], _ new: [String], context: Int = 3) -> [Hunk] {
        let script = edits(old, new)
        let changed = script.indices.filter { if case .same = script[$0] { return false } else { return true } }
        guard let first = changed.first else { return [] }
        // Group changes into index ranges of the script, widened by the context.
        var groups = [ClosedRange<Int>]()
        var start = max(0, first - context), end = min(script.count - 1, first + context)
        for index in changed.dropFirst() {
            if index - context <= end + 1 {
                end = min(script.count - 1, index + context)
            } else {
                groups.append(start...end)
                start = max(0, index - context)
                end = min(script.count - 1, index + context)
            }
        }
        groups.append(start...end)

        return groups.map { range in
            var lines = [String]()
            var oldFirst: Int?, newFirst: Int?, oldCount = 0, newCount = 0
            // Where the hunk starts in each text, even when it holds no line of that text.
            var oldBefore = 0, newBefore = 0
            for edit in script[..<range.lowerBound] {
                switch edit {
                case .same: oldBefore += 1; newBefore += 1
                case .removed: oldBefore += 1
                case .added: newBefore += 1
                }
            }
            for edit in script[range] {
                switch edit {
                case .same(let o, let n):
                    lines.append(" " + old[o])
                    oldFirst = oldFirst ?? o
                    newFirst = newFirst ?? n
                    oldCount += 1
                    newCount += 1
                case .removed(let o):
                    lines.append("-" + old[o])
                    oldFirst = oldFirst ?? o
                    oldCount += 1
                case .added(let n):
                    lines.append("+" + new[n])
                    newFirst = newFirst ?? n
                    newCount += 1
                }
            }
            return Hunk(
                oldStart: oldCount == 0 ? oldBefore : (oldFirst ?? oldBefore) + 1, oldCount: oldCount,
                newStart: newCount == 0 ? newBefore : (newFirst ?? newBefore) + 1, newCount: newCount, lines: lines)
        }
    }
}
