/// One line of progress on stderr that each report overwrites: `\r` and the erase-line sequence on a terminal, and on
/// a dumb one (`TERM=dumb`, which has no escape sequences) `\r` and spaces over what the previous report left, as
/// git's progress does.
final class ProgressLine {
    private let dumb: Bool
    private var shown = 0

    init(variables: [String: String]) {
        dumb = variables["TERM"] == "dumb"
    }

    /// What to write to show `text` in place of the previous report.
    func show(_ text: String) -> String {
        let width = text.count
        defer { shown = width }
        guard dumb else { return "\r\u{1B}[K\(text)" }
        return "\r\(text)\(String(repeating: " ", count: max(0, shown - width)))"
    }

    /// What to write to clear the line before the summary.
    func clear() -> String {
        defer { shown = 0 }
        guard dumb else { return "\r\u{1B}[K" }
        return "\r\(String(repeating: " ", count: shown))\r"
    }
}
