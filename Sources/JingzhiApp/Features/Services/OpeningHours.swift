import Foundation
import JingzhiCore

/// A place's weekly opening hours (营业时间): for each weekday, Monday first, some periods of the day.
struct OpeningHours: Sendable, Equatable {
    struct Period: Sendable, Equatable {
        /// Minutes after midnight; `end` may be 24:00.
        let start: Int
        let end: Int

        var text: String { "\(Self.clock(start))-\(Self.clock(end))" }
        static func clock(_ m: Int) -> String { String(format: "%02d:%02d", m / 60, m % 60) }
    }

    /// Seven days, Monday first; an empty day is closed.
    let days: [[Period]]

    static let weekdayNames: [(zh: String, en: String)] = [("周一", "Mon"), ("周二", "Tue"), ("周三", "Wed"), ("周四", "Thu"),
                                                          ("周五", "Fri"), ("周六", "Sat"), ("周日", "Sun")]

    /// One text per weekday, e.g. `08:00-12:00 14:00-17:30`; empty or `休息` closed; `24小时` all day.
    static func parse(_ week: [String]) throws -> OpeningHours {
        guard week.count == 7 else { throw APIError.invalid("hours", "请填写周一至周日 7 天的营业时间 (give the hours of all 7 days)") }
        return OpeningHours(days: try week.enumerated().map { i, text in try parseDay(text, name: weekdayNames[i].zh) })
    }

    static func parseDay(_ raw: String, name: String) throws -> [Period] {
        let text = raw.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text == "休息" || text.lowercased() == "closed" { return [] }
        if text == "24小时" || text == "00:00-24:00" { return [Period(start: 0, end: 1440)] }
        let parts = text.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "，" || $0 == "、" }).map(String.init)
        var periods: [Period] = []
        for part in parts {
            let ends = part.replacingOccurrences(of: "–", with: "-").replacingOccurrences(of: "~", with: "-").split(separator: "-").map(String.init)
            guard ends.count == 2, let start = minutes(ends[0]), let end = minutes(ends[1]) else {
                throw APIError.invalid("hours", "\(name)的「\(part)」应写成 08:00-12:00 (write periods like 08:00-12:00)")
            }
            guard end > start else {
                throw APIError.invalid("hours", "\(name)的「\(part)」结束早于开始；跨夜请拆成两天填写 (a period must end after it starts)")
            }
            periods.append(Period(start: start, end: end))
        }
        periods.sort { $0.start < $1.start }
        for (a, b) in zip(periods, periods.dropFirst()) where b.start < a.end {
            throw APIError.invalid("hours", "\(name)的营业时段有重叠 (the periods of \(name) overlap)")
        }
        guard periods.count <= 4 else { throw APIError.invalid("hours", "每天最多 4 个营业时段 (at most 4 periods a day)") }
        return periods
    }

    static func minutes(_ s: String) -> Int? {
        let p = s.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard p.count == 2, let h = Int(p[0]), let m = Int(p[1]), (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 1440 else { return nil }
        return h * 60 + m
    }

    /// Stored as the seven days joined by `|`, each day's periods by `,`.
    var raw: String { days.map { $0.map(\.text).joined(separator: ",") }.joined(separator: "|") }

    init(days: [[Period]]) { self.days = days }

    /// Reads the stored form, which `raw` wrote: `HH:mm-HH:mm` periods, so the bytes are read by position (a list of
    /// places reads hundreds of these); anything else goes through the checking parser.
    init(raw: String) {
        let parts = raw.split(separator: "|", omittingEmptySubsequences: false)
        days = (0..<7).map { i in
            guard i < parts.count else { return [] }
            return Self.stored(parts[i]) ?? (try? Self.parseDay(String(parts[i]), name: "")) ?? []
        }
    }

    private static func stored(_ day: Substring) -> [Period]? {
        if day.isEmpty { return [] }
        var out: [Period] = []
        for p in day.split(separator: ",") {
            let b = Array(p.utf8)
            guard b.count == 11, b[2] == 58, b[5] == 45, b[8] == 58 else { return nil }
            func n(_ i: Int) -> Int? { (48...57).contains(b[i]) && (48...57).contains(b[i + 1]) ? Int(b[i] - 48) * 10 + Int(b[i + 1] - 48) : nil }
            guard let h1 = n(0), let m1 = n(3), let h2 = n(6), let m2 = n(9) else { return nil }
            out.append(Period(start: h1 * 60 + m1, end: h2 * 60 + m2))
        }
        return out
    }

    /// One day's periods as people read them.
    static func text(_ periods: [Period], _ lang: Lang) -> String {
        if periods.isEmpty { return lang.t("休息", "Closed") }
        if periods == [Period(start: 0, end: 1440)] { return lang.t("24小时", "24 hours") }
        return periods.map(\.text).joined(separator: "、")
    }
}

