import ConvoStore
import Foundation
import Testing

@testable import ConvoKit

/// The exit codes are one table in code (``ExitStatus``); the README's table is checked against it here, and the
/// manual is generated from it (ManualPageTests checks that the committed pages are current).
@Suite struct ExitStatusTests {
    static let readme = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("README.md")

    /// The rows of README.md's "Exit codes" table, as `(code, meaning)`.
    static func readmeRows() throws -> [(String, String)] {
        let text = try String(contentsOf: readme, encoding: .utf8)
        let lines = text.components(separatedBy: "\n").drop { $0 != "## Exit codes" }
        return lines.dropFirst().drop { !$0.hasPrefix("|---") }.dropFirst().prefix { $0.hasPrefix("|") }.map { line in
            let cells = line.dropFirst(2).dropLast(2).components(separatedBy: " | ")
            return (cells[0], cells.dropFirst().joined(separator: " | "))
        }
    }

    @Test func theReadmeTableIsTheCodesTable() throws {
        let rows = try Self.readmeRows()
        #expect(rows.map(\.0) == ExitStatus.allCases.map { String($0.rawValue) })
        for (row, status) in zip(rows, ExitStatus.allCases) {
            #expect(row.1 == status.meaning, "README.md's row for exit code \(row.0) differs from ExitStatus.meaning")
        }
    }

    @Test func eachErrorLayerHasItsCode() {
        #expect(ExitStatus.of(StoreError.unknownRevision("x")) == .revisionNotFound)
        #expect(ExitStatus.of(ConvoError.invalidOption("x")) == .usage)
        #expect(ExitStatus.of(SayError.emptyMessage) == .invalidInput)
        #expect(ExitStatus.of(CocoaError(.fileNoSuchFile)) == nil, "an error convo did not foresee: the caller's exit 1")
    }
}
