import Foundation

/// RFC 3339 times.
public enum Timestamps {
    /// Parses `2025-01-31T12:00:00Z`, with or without fractional seconds or an offset.
    public static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: Date.ISO8601FormatStyle()) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }

    /// Formats unix seconds as `2025-01-31T12:00:00Z`.
    public static func format(_ seconds: Int64) -> String {
        if let text = utc(seconds) { return text }
        return Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
    }

    /// The earliest and latest times formatted by hand: 1900-01-01T00:00:00Z and 9999-12-31T23:59:59Z. Outside
    /// them Foundation answers (five-digit years, and its calendar's own rules for old dates).
    static let byHand: ClosedRange<Int64> = -2_208_988_800...253_402_300_799

    /// `seconds` in UTC by integer arithmetic (the proleptic Gregorian calendar, Howard Hinnant's
    /// `civil_from_days`), or nil outside ``byHand``. Foundation's format style built its calendar, time zone
    /// and locale caches on first use: 2.3 M instructions of a 20-line `convo log`, whose whole target is 10 M
    /// (issue 11). `TimestampsTests` compares both on the range's edges and on random times.
    static func utc(_ seconds: Int64) -> String? {
        guard byHand.contains(seconds) else { return nil }
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let time = seconds - days * 86_400
        let shifted = days + 719_468  // days since 0000-03-01
        let era = shifted / 146_097  // never negative: shifted > 0 from 1900 on
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthFromMarch = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthFromMarch + 2) / 5 + 1
        let month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        var bytes = [UInt8]()
        bytes.reserveCapacity(20)
        func digits(_ value: Int64, _ count: Int) {
            var divisor: Int64 = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(day, 2)
        bytes.append(UInt8(ascii: "T"))
        digits(time / 3_600, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(time / 60 % 60, 2)
        bytes.append(UInt8(ascii: ":"))
        digits(time % 60, 2)
        bytes.append(UInt8(ascii: "Z"))
        return String(decoding: bytes, as: UTF8.self)
    }
}
