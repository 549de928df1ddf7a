import Foundation

/// The app's one calendar (Asia/Shanghai, no daylight saving). Days are `yyyy-MM-dd` strings, months `yyyy-MM`;
/// instants are stored in UTC and shown here. Day arithmetic works on whole day numbers, so it needs no time zone.
package enum ShanghaiTime {
    package static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// Shanghai is UTC+8 all year (since 1992; China kept daylight saving time from 1986 to 1991).
    package static let offset: TimeInterval = 8 * 3600

    /// `date` in Shanghai time by a `DateFormatter` pattern. The numeric fields (`yyyy yy MM M dd d HH H mm m ss s`) and
    /// literals are written by arithmetic (a formatter costs more to make than the request it serves); other patterns
    /// (`MMM`, quoted text) go to Foundation.
    package static func format(_ date: Date, _ pattern: String = "yyyy-MM-dd HH:mm") -> String {
        FastDateFormat.string(date, pattern: pattern) ?? {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = zone
            f.dateFormat = pattern
            return f.string(from: date)
        }()
    }

    package static func today(_ now: Date) -> String { day(number: dayNumber(of: now)) }

    package static func currentMonth(_ now: Date) -> String { String(today(now).prefix(7)) }

    // MARK: Days

    /// Days since 1970-01-01 of a valid `yyyy-MM-dd`, else nil.
    package static func dayNumber(_ day: String) -> Int? {
        Validate.date(day).map { Int(($0.timeIntervalSince1970 / 86400).rounded(.down)) }
    }

    /// The Shanghai day number of an instant.
    package static func dayNumber(of instant: Date) -> Int {
        Int(((instant.timeIntervalSince1970 + offset) / 86400).rounded(.down))
    }

    /// `yyyy-MM-dd` of a day number.
    package static func day(number: Int) -> String {
        let (y, m, d) = civil(number)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// Year, month and day of a day number (H. Hinnant's civil-from-days, proleptic Gregorian).
    package static func civil(_ number: Int) -> (y: Int, m: Int, d: Int) {
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// The day number of a date (days-from-civil), without Foundation's calendars.
    package static func dayNumber(y: Int, m: Int, d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The instant a Shanghai day `yyyy-MM-dd` begins.
    package static func dayStart(_ day: String, field: String) throws -> Date {
        guard let n = dayNumber(day) else { throw APIError.invalid(field, "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)") }
        return Date(timeIntervalSince1970: Double(n) * 86400 - offset)
    }

    /// The instant a day of our own making begins (the epoch for a string that is not a day).
    package static func dayStart(_ day: String) -> Date {
        (try? dayStart(day, field: "day")) ?? Date(timeIntervalSince1970: 0)
    }

    /// A Shanghai wall-clock time as a form's `datetime-local` sends it (`2026-12-10T17:00`, or with a space);
    /// nil for an empty value, 422 naming `field` for anything else.
    package static func parseLocal(_ raw: String?, field: String) throws -> Date? {
        guard let raw = raw?.trimmingCharacters(in: .whitespaces), !raw.isEmpty else { return nil }
        let parts = raw.replacingOccurrences(of: "T", with: " ").split(separator: " ")
        let hm = parts.count == 2 ? parts[1].split(separator: ":").prefix(2).compactMap { Int($0) } : []
        guard parts.count == 2, hm.count == 2, (0...23).contains(hm[0]), (0...59).contains(hm[1]),
              let start = try? dayStart(String(parts[0]), field: field) else {
            throw APIError.invalid(field, "时间格式应为 年-月-日 时:分 (time must be YYYY-MM-DD HH:MM)")
        }
        return start.addingTimeInterval(TimeInterval(hm[0] * 3600 + hm[1] * 60))
    }

    /// The day `days` after `day` (before, when negative); a string that is not a day comes back as it is.
    package static func add(_ days: Int, to day: String) -> String {
        dayNumber(day).map { Self.day(number: $0 + days) } ?? day
    }

    /// Every day from `from` to `to`, both included (at most 400).
    package static func days(_ from: String, _ to: String) -> [String] {
        guard let a = dayNumber(from), let b = dayNumber(to), a <= b else { return [] }
        return (a...min(b, a + 399)).map { day(number: $0) }
    }

    /// The same day `years` years later (earlier, when negative); 29 February becomes the 28th in other years.
    package static func years(_ years: Int, from day: String) -> String {
        guard let y = Int(day.prefix(4)), dayNumber(day) != nil else { return day }
        let moved = String(format: "%04d", y + years) + day.dropFirst(4)
        return dayNumber(moved) != nil ? moved : String(moved.prefix(8)) + "28"
    }

    /// Monday of the ISO week holding `day`.
    package static func weekStart(of day: String) -> String {
        guard let n = dayNumber(day) else { return day }
        return Self.day(number: n - ((n + 3) % 7 + 7) % 7)   // 1970-01-01 was a Thursday
    }

    // MARK: Months

    /// The month `yyyy-MM` `offset` months from `month` (which may also be a day: its month is taken).
    package static func month(_ month: String, plus offset: Int) -> String {
        let y = Int(month.prefix(4)) ?? 2000, m = Int(month.dropFirst(5).prefix(2)) ?? 1
        let n = y * 12 + (m - 1) + offset
        return String(format: "%04d-%02d", n / 12, n % 12 + 1)
    }

    /// The last day of a month `yyyy-MM`.
    package static func lastDay(of month: String) -> String {
        add(-1, to: Self.month(month, plus: 1) + "-01")
    }

    /// The months from the month of `from` to the month of `to` (days or months), both included.
    package static func months(from: String, to: String) -> [String] {
        guard let y0 = Int(from.prefix(4)), let m0 = Int(from.dropFirst(5).prefix(2)),
              let y1 = Int(to.prefix(4)), let m1 = Int(to.dropFirst(5).prefix(2)) else { return [] }
        let first = y0 * 12 + m0 - 1, last = y1 * 12 + m1 - 1
        return (first...max(first, last)).map { String(format: "%04d-%02d", $0 / 12, $0 % 12 + 1) }
    }

    /// The first day of the quarter holding `day`.
    package static func quarterStart(of day: String) -> String {
        guard let m = Int(day.dropFirst(5).prefix(2)) else { return day }
        return String(day.prefix(5)) + String(format: "%02d", (m - 1) / 3 * 3 + 1) + "-01"
    }

    // MARK: Input

    /// A month as typed: `yyyy-MM`, a real month.
    package static func parseMonth(_ raw: String?, field: String = "month") throws -> String {
        guard let raw, raw.count == 7, dayNumber(raw + "-01") != nil else {
            throw APIError.invalid(field, "月份格式应为 YYYY-MM (month must be YYYY-MM)")
        }
        return raw
    }

    /// A day as typed: `yyyy-MM-dd`, a real day.
    package static func parseDay(_ raw: String?, field: String) throws -> String {
        guard let raw, !raw.isEmpty else { throw APIError.missing(field) }
        guard dayNumber(raw) != nil else { throw APIError.invalid(field, "日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD)") }
        return raw
    }
}

/// Working time (工作时间): office hours on working days. Holidays and 调休 make-up days are data, by day.
package struct WorkCalendar: Sendable {
    /// Seconds after midnight the office opens and closes.
    package var opens: TimeInterval = 8.5 * 3600
    package var closes: TimeInterval = 17.5 * 3600
    /// Weekdays off (public holidays).
    package var holidays: Set<String> = []
    /// Weekend days worked (调休).
    package var makeUpDays: Set<String> = []

    package init(holidays: Set<String> = [], makeUpDays: Set<String> = []) {
        self.holidays = holidays
        self.makeUpDays = makeUpDays
    }

    /// Monday to Friday 8:30–17:30 with no holidays known.
    package static let standard = WorkCalendar()

    package func isWorkingDay(_ dayNumber: Int) -> Bool {
        let day = ShanghaiTime.day(number: dayNumber)
        if makeUpDays.contains(day) { return true }
        if holidays.contains(day) { return false }
        let weekday = ((dayNumber + 3) % 7 + 7) % 7   // Monday 0 … Sunday 6
        return weekday < 5
    }

    /// The instant `hours` working hours after `start`.
    package func due(from start: Date, workingHours hours: Int) -> Date {
        var remaining = TimeInterval(hours) * 3600
        var t = start
        while true {
            let n = ShanghaiTime.dayNumber(of: t)
            let midnight = Date(timeIntervalSince1970: Double(n) * 86400 - ShanghaiTime.offset)
            let open = midnight.addingTimeInterval(opens), close = midnight.addingTimeInterval(closes)
            if !isWorkingDay(n) || t >= close {
                t = midnight.addingTimeInterval(86400 + opens)
                continue
            }
            if t < open { t = open }
            let available = close.timeIntervalSince(t)
            if remaining <= available { return t.addingTimeInterval(remaining) }
            remaining -= available
            t = close
        }
    }
}

/// RFC 3339 / ISO 8601 timestamps as clients send them and as JSON shows them.
package enum ISOTime {
    /// `2026-11-18T09:30:00Z`, `…+08:00`, or with fractional seconds; nil for anything else.
    package static func parse(_ text: String) -> Date? {
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds]] {
            let f = ISO8601DateFormatter()
            f.formatOptions = options
            if let date = f.date(from: text) { return date }
        }
        return nil
    }

    /// `2026-11-18T01:30:00Z` (UTC).
    package static func format(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
