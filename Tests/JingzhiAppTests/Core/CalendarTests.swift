import Foundation
import JingzhiCore
import Testing

/// The one calendar: Shanghai days as strings, their arithmetic, and working hours with holidays as data.
@Suite struct CalendarTests {
    @Test func dayNumbersRoundTripAcrossLeapYearsAndCenturies() {
        for day in ["1970-01-01", "2000-02-29", "2024-02-29", "2026-12-31", "2100-03-01", "1900-01-01"] {
            // act
            let n = ShanghaiTime.dayNumber(day)
            // check
            #expect(n.map(ShanghaiTime.day(number:)) == day)
        }
        #expect(ShanghaiTime.dayNumber("2026-02-29") == nil)
        #expect(ShanghaiTime.dayNumber("2026-13-01") == nil)
    }

    @Test func addingDaysCrossesMonthsAndYears() {
        #expect(ShanghaiTime.add(1, to: "2026-12-31") == "2027-01-01")
        #expect(ShanghaiTime.add(-1, to: "2024-03-01") == "2024-02-29")
        #expect(ShanghaiTime.add(365, to: "2026-01-01") == "2027-01-01")
        #expect(ShanghaiTime.days("2026-02-27", "2026-03-02") == ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"])
        #expect(ShanghaiTime.days("2026-03-02", "2026-03-01").isEmpty)
    }

    @Test func weeksStartOnMondayAndMonthsAndQuartersOnTheFirst() {
        #expect(ShanghaiTime.weekStart(of: "2026-12-06") == "2026-11-30")   // a Sunday
        #expect(ShanghaiTime.weekStart(of: "2026-11-30") == "2026-11-30")   // a Monday
        #expect(ShanghaiTime.quarterStart(of: "2026-08-15") == "2026-07-01")
        #expect(ShanghaiTime.month("2026-11", plus: 2) == "2027-01")
        #expect(ShanghaiTime.month("2026-01", plus: -1) == "2025-12")
        #expect(ShanghaiTime.lastDay(of: "2028-02") == "2028-02-29")
        #expect(ShanghaiTime.lastDay(of: "2100-02") == "2100-02-28")
        #expect(ShanghaiTime.years(-1, from: "2024-02-29") == "2023-02-28")
    }

    @Test func aShanghaiDayBeginsAtSixteenHundredUTCTheDayBefore() throws {
        // act
        let start = try ShanghaiTime.dayStart("2026-12-05", field: "day")
        // check
        #expect(start == Date(timeIntervalSince1970: 1_796_428_800 - 8 * 3600))
        #expect(ShanghaiTime.today(start) == "2026-12-05")
        #expect(ShanghaiTime.today(start.addingTimeInterval(-1)) == "2026-12-04")
        #expect(throws: APIError.self) { try ShanghaiTime.dayStart("2026-12-32", field: "day") }
    }

    @Test func typedMonthsAndDaysAreRefusedInWordsWhenNotReal() {
        #expect(throws: APIError.self) { try ShanghaiTime.parseMonth("2026-13") }
        #expect(throws: APIError.self) { try ShanghaiTime.parseDay("2026-02-30", field: "day") }
        #expect((try? ShanghaiTime.parseMonth("2026-02")) == "2026-02")
    }

    @Test func workingHoursSkipHolidaysAndCountMakeUpDays() throws {
        // setup: Friday 2026-12-04 16:30 Shanghai, one working hour left that day
        let friday = try ShanghaiTime.dayStart("2026-12-04", field: "d").addingTimeInterval(16.5 * 3600)
        // act / check: two working hours run into Monday on the standard calendar
        #expect(ShanghaiTime.format(WorkCalendar.standard.due(from: friday, workingHours: 2)) == "2026-12-07 09:30")
        // a Monday holiday moves it to Tuesday
        let holiday = WorkCalendar(holidays: ["2026-12-07"])
        #expect(ShanghaiTime.format(holiday.due(from: friday, workingHours: 2)) == "2026-12-08 09:30")
        // a Saturday make-up day (调休) is worked
        let makeUp = WorkCalendar(makeUpDays: ["2026-12-05"])
        #expect(ShanghaiTime.format(makeUp.due(from: friday, workingHours: 2)) == "2026-12-05 09:30")
    }
}
