import Fluent
import Foundation
import JingzhiCore

/// A year of deliberation in the county's two demo communities, before the recent topics of `DeliberationDemo`: every
/// month or so a topic goes the whole way (raised from a grid worker's round, accepted, put on a meeting's agenda, voted
/// by households on paper, minutes, two decision items, one carried out as a case closed through the loop, rated,
/// closed), one is declined with a public reason and one is converted into a case that is closed. Through the services
/// with their clocks set to the demo's days, so every history line, audit entry and case is the real one.
enum DeliberationYearDemo {
    struct Community {
        let code, staff, grid: String
        let resident: String?
    }

    static let communities = [
        Community(code: "YT-GT-01", staff: "gt01_community", grid: "gt01_grid", resident: "resident_demo"),
        Community(code: "YT-BH-01", staff: "bh01_community", grid: "bh01_grid", resident: nil),
    ]

    /// What each month's topics are about: the one that goes the whole way, the one declined (with its reason), the one
    /// converted into a case.
    static let subjects: [(whole: String, decision: String, declined: String, reason: String, converted: String)] = [
        ("更新小区健身器材", "议定：拆除破损器材，新装 8 件适老健身器材。", "在小区内开设露天烧烤点", "存在消防和油烟扰民问题，不予采纳。", "2号楼下水道堵塞"),
        ("楼道杂物集中清理", "议定：每月第一个周六集中清理楼道杂物。", "取消小区门禁", "门禁关系全体居民安全，多数居民代表反对。", "单元门闭门器损坏"),
        ("增设非机动车停放线", "议定：在东西两侧各划 40 个非机动车停车位。", "小区绿地改建停车场", "绿地率不得低于规划要求，不予采纳。", "路灯线路裸露"),
        ("老年食堂就餐时段调整", "议定：午餐提前到 11:00 开餐，增加一个窗口。", "物业费全部减半", "物业费标准按合同和业主大会决议执行，本议题不予受理。", "化粪池外溢"),
        ("小区垃圾分类投放点调整", "议定：投放点移至北门，定时定点投放。", "在楼顶加建晾衣房", "违反规划和建筑安全规定，不予采纳。", "消防通道被占"),
        ("儿童游乐区加装护栏", "议定：游乐区四周加装 1.2 米护栏。", "社区出资购买私家车位", "不属于公共事务，建议业主自行协商。", "井盖缺失"),
        ("单元门禁卡补办办法", "议定：补办工本费 10 元，由物业现场办理。", "禁止小区内遛狗", "可通过文明养犬公约规范，不宜一律禁止。", "墙皮脱落"),
        ("暑期青少年托管服务", "议定：7–8 月工作日开设托管班，志愿者轮值。", "在小区开设棋牌室到深夜", "夜间噪声扰民，不予采纳。", "自来水管漏水"),
        ("楼顶防水维修资金使用", "议定：动用维修基金 12 万元维修 5 栋楼顶防水。", "拆除小区围墙", "围墙属于安全设施，不予采纳。", "电梯异响"),
        ("小区广场增设遮阳棚", "议定：广场西侧建设 60 平方米遮阳棚。", "在小区内养鸡", "违反卫生管理规定，不予采纳。", "树木枝条压线"),
        ("冬季清雪责任分工", "议定：物业负责主干道，各楼栋长组织楼前清雪。", "由社区统一代缴水电费", "属于个人事务，不予受理。", "暖气不热"),
    ]

    /// Days before the as-of day each month's cycle starts: from about three months to a year ago.
    static func start(month m: Int, community k: Int) -> Int { 360 - 27 * m - 3 * k }

