import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// Opening hours with several periods a day, public holidays, 调休 make-up days and closed days, read at an instant.
@Suite struct OpeningHoursTests {
    /// Shanghai local time on a day.
    static func at(_ day: String, _ hh: Int, _ mm: Int = 0) -> Date { ShanghaiTime.dayStart(day).addingTimeInterval(Double(hh * 3600 + mm * 60)) }

    static let hall = try! OpeningHours.parse(Array(repeating: "08:30-12:00 14:00-17:30", count: 5) + ["休息", "休息"])

    @Test func periodsOfTheDayDecideOpenAndTheNextOpening() {
        let s = PlaceSchedule(hours: Self.hall, keepsHolidays: true, closures: [:], calendar: HolidayCalendar())
        // 2026-12-07 is a Monday
        #expect(s.status(at: Self.at("2026-12-07", 9)) == .open(until: 12 * 60))
        #expect(s.status(at: Self.at("2026-12-07", 12, 30)) == .closed(next: ("2026-12-07", 14 * 60), reason: nil))
        #expect(s.status(at: Self.at("2026-12-07", 17, 30)) == .closed(next: ("2026-12-08", 8 * 60 + 30), reason: nil), "17:30 is closing time")
        #expect(s.status(at: Self.at("2026-12-11", 18)) == .closed(next: ("2026-12-14", 8 * 60 + 30), reason: nil), "Friday evening: Monday")
    }

    @Test func holidaysCloseAndMakeUpDaysOpenOnlyForPlacesThatKeepThem() {
        let calendar = HolidayCalendar(holidays: ["2026-10-01": "国庆节"], makeUpDays: ["2026-10-10"])
        let hall = PlaceSchedule(hours: Self.hall, keepsHolidays: true, closures: [:], calendar: calendar)
        let shop = PlaceSchedule(hours: Self.hall, keepsHolidays: false, closures: [:], calendar: calendar)
        // 2026-10-01 is a Thursday, 2026-10-10 a Saturday
        #expect(hall.status(at: Self.at("2026-10-01", 9)) == .closed(next: ("2026-10-02", 8 * 60 + 30), reason: "国庆节"))
        #expect(shop.status(at: Self.at("2026-10-01", 9)).isOpen)
        #expect(hall.status(at: Self.at("2026-10-10", 9)).isOpen, "调休: the Saturday is worked")
        #expect(!shop.status(at: Self.at("2026-10-10", 9)).isOpen)
    }

    @Test func aClosedDayOfThePlaceItselfWinsAndSaysWhy() {
        let s = PlaceSchedule(hours: Self.hall, keepsHolidays: false, closures: ["2026-12-08": "内部盘点"], calendar: HolidayCalendar())
        let status = s.status(at: Self.at("2026-12-08", 10))
        #expect(status == .closed(next: ("2026-12-09", 8 * 60 + 30), reason: "内部盘点"))
        #expect(status.text(.zh, today: "2026-12-08").contains("内部盘点"))
        #expect(status.text(.zh, today: "2026-12-08").contains("明天08:30开门"))
    }

    @Test func wrongHoursAreRefusedInWords() {
        #expect(throws: APIError.self) { try OpeningHours.parse(["08:00-12:00"]) }
        #expect(throws: APIError.self) { try OpeningHours.parseDay("8点到12点", name: "周一") }
        #expect(throws: APIError.self) { try OpeningHours.parseDay("22:00-02:00", name: "周一") }
        #expect(throws: APIError.self) { try OpeningHours.parseDay("08:00-12:00 11:00-14:00", name: "周一") }
        #expect(try! OpeningHours.parseDay("24小时", name: "周日") == [.init(start: 0, end: 1440)])
        #expect(OpeningHours(raw: Self.hall.raw) == Self.hall)
    }
}
