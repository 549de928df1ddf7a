import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// Gateways' timestamps are read without a formatter; the fast reader must agree with one and refuse what it refuses.
@Suite struct ReadingTimeTests {
    @Test func theFastReaderAgreesWithTheFormatterAndRefusesNonsense() {
        for text in ["2026-12-05T08:00:00Z", "2026-12-05T08:00:00+08:00", "2026-12-05T08:00:00.250Z", "2026-12-04T23:59:59-05:30",
                     "2024-02-29T12:00:00Z", "2026-12-05t08:00:00z", "2026-12-05T08:00:00+0800"] {
            let fast = ReadingCheck.fast(text), slow = ISOTime.parse(text.uppercased())
            #expect(fast != nil && slow != nil, "\(text)")
            if let fast, let slow { #expect(abs(fast.timeIntervalSince(slow)) < 0.001, "\(text)") }
        }
        for text in ["2026-02-30T08:00:00Z", "2026-13-05T08:00:00Z", "2026-12-05T24:00:00Z", "2026-12-05 08:00:00Z", "2026-12-05T08:00:00",
                     "2026-12-05T08:00:00+0800x", "2026-12-05T08:00:00+08", "yesterday", "2026-12-05T08:00:00.Z", "2026-12-05T08:00:00Zjunk"] {
            #expect(ReadingCheck.fast(text) == nil, "\(text)")
        }
        #expect(ReadingCheck.time("2026-02-30T08:00:00Z") == nil)
        // seconds may be left out; a fraction then may not
        #expect(ReadingCheck.fast("2026-12-05T08:00Z") == ReadingCheck.fast("2026-12-05T08:00:00Z"))
        #expect(ReadingCheck.fast("2026-12-05T08:00+08:00") == ReadingCheck.fast("2026-12-05T00:00:00Z"))
        for text in ["2026-12-05T08Z", "2026-12-05T08:00", "2026-12-05T08:00.5Z", "2026-12-05T08:0Z"] {
            #expect(ReadingCheck.fast(text) == nil, "\(text)")
        }
    }
}
