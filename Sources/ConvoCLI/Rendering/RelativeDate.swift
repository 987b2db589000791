import ConvoKit
import Foundation

/// git's dates: `5 minutes ago` and `2026-11-20 10:00:00 +0000`.
enum RelativeDate {
    /// Describes `seconds` relative to `now` as git's `--date=relative` does.
    static func describe(_ seconds: Int64, now: Int64) -> String {
        // A server's created_at or a damaged store can hold any Int64: saturate, then cap far inside the range
        // so that the rounding below cannot overflow (2^50 s is 35 million years).
        let difference = Seconds.difference(now, seconds)
        if difference < 0 { return "in the future" }
        let age = min(difference, 1 << 50)
        func ago(_ count: Int64, _ unit: String) -> String { "\(count) \(unit)\(count == 1 ? "" : "s") ago" }
        if age < 90 { return ago(age, "second") }
        let minutes = (age + 30) / 60
        if minutes < 90 { return ago(minutes, "minute") }
        let hours = (minutes + 30) / 60
        if hours < 36 { return ago(hours, "hour") }
        let days = (hours + 12) / 24
        if days < 14 { return ago(days, "day") }
        if days < 70 { return ago((days + 3) / 7, "week") }
        if days < 365 { return ago((days + 15) / 30, "month") }
        let months = (days * 12 * 2 + 365) / (365 * 2)
        if months < 60 {
            let years = months / 12, rest = months % 12
            return rest == 0 ? ago(years, "year") : "\(years) year\(years == 1 ? "" : "s"), \(rest) month\(rest == 1 ? "" : "s") ago"
        }
        return ago((days + 183) / 365, "year")
    }

    /// `2026-11-20 10:00:00 +0000` (times are kept in UTC).
    static func iso(_ seconds: Int64) -> String {
        let text = Timestamps.format(seconds)  // 2026-11-20T10:00:00Z
        return text.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " +0000")
    }
}
