import Fluent
import Foundation
import JingzhiCore

/// The later steps of the demo's topics in 古亭社区, through the services with their clocks set to the demo's days: a
/// meeting held with registration, attendance, a household vote on paper and minutes; decisions carried out as items
/// (one a case still open); an outcome being rated; one closed with its evaluation; a topic merged into another.
enum DeliberationDemoSteps {
    struct Clock {
        let asOf: Int
        let db: any Database

        func service(_ daysAgo: Int, hour: Int, minute: Int = 0) -> TopicService {
            TopicService(db: db, now: DemoDate.instant(asOf - daysAgo, hour: hour, minute: minute), source: .cli("seed"))
        }

        func actor(_ username: String, _ daysAgo: Int) async throws -> Actor? {
            guard let user = try await User.query(on: db).filter(\.$username == username).first() else { return nil }
            return try await Actor.load(user, on: db, now: DemoDate.instant(asOf - daysAgo, hour: 9))
        }

        func topic(_ title: String) async throws -> Topic? { try await Topic.query(on: db).filter(\.$title == title).first() }

        func move(_ title: String, _ action: TopicAction, daysAgo: Int, note: String? = nil) async throws {
            guard let staff = try await actor("gt01_community", daysAgo), let t = try await topic(title) else { return }
            _ = try await service(daysAgo, hour: 15).perform(action, on: t, by: staff, input: TopicActionInput(version: t.version, note: note))
        }

        func item(_ title: String, on topicTitle: String, owner: String, daysAgo: Int, dueIn: Int, doneAfter: Int?) async throws {
            guard let staff = try await actor("gt01_community", daysAgo), let t = try await topic(topicTitle) else { return }
            let due = DemoDate.instant(asOf - daysAgo + dueIn, hour: 18)
            let i = try await service(daysAgo, hour: 16).addItem(to: t, ItemInput(title: title, owner: owner, deadline: due), by: staff)
            _ = try await service(daysAgo - 2, hour: 10).note(on: i, words: "已安排\(owner)落实", by: staff)
            if let doneAfter { _ = try await service(daysAgo - doneAfter, hour: 17).markDone(i, by: staff) }
        }
    }

    static func seed(asOf: Int, on db: any Database) async throws {
        let c = Clock(asOf: asOf, db: db)
        try await meeting(c)
        try await propertyEvaluation(c)
        // The dance topic: decided after the meeting, two items done in time, carried out, rated, closed.
        try await c.move("社区广场晚间跳舞音量扰民", .decide, daysAgo: 55, note: "议定：活动时间 19:00–21:00，音量不超过 60 分贝，由舞蹈队长负责提醒。")
        try await c.item("舞蹈队长每晚提醒音量", on: "社区广场晚间跳舞音量扰民", owner: "广场舞蹈队", daysAgo: 54, dueIn: 14, doneAfter: 9)
        try await c.item("广场加装音量提示牌", on: "社区广场晚间跳舞音量扰民", owner: "古亭社区居委会", daysAgo: 54, dueIn: 25, doneAfter: 22)
        try await c.move("社区广场晚间跳舞音量扰民", .complete, daysAgo: 30, note: "两项协商事项均已按期完成")
        if let resident = try await c.actor("resident_demo", 28), let t = try await c.topic("社区广场晚间跳舞音量扰民") {
            _ = try await c.service(28, hour: 20).evaluate(t, rating: EvaluationRating.satisfied.rawValue, comment: "晚上安静多了", by: resident)
        }
        try await c.move("社区广场晚间跳舞音量扰民", .close, daysAgo: 14)
        // Electric bikes: accepted and decided; the shelter is a case of the loop, still open.
        try await c.move("规范电动车停放和充电", .accept, daysAgo: 17)
        try await c.move("规范电动车停放和充电", .decide, daysAgo: 10, note: "议定：在小区东侧建设集中充电棚，禁止楼道停放充电。")
        if let staff = try await c.actor("gt01_community", 9), let t = try await c.topic("规范电动车停放和充电") {
            let s = c.service(9, hour: 10)
            let i = try await s.addItem(to: t, ItemInput(title: "建设集中充电棚", owner: "古亭社区居委会", deadline: DemoDate.instant(asOf + 30, hour: 18)), by: staff)
            _ = try await s.makeCase(of: i, topic: t, categoryCode: "sheshi", by: staff)
        }
        // Stairwell lights: carried out, residents rating it now.
        try await c.move("楼道声控灯更换", .accept, daysAgo: 28)
        try await c.move("楼道声控灯更换", .decide, daysAgo: 20, note: "议定：全部楼道更换声控灯，费用由维修基金列支。")
        try await c.item("更换楼道声控灯", on: "楼道声控灯更换", owner: "幸福家园物业", daysAgo: 19, dueIn: 12, doneAfter: 10)
        try await c.move("楼道声控灯更换", .complete, daysAgo: 5, note: "已全部更换")
        // A second topic about benches, merged into the first one (its supports come along).
        if let staff = try await c.actor("gt01_community", 4), let from = try await c.topic("3号楼前放几张长椅"), let into = try await c.topic("楼前加装休息座椅") {
            _ = try await c.service(4, hour: 15).perform(.merge, on: from, by: staff, input: TopicActionInput(version: from.version, mergeInto: into.id))
        }
    }