/// Public holidays and 调休 make-up days (法定节假日), county-wide, kept by admins.
struct HolidayCalendar: Sendable {
    /// Day → holiday name.
    var holidays: [String: String] = [:]
    /// Weekend days worked as a Monday (调休上班).
    var makeUpDays: Set<String> = []
}

/// Whether a place is open at an instant, and what a resident should know about it.
enum PlaceStatus: Equatable, Sendable {
    case open(until: Int)
    /// Closed now; `next` is the day and minute it opens next, within a week.
    case closed(next: (day: String, minute: Int)?, reason: String?)

    static func == (a: PlaceStatus, b: PlaceStatus) -> Bool {
        switch (a, b) {
        case (.open(let x), .open(let y)): x == y
        case (.closed(let x, let r), .closed(let y, let s)): x?.day == y?.day && x?.minute == y?.minute && r == s
        default: false
        }
    }

    var isOpen: Bool { if case .open = self { true } else { false } }

    func text(_ lang: Lang, today: String) -> String {
        switch self {
        case .open(let until):
            return lang.t("营业中，\(OpeningHours.Period.clock(until))结束", "Open until \(OpeningHours.Period.clock(until))")
        case .closed(let next, let reason):
            let why = reason.map { lang.t("（\($0)）", " (\($0))") } ?? ""
            guard let next else { return lang.t("暂停营业", "Closed") + why }
            let when = next.day == today ? "" : next.day == ShanghaiTime.add(1, to: today) ? lang.t("明天", "tomorrow ") : String(next.day.suffix(5)) + " "
            return lang.t("已打烊\(why)，\(when)\(OpeningHours.Period.clock(next.minute))开门", "Closed\(why); opens \(when)\(OpeningHours.Period.clock(next.minute))")
        }
    }
}

/// The schedule of one day for a place: its closed days, then public holidays and make-up days when it keeps them.
struct PlaceSchedule: Sendable {
    let hours: OpeningHours
    /// Government halls and the like keep public holidays and 调休; shops and pharmacies do not.
    let keepsHolidays: Bool
    /// Days the place itself closes (装修、盘点), with the reason.
    let closures: [String: String]
    let calendar: HolidayCalendar

    func periods(on day: String) -> (periods: [OpeningHours.Period], reason: String?) {
        if let why = closures[day] { return ([], why) }
        if keepsHolidays {
            if let name = calendar.holidays[day] { return ([], name) }
            if calendar.makeUpDays.contains(day) { return (hours.days[0], nil) }
        }
        guard let n = ShanghaiTime.dayNumber(day) else { return ([], nil) }
        return (hours.days[((n + 3) % 7 + 7) % 7], nil)
    }

    func status(at now: Date) -> PlaceStatus { status(at: Self.clock(now)) }

    /// Today and the minute of the day in Shanghai: worked out once for a whole list of places.
    static func clock(_ now: Date) -> (today: String, minute: Int) {
        let today = ShanghaiTime.today(now)
        return (today, Int(now.timeIntervalSince(ShanghaiTime.dayStart(today)) / 60))
    }

    func status(at clock: (today: String, minute: Int)) -> PlaceStatus {
        let (today, minute) = clock
        let (periods, reason) = periods(on: today)
        if let p = periods.first(where: { $0.start <= minute && minute < $0.end }) {
            // Open past midnight when the next day starts at 00:00.
            return .open(until: p.end)
        }
        if let later = periods.first(where: { $0.start > minute }) { return .closed(next: (today, later.start), reason: reason) }
        for offset in 1...7 {
            let day = ShanghaiTime.add(offset, to: today)
            if let first = self.periods(on: day).periods.first { return .closed(next: (day, first.start), reason: reason) }
        }
        return .closed(next: nil, reason: reason)
    }
}
