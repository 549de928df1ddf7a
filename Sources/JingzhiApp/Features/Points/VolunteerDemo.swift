import Fluent
import Foundation
import JingzhiCore

/// The county demo's volunteers: in each community a team, six approved volunteers and one waiting for approval,
/// and two posts, one of them claimed. The demo resident is left unregistered, to register on the phone.
enum VolunteerDemo {
    static let skills = ["理发", "家电维修", "医护", "文艺演出", "心理疏导", "法律咨询", "书法"]
    static let availability = ["周末上午", "工作日晚上", "每天下午", "周六全天"]

    static func seed(_ c: DemoContext) async throws {
        let admin = PointsDemo.systemActor(role: .admin)
        let demoResident = try await User.query(on: c.db).filter(\.$username == "resident_demo").first()?.residentID
        let now = PointsDemo.day(c, back: 90)
        let s = VolunteerService(db: c.db, now: now, source: .system("演示数据"))
        var registered = 0
        for community in try await PointsDemo.communities(c) {
            let team = try await s.createTeam(community: community.id!.uuidString, name: "\(community.name)志愿服务队",
                                              description: "党员和热心居民组成的志愿服务队", by: admin)
            let people = try await Resident.query(on: c.db).within(DataScope(rootPath: community.path)).sort(\.$nodePath).sort(\.$name)
                .range(0..<8).all().filter { $0.id != demoResident }.prefix(7)
            var approved: [Resident] = []
            for (i, r) in people.enumerated() {
                let v = try await s.register(r, .init(skills: skills[i % skills.count], availability: availability[i % availability.count],
                                                      team: i % 2 == 0 ? team.id!.uuidString : nil, organisation: i == 1 ? "县人民医院" : nil))
                registered += 1
                guard i < 6 else { continue }
                _ = try await s.decide(v.id, approve: true, note: nil, expectedVersion: nil, by: admin)
                approved.append(r)
            }
            let head = try await s.createPost(community: community.id!.uuidString, title: "楼栋长", place: "1号楼", duties: "联系本楼住户，收集诉求", by: admin)
            _ = try await s.createPost(community: community.id!.uuidString, title: "文明劝导员", place: "小区门口", duties: "劝导不文明行为", by: admin)
            if let first = approved.first { _ = try await s.claim(head.id, by: first) }
        }
        c.log("志愿者：\(registered) 人注册 (volunteers: \(registered) registered)")
    }
}