    static func seed(asOf: Int, on db: any Database) async throws -> Int {
        let c = DeliberationDemoSteps.Clock(asOf: asOf, db: db)
        var made = 0
        for (k, community) in communities.enumerated() {
            guard let node = try await OrgNode.query(on: db).filter(\.$code == community.code).first(),
                  let grid = try await OrgNode.query(on: db).filter(\.$code == community.code + "-G01").first() else { continue }
            let voters = try await households(of: node, on: db)
            for (m, s) in subjects.enumerated() {
                let d = start(month: m, community: k)
                made += try await whole(s.whole, decision: s.decision, at: d, in: community, node: node, grid: grid, voters: voters, c) ? 1 : 0
                made += try await declined(s.declined, reason: s.reason, at: d - 1, in: community, node: node, c) ? 1 : 0
                made += try await converted(s.converted, at: d - 5, in: community, grid: grid, c) ? 1 : 0
            }
        }
        return made
    }

    /// One resident of each of the first 60 households of the community, the paper ballots of its meetings (the quorum
    /// is 1 % of the community's households).
    static func households(of node: OrgNode, on db: any Database) async throws -> [UUID] {
        var seen = Set<UUID>(), ids: [UUID] = []
        for r in try await Resident.query(on: db).within(DataScope(rootPath: node.path)).sort(\.$householdID).sort(\.$id).limit(400).all()
        where ids.count < 60 && seen.insert(r.householdID).inserted {
            ids.append(r.id!)
        }
        return ids
    }

    static func whole(_ title: String, decision: String, at d: Int, in community: Community, node: OrgNode, grid: OrgNode,
                      voters: [UUID], _ c: DeliberationDemoSteps.Clock) async throws -> Bool {
        guard let raiser = try await c.actor(community.grid, d), let staff = try await c.actor(community.staff, d) else { return false }
        var (t, _) = try await c.service(d, hour: 10).raise(TopicInput(title: "\(node.name)·\(title)", description: "网格员巡查时多户居民提出：\(title)。",
                                                                        nodeID: grid.id), by: raiser, idempotencyKey: nil)
        t = try await c.service(d - 2, hour: 15).perform(.accept, on: t, by: staff, input: TopicActionInput(version: t.version))
        let starts = DemoDate.instant(c.asOf - d + 8, hour: 19)
        let m = try await c.service(d - 3, hour: 10).announce(MeetingInput(
            communityID: node.id, title: "\(ShanghaiTime.format(starts, "M月d日"))红色议事会", place: "\(node.name)党群服务中心",
            startsAt: starts, topicIDs: [t.id!], capacity: 60), by: staff)
        let vote = try await c.service(d - 8, hour: 19, minute: 30).openVote(on: t, VoteInput(
            question: "是否同意：\(decision.replacingOccurrences(of: "议定：", with: ""))", basis: VoteBasis.household.rawValue,
            rule: VoteRule.majority.rawValue, quorumPercent: 1, secret: false, closesAt: DemoDate.instant(c.asOf - d + 8, hour: 21), meetingID: m.id), by: staff)
        for (i, rid) in voters.enumerated() {
            let choice: VoteChoice = i % 8 == 7 ? .no : i % 11 == 10 ? .abstain : .yes
            _ = try await c.service(d - 8, hour: 20).cast(vote, choice: choice.rawValue, residentID: rid, by: staff)
        }
        _ = try await c.service(d - 8, hour: 21, minute: 5).close(vote, role: .reviewer)
        _ = try await c.service(d - 9, hour: 10).publishMinutes(of: m, MinutesInput(
            attendees: "社区党委书记、居委会主任、物业项目经理、居民代表 \(voters.count) 人", organisations: "\(node.name)党委、居委会、物业服务企业",
            contributions: "居民代表逐一发言，物业说明实施条件和费用。", decisions: String(decision.dropFirst(3)), attachments: "签到表、表决票（纸质存档）"), by: staff)
        t = try await fresh(t, c)
        t = try await c.service(d - 10, hour: 15).perform(.decide, on: t, by: staff, input: TopicActionInput(version: t.version, note: decision))
        let s = c.service(d - 10, hour: 16)
        let first = try await s.addItem(to: t, ItemInput(title: "制定实施方案并公示", owner: "\(node.name)居委会",
                                                         deadline: DemoDate.instant(c.asOf - d + 25, hour: 18)), by: staff)
        _ = try await c.service(d - 18, hour: 17).markDone(first, by: staff)
        let second = try await s.addItem(to: t, ItemInput(title: "组织施工落实", owner: "物业服务企业", deadline: DemoDate.instant(c.asOf - d + 30, hour: 18)), by: staff)
        let kase = try await s.makeCase(of: second, topic: t, categoryCode: "sheshi", by: staff)
        try await closeThroughLoop(kase, from: d - 10, staff: community.staff, c)
        t = try await fresh(t, c)
        t = try await c.service(d - 20, hour: 15).perform(.complete, on: t, by: staff, input: TopicActionInput(version: t.version, note: "协商事项均已完成"))
        if let name = community.resident, let resident = try await c.actor(name, d - 22) {
            _ = try await c.service(d - 22, hour: 20).evaluate(t, rating: EvaluationRating.satisfied.rawValue, comment: "办得实在", by: resident)
        }
        t = try await fresh(t, c)
        _ = try await c.service(d - 36, hour: 15).perform(.close, on: t, by: staff, input: TopicActionInput(version: t.version))
        return true
    }

