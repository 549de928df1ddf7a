import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// Volunteer activities in 古亭社区 for the activity tests.
enum ActivityFixture {
    /// 2026-05-01 09:00 Asia/Shanghai: tests freeze the clock around it.
    static let start = Date(timeIntervalSince1970: 1_777_597_200)

    static func activity(_ app: Application, capacity: Int = 10, hours: Double = 2, perHour: Int? = 10, perVisit: Int? = nil,
                         community: String = "YT-GT-01", by username: String = "gt01_community") async throws -> VolunteerActivity {
        let staff = try await PointsFixture.actor(app, username)
        let iso = { (d: Date) in d.formatted(.iso8601) }
        let input = ActivityService.Input(community: community, place: nil, title: "清扫楼道", startsAt: iso(start), endsAt: iso(start.addingTimeInterval(hours * 3600)),
                                          capacity: Double(capacity), pointsPerHour: perHour.map(Double.init), pointsPerAttendance: perVisit.map(Double.init))
        return try await ActivityService(db: app.db, now: app.clock.now()).create(input, by: staff)
    }

    /// `n` residents of 古亭社区 other than resident_demo's.
    static func residents(_ app: Application, _ n: Int) async throws -> [Resident] {
        let demo = try await PointsFixture.demoResident(app)
        let rows = try await Resident.query(on: app.db).filter(\.$id != demo.id!).within(DataScope(rootPath: try await app.node("YT-GT-01").path))
            .sort(\.$id).range(0..<n).all()
        try #require(rows.count == n)
        return rows
    }

    static func service(_ app: Application) -> ActivityService { ActivityService(db: app.db, now: app.clock.now()) }
    static func attendance(_ app: Application) -> AttendanceService { AttendanceService(db: app.db, now: app.clock.now()) }

    static func reload(_ app: Application, _ row: ActivityAttendance) async throws -> ActivityAttendance {
        try #require(try await ActivityAttendance.find(row.id, on: app.db))
    }
}
