import Foundation
import Testing

@testable import ConvoKit

struct TimestampsTests {
    /// What Foundation's ISO 8601 style writes, which `Timestamps.format` wrote before it formatted by hand.
    private func foundation(_ seconds: Int64) -> String {
        Date(timeIntervalSince1970: TimeInterval(seconds)).formatted(Date.ISO8601FormatStyle())
    }

    /// The hand-written formatter writes what Foundation writes: at the range's edges, around leap days,
    /// century years and the epoch, and on random times.
    @Test func utcTimesAreFoundationsTimes() {
        let range = Timestamps.byHand
        var times: [Int64] = [range.lowerBound, range.lowerBound + 1, range.upperBound, range.upperBound - 1, -1, 0, 1, 86_399, 86_400]
        // 1900 (not a leap year), 2000 (a leap year), 2100, and each Feb 28 – Mar 1 of 1999–2005.
        times += [-2_203_891_200, 951_782_400, 951_868_800, 4_107_542_400, 4_107_456_000]
        for year in Int64(1999)...2005 {
            let march1 = (year - 1970) * 31_536_000 + ((year - 1969) / 4) * 86_400 + 59 * 86_400
            for offset in stride(from: Int64(-2 * 86_400), through: 2 * 86_400, by: 43_200) { times.append(march1 + offset) }
        }
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 { times.append(Int64.random(in: range, using: &generator)) }
        for time in times {
            #expect(Timestamps.utc(time) == foundation(time), "\(time)")
        }
    }

    /// Outside the range, Foundation still answers, as before.
    @Test func timesOutsideTheRangeAreFoundations() {
        for time in [Timestamps.byHand.lowerBound - 1, Timestamps.byHand.upperBound + 1, -62_135_596_800, 300_000_000_000] {
            #expect(Timestamps.utc(time) == nil)
            #expect(Timestamps.format(time) == foundation(time))
        }
    }

    /// Formatting and parsing agree on every time written by hand.
    @Test func formattedTimesParseBack() {
        for time: Int64 in [0, 1_764_000_000, -2_208_988_800, 253_402_300_799] {
            #expect(Timestamps.parse(Timestamps.format(time)).map { Int64($0.timeIntervalSince1970) } == time)
        }
    }
}
