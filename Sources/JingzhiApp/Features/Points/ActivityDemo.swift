import Fluent
import Foundation
import JingzhiCore

/// The county demo's volunteer activities: in each community three past ones whose attendances were verified
/// (paying points through the ledger), and one next week with sign-ups, the demo resident among them.
enum ActivityDemo {
    static let titles = ["清扫楼道", "关爱独居老人", "文明劝导", "垃圾分类宣传"]

    static func seed(_ c: DemoContext) async throws {
        let admin = PointsDemo.systemActor(role: .admin)
        let demoResident = try await User.query(on: c.db).filter(\.$username == "resident_demo").first()?.residentID
        var activities = 0, verified = 0
        for (ci, community) in try await PointsDemo.communities(c).enumerated() {
            var residents = try await Resident.query(on: c.db).within(DataScope(rootPath: community.path)).sort(\.$nodePath).sort(\.$name)
                .range(0..<8).all()
            if let id = demoResident, let me = try await Resident.query(on: c.db).filter(\.$id == id).within(DataScope(rootPath: community.path)).first() {
                residents.removeAll { $0.id == me.id }
                residents.insert(me, at: 0)
            }
            guard !residents.isEmpty else { continue }
            for (k, back) in [60, 40, 20].enumerated() {
                let a = try await activity(c, community, title: titles[(ci + k) % titles.count], daysBack: back, capacity: 10, by: admin)
                let seated = Array(residents.prefix(4 + (ci + k) % 4))
                try await signUp(c, a, seated)
                let after = AttendanceService(db: c.db, now: a.endsAt.addingTimeInterval(3600), source: .system("演示数据"))
                try await after.settle(a)
                // The last one signed up never came: a no-show.
                let rows = try await ActivityAttendance.query(on: c.db).filter(\.$activityID == a.id!).sort(\.$signedUpAt).sort(\.$id).all()
                for (i, row) in rows.dropLast().enumerated() {
                    _ = try await after.markPresent(a, attendance: row.id, by: admin)
                    let next = AttendanceService(db: c.db, now: a.endsAt.addingTimeInterval(86_400), source: .system("演示数据"))
                    _ = try await next.verify(a, attendance: row.id, minutes: i % 3 == 2 ? 90 : nil, by: admin)
                    verified += 1
                }
                activities += 1
            }
            let upcoming = try await activity(c, community, title: "社区义诊志愿服务", daysBack: -5, capacity: 3, by: admin)
            try await signUp(c, upcoming, Array(residents.prefix(5)))
            activities += 1
        }
        c.log("志愿活动：\(activities) 场，\(verified) 人次核定 (volunteer activities: \(activities), \(verified) verified attendances)")
    }

    /// A 2-hour morning activity `daysBack` days before the demo's today (negative: ahead), 10 points an hour.
    static func activity(_ c: DemoContext, _ community: OrgNode, title: String, daysBack: Int, capacity: Int, by admin: Actor) async throws -> VolunteerActivity {
        let start = PointsDemo.day(c, back: daysBack).addingTimeInterval(-3 * 3600)
        let input = ActivityService.Input(community: community.id!.uuidString, place: nil, title: title,
                                          startsAt: start.formatted(.iso8601), endsAt: start.addingTimeInterval(2 * 3600).formatted(.iso8601),
                                          capacity: Double(capacity), pointsPerHour: 10, pointsPerAttendance: nil)
        return try await ActivityService(db: c.db, now: start.addingTimeInterval(-7 * 86_400), source: .system("演示数据")).create(input, by: admin)
    }

    /// Sign-ups a few hours apart, a week to a day before the start: beyond the seats they wait.
    static func signUp(_ c: DemoContext, _ a: VolunteerActivity, _ people: [Resident]) async throws {
        for (i, r) in people.enumerated() {
            let at = min(a.startsAt.addingTimeInterval(-86_400), a.createdAt.addingTimeInterval(Double(i + 1) * 3 * 3600))
            _ = try await ActivityService(db: c.db, now: at, source: .system("演示数据")).signUp(a, resident: r)
        }
    }

    /// partner_demo's partner (孝贤大食堂) organises in 古亭社区: a verified activity a month ago, one next week with
    /// sign-ups. Seeded after the partners (the Partners demo calls it), through the services as the partner's account.
    static func partnerActivities(_ c: DemoContext) async throws {
        guard let user = try await User.query(on: c.db).filter(\.$username == "partner_demo").first(),
              let community = try await OrgNode.query(on: c.db).filter(\.$code == "YT-GT-01").first(),
              try await VolunteerActivity.query(on: c.db).filter(\.$partnerID != nil).count() == 0 else { return }
        let residents = try await Resident.query(on: c.db).within(DataScope(rootPath: community.path)).sort(\.$nodePath).sort(\.$name).range(8..<14).all()
        for (title, back) in [("孝贤大食堂助老送餐", 30), ("孝贤大食堂包饺子敬老", -6)] {
            let start = PointsDemo.day(c, back: back).addingTimeInterval(-3 * 3600)
            let created = start.addingTimeInterval(-7 * 86_400)
            let partner = try await Actor.load(user, on: c.db, now: created)
            let input = ActivityService.Input(community: community.id!.uuidString, place: nil, title: title, startsAt: start.formatted(.iso8601),
                                              endsAt: start.addingTimeInterval(2 * 3600).formatted(.iso8601), capacity: 6, pointsPerHour: nil, pointsPerAttendance: 15)
            let source = AuditSource(actorID: user.id, actorName: user.displayName, ip: "local")
            let a = try await ActivityService(db: c.db, now: created, source: source).create(input, by: partner)
            try await signUp(c, a, residents)
            guard back > 0 else { continue }
            let after = AttendanceService(db: c.db, now: a.endsAt.addingTimeInterval(3600), source: source)
            try await after.settle(a)
            for row in try await ActivityAttendance.query(on: c.db).filter(\.$activityID == a.id!).sort(\.$signedUpAt).sort(\.$id).all().dropLast() {
                _ = try await after.markPresent(a, attendance: row.id, by: partner)
                _ = try await after.verify(a, attendance: row.id, minutes: nil, by: partner)
            }
        }
        c.log("合伙人组织的志愿活动：2 场 (partner-organised activities: 2)")
    }
}