    /// The compound's monthly 议事会 evaluates its property company: up to 40 households on paper (7 in 10 满意, 2 基本满意,
    /// 1 不满意), quorum 1 %; the frozen result counts in the company's rating as residents' ratings.
    static func propertyEvaluation(_ c: Clock) async throws {
        guard let staff = try await c.actor("gt01_community", 11), let t = try await c.topic("评议物业十一月服务"),
              let compound = try await OrgNode.find(t.nodeID, on: c.db), compound.kind == .compound,
              try await PropertyScope.contract(of: compound.id!, on: c.db, now: c.service(11, hour: 19).now) != nil else { return }
        let vote = try await c.service(11, hour: 19).openVote(on: t, VoteInput(
            question: "您对物业企业十一月的服务是否满意", basis: VoteBasis.household.rawValue, rule: VoteRule.majority.rawValue,
            quorumPercent: 1, secret: false, closesAt: DemoDate.instant(c.asOf - 11, hour: 21), kind: VoteKind.property.rawValue), by: staff)
        let voters = try await Resident.query(on: c.db).within(DataScope(rootPath: compound.path)).sort(\.$householdID).sort(\.$id).limit(400).all()
        var households: [UUID] = []
        for r in voters where !households.contains(r.householdID) && households.count < 40 {
            households.append(r.householdID)
            let choice: VoteChoice = households.count % 10 == 0 ? .no : households.count % 10 >= 8 ? .abstain : .yes
            _ = try await c.service(11, hour: 20).cast(vote, choice: choice.rawValue, residentID: r.id, by: staff)
        }
        _ = try await c.service(11, hour: 21, minute: 5).close(vote, role: .reviewer)
    }

    /// 十月红色议事会: announced four days ahead with the dance topic, 60 seats; a resident registered and was entered
    /// present; a household vote on paper ballots of 60 households (50 yes, 6 no, 4 abstain, quorum 1 %); minutes.
    static func meeting(_ c: Clock) async throws {
        guard let staff = try await c.actor("gt01_community", 71), let t = try await c.topic("社区广场晚间跳舞音量扰民"),
              let community = try await OrgNode.find(t.communityID, on: c.db) else { return }
        let starts = DemoDate.instant(c.asOf - 66, hour: 19)
        let m = try await c.service(70, hour: 10).announce(MeetingInput(communityID: community.id, title: "十月红色议事会", place: "古亭社区党群服务中心",
                                                                         startsAt: starts, topicIDs: [t.id!], capacity: 60), by: staff)
        if let resident = try await c.actor("resident_demo", 69), let rid = resident.user.residentID {
            _ = try await c.service(69, hour: 20).register(for: m, by: resident)
            _ = try await c.service(66, hour: 19, minute: 5).markAttended(m, residentID: rid, by: staff)
        }
        let vote = try await c.service(66, hour: 19, minute: 30).openVote(on: t, VoteInput(
            question: "是否同意广场舞活动时间 19:00–21:00、音量不超过 60 分贝", basis: VoteBasis.household.rawValue, rule: VoteRule.majority.rawValue,
            quorumPercent: 1, secret: false, closesAt: DemoDate.instant(c.asOf - 66, hour: 21), meetingID: m.id), by: staff)
        let voters = try await Resident.query(on: c.db).within(DataScope(rootPath: community.path)).sort(\.$householdID).sort(\.$id).limit(400).all()
        var households: [UUID] = []
        for r in voters where !households.contains(r.householdID) && households.count < 60 {
            households.append(r.householdID)
            let choice: VoteChoice = households.count <= 50 ? .yes : households.count <= 56 ? .no : .abstain
            _ = try await c.service(66, hour: 20).cast(vote, choice: choice.rawValue, residentID: r.id, by: staff)
        }
        _ = try await c.service(66, hour: 21, minute: 5).close(vote, role: .reviewer)
        _ = try await c.service(65, hour: 10).publishMinutes(of: m, MinutesInput(
            attendees: "社区党委书记、居委会主任、舞蹈队队长、物业项目经理、居民代表 23 人", organisations: "古亭社区党委、居委会、幸福家园物业、广场舞蹈队",
            contributions: "居民代表反映 21 点后音乐影响休息；舞蹈队同意提前结束并控制音量；物业提出在广场设置提示牌。",
            decisions: "活动时间 19:00–21:00，音量不超过 60 分贝，由舞蹈队长负责提醒；社区在广场设置提示牌。", attachments: "签到表（纸质存档）"), by: staff)
    }
}
