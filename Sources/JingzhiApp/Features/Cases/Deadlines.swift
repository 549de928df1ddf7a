import Foundation

/// Deadline arithmetic (限时督办): calendar hours, or working hours Monday–Friday 8:30–17:30 in Asia/Shanghai.
/// Public holidays are not known yet and count as working days.
enum Deadlines {
    static let opens: TimeInterval = 8.5 * 3600
    static let closes: TimeInterval = 17.5 * 3600

    static func due(from start: Date, hours: Int, workingHours: Bool) -> Date {
        guard workingHours else { return start.addingTimeInterval(TimeInterval(hours) * 3600) }
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = ShanghaiTime.zone
        var remaining = TimeInterval(hours) * 3600
        var t = start
        while true {
            let day = cal.startOfDay(for: t)
            let weekday = cal.component(.weekday, from: day)  // 1 Sunday … 7 Saturday
            let open = day.addingTimeInterval(opens), close = day.addingTimeInterval(closes)
            if weekday == 1 || weekday == 7 || t >= close {
                t = cal.date(byAdding: .day, value: 1, to: day)!.addingTimeInterval(opens)
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
