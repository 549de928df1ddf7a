import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Verified volunteer time for the assessment's `volunteers.hours_per_100` measure, read through this feature.
extension VolunteerRankings {
    /// Verified volunteer minutes at activities organised under `path` that started in [from, to).
    static func verifiedMinutes(under path: String, from: Date, to: Date, on db: any Database) async throws -> Int {
        let row = try await db.sql.raw("""
            SELECT CAST(COALESCE(SUM(a.minutes), 0) AS BIGINT) AS m FROM \(ident: ActivityAttendance.schema) a \
            JOIN \(ident: VolunteerActivity.schema) v ON v.id = a.activity_id \
            WHERE a.state = \(bind: AttendanceState.verified.rawValue) AND v.starts_at >= \(bind: from) AND v.starts_at < \(bind: to) \
            AND \(DataScope(rootPath: path).sqlCondition(column: "a.node_path"))
            """).first()
        return try row?.decode(column: "m", as: Int.self) ?? 0
    }
}