    static func declined(_ title: String, reason: String, at d: Int, in community: Community, node: OrgNode, _ c: DeliberationDemoSteps.Clock) async throws -> Bool {
        guard let staff = try await c.actor(community.staff, d) else { return false }
        let (t, _) = try await c.service(d, hour: 11).raise(TopicInput(title: "\(node.name)·\(title)", description: "居民来电建议：\(title)。", nodeID: node.id),
                                                          by: staff, idempotencyKey: nil)
        _ = try await c.service(d - 3, hour: 15).perform(.decline, on: t, by: staff, input: TopicActionInput(version: t.version, note: reason))
        return true
    }

    static func converted(_ title: String, at d: Int, in community: Community, grid: OrgNode, _ c: DeliberationDemoSteps.Clock) async throws -> Bool {
        guard let raiser = try await c.actor(community.grid, d), let staff = try await c.actor(community.staff, d) else { return false }
        let (t, _) = try await c.service(d, hour: 9).raise(TopicInput(title: "\(grid.name)·\(title)", description: "巡查发现：\(title)，需要维修。", nodeID: grid.id),
                                                         by: raiser, idempotencyKey: nil)
        _ = try await c.service(d - 1, hour: 9).perform(.convert, on: t, by: staff,
                                                         input: TopicActionInput(version: t.version, note: "属于单一维修事项，转诉求办理", categoryCode: "sheshi"))
        guard let id = try await c.service(d - 1, hour: 10).caseIDs(of: t).first, let kase = try await Case.find(id, on: c.db) else { return true }
        try await closeThroughLoop(kase, from: d - 1, staff: community.staff, c)
        return true
    }

    /// The case goes through the loop at the community: accepted, dispatched, started, replied, closed over a week.
    static func closeThroughLoop(_ kase: Case, from d: Int, staff: String, _ c: DeliberationDemoSteps.Clock) async throws {
        var current = kase
        let steps: [(CaseAction, Int, CaseTransitionInput)] = [
            (.accept, 0, CaseTransitionInput()), (.dispatch, 1, CaseTransitionInput(level: .community)), (.start, 2, CaseTransitionInput()),
            (.reply, 6, CaseTransitionInput(note: "已维修完成，现场复查合格。")), (.close, 7, CaseTransitionInput()),
        ]
        for (action, after, input) in steps {
            guard let actor = try await c.actor(staff, d - after) else { return }
            let at = DemoDate.instant(c.asOf - d + after, hour: 14)
            current = try await CaseService(db: c.db, now: at, source: .cli("seed")).perform(action, on: current, by: actor,
                                                                                             expectedVersion: current.version, input: input)
        }
    }

    static func fresh(_ t: Topic, _ c: DeliberationDemoSteps.Clock) async throws -> Topic {
        try await Topic.find(t.id, on: c.db) ?? t
    }
}
