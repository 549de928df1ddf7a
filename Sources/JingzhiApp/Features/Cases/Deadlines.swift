import Foundation
import JingzhiCore

/// Deadline arithmetic (限时督办): calendar hours, or working hours on the standard working calendar
/// (Monday–Friday 8:30–17:30 in Asia/Shanghai; public holidays are not known yet and count as working days).
enum Deadlines {
    static func due(from start: Date, hours: Int, workingHours: Bool) -> Date {
        guard workingHours else { return start.addingTimeInterval(TimeInterval(hours) * 3600) }
        return WorkCalendar.standard.due(from: start, workingHours: hours)
    }
}
