import Foundation
import JingzhiCore
import Testing

/// Shanghai times written by arithmetic read exactly as Foundation's formatter writes them.
@Suite struct FastDateFormatTests {
    static let patterns = ["yyyy-MM-dd HH:mm", "yyyy-MM-dd", "HH:mm", "yyyyMMdd", "M月d日 HH:mm", "yyyy年M月d日",
                           "yyyy-MM-dd HH:mm:ss", "MM-dd HH:mm", "yyyy-MM", "yy/M/d H:m:s"]

    @Test func numericPatternsMatchFoundationAcrossYearsAndMidnights() {
        let foundation = DateFormatter()
        foundation.locale = Locale(identifier: "en_US_POSIX")
        foundation.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        var instants: [Date] = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1),
                                // 23:59:59 and 00:00:00 Shanghai, 2024-02-29, 2100-03-01
                                Date(timeIntervalSince1970: 1_709_222_399), Date(timeIntervalSince1970: 1_709_222_400),
                                Date(timeIntervalSince1970: 4_107_542_400.5)]
        var seed: UInt64 = 20261205
        for _ in 0..<500 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            instants.append(Date(timeIntervalSince1970: Double(seed % 4_000_000_000) + Double(seed % 1000) / 1000))
        }
        for pattern in Self.patterns {
            foundation.dateFormat = pattern
            for instant in instants {
                #expect(ShanghaiTime.format(instant, pattern) == foundation.string(from: instant), "\(pattern) \(instant)")
            }
        }
    }

    @Test func namedFieldsStillGoToFoundation() {
        let instant = Date(timeIntervalSince1970: 1_764_900_000)
        #expect(ShanghaiTime.format(instant, "d MMM HH:mm") == "5 Dec 10:00")
        #expect(ShanghaiTime.format(instant, "'at' HH:mm") == "at 10:00")
    }
}
