import Fluent
import Foundation
import JingzhiCore

/// Demo topics of the county in several stages, raised and moved through the services with their clocks set to the
/// demo's days (counted back from the as-of day), so every history line, audit entry and case is the real one.
enum DeliberationDemo {
    /// One demo topic: who raises it, where, how many days before the as-of day, and the moves after (days later, by whom).
    struct Plan {
        let raiser: String
        let place: Place
        let daysAgo: Int
        let title: String
        let description: String
        var moves: [(after: Int, by: String, action: TopicAction, input: TopicActionInput)] = []
        var supportedBy: [String] = []
    }

    enum Place { case residentHome, node(String) }

    static func plans() -> [Plan] { [
        Plan(raiser: "resident_demo", place: .residentHome, daysAgo: 6, title: "楼前加装休息座椅",
             description: "小区老人多，出门走不远就要歇脚，希望在楼前空地放两三张长椅。", supportedBy: ["resident_demo"]),
        Plan(raiser: "gt01_grid", place: .node("YT-GT-01-G01"), daysAgo: 20, title: "规范电动车停放和充电",
             description: "走访中多户反映楼道里停放电动车、飞线充电，存在火灾隐患，建议集中建设充电棚。",
             moves: [(2, "gt01_community", .review, TopicActionInput(note: "涉及多个小区，提交社区两委审核"))]),
        Plan(raiser: "resident_demo", place: .residentHome, daysAgo: 40, title: "老旧小区加装电梯",
             description: "六层老楼没有电梯，高层老人上下楼困难，希望按政策申请加装电梯并商量费用分摊。",
             moves: [(5, "gt01_community", .accept, TopicActionInput(note: "涉及全体业主利益，按四议两公开组织议事", procedure: TopicProcedure.fourTwo.rawValue))]),
        Plan(raiser: "gt01_community", place: .node("YT-GT-01"), daysAgo: 75, title: "社区广场晚间跳舞音量扰民",
             description: "居民反映广场舞音响音量过大、时间过晚，需要商定活动时段和音量。",
             moves: [(4, "gt01_community", .accept, TopicActionInput())]),
        Plan(raiser: "resident_demo", place: .residentHome, daysAgo: 50, title: "小区内设置宠物活动区",
             description: "希望在小区绿地划出一块宠物活动区。",
             moves: [(6, "gt01_community", .decline, TopicActionInput(note: "小区绿地面积不足，且多数居民反对占用绿地；建议使用社区公园的宠物区。"))]),
        Plan(raiser: "resident_demo", place: .residentHome, daysAgo: 25, title: "东门路灯长期不亮",
             description: "小区东门的路灯坏了一个多月，晚上出入很不安全。",
             moves: [(1, "gt01_community", .convert, TopicActionInput(note: "属于单一维修事项，转诉求办理", categoryCode: "sheshi"))]),
        Plan(raiser: "bh01_grid", place: .node("YT-BH-01-G01"), daysAgo: 9, title: "站前路口增设斑马线",
             description: "早晚上学时段车流量大，学生过马路不安全，建议增设斑马线和提示牌。"),
        Plan(raiser: "resident_demo", place: .residentHome, daysAgo: 32, title: "楼道声控灯更换",
             description: "楼道灯经常不亮，晚上上下楼摸黑，希望统一换成声控灯。", supportedBy: ["resident_demo"]),
        Plan(raiser: "gt01_grid", place: .node("YT-GT-01-G01"), daysAgo: 5, title: "3号楼前放几张长椅",
             description: "走访时老人提出楼前没有地方坐，希望放几张长椅。"),
        Plan(raiser: "resident_demo", place: .residentHome, daysAgo: 13, title: "评议物业十一月服务",
             description: "保洁不及时、电梯常停，希望小区议事会对物业服务做一次评议。",
             moves: [(1, "gt01_community", .accept, TopicActionInput(note: "列入小区月度议事会，评议物业服务"))]),
        Plan(raiser: "resident_demo", place: .residentHome, daysAgo: 3, title: "小区增设智能快递柜",
             description: "快递常放在门口丢失，希望在小区门口设置快递柜。",
             moves: [(1, "gt01_community", .review, TopicActionInput(note: "提交社区两委审核"))]),
    ] }

    static func seed(under county: OrgNode, asOf: Int, on db: any Database) async throws -> Int {
        // Seeding twice writes nothing.
        guard try await Topic.query(on: db).within(DataScope(rootPath: county.path)).count() == 0 else { return 0 }
        // A year of topics through every step first, then the recent ones.
        var made = try await DeliberationYearDemo.seed(asOf: asOf, on: db)
        for plan in plans() {
            guard let raiser = try await actor(plan.raiser, at: asOf - plan.daysAgo, on: db) else { continue }
            let service = TopicService(db: db, now: DemoDate.instant(asOf - plan.daysAgo, hour: 10), source: .cli("seed"))
            let place: OrgNode?
            switch plan.place {
            case .residentHome:
                guard let home = try await service.home(of: raiser) else { continue }
                guard let node = try await OrgNode.find(home.household.nodeID, on: db) else { continue }
                place = try await OrgService(db: db, now: service.now).ancestors(of: node).last { $0.kind == .compound }
            case .node(let code):
                place = try await OrgNode.query(on: db).filter(\.$code == code).first()
            }
            guard let place else { continue }
            let (topic, _) = try await service.raise(TopicInput(title: plan.title, description: plan.description, nodeID: place.id), by: raiser,
                                                     idempotencyKey: nil)
            for name in plan.supportedBy {
                guard let a = try await actor(name, at: asOf - plan.daysAgo, on: db) else { continue }
                let later = TopicService(db: db, now: DemoDate.instant(asOf - plan.daysAgo, hour: 19), source: .cli("seed"))
                _ = try await later.support(topic, by: a)
            }
            var current = topic
            for move in plan.moves {
                let day = asOf - plan.daysAgo + move.after
                guard let by = try await actor(move.by, at: day, on: db) else { continue }
                let at = TopicService(db: db, now: DemoDate.instant(day, hour: 15), source: .cli("seed"))
                guard let fresh = try await Topic.find(current.id, on: db) else { break }
                current = try await at.perform(move.action, on: fresh, by: by, input: move.input)
            }
            made += 1
        }
        // Meetings, votes, minutes, items, evaluation and a merge, for the topics just raised.
        try await DeliberationDemoSteps.seed(asOf: asOf, on: db)
        return made
    }

    private static func actor(_ username: String, at day: Int, on db: any Database) async throws -> Actor? {
        guard let user = try await User.query(on: db).filter(\.$username == username).first() else { return nil }
        return try await Actor.load(user, on: db, now: DemoDate.instant(day, hour: 9))
    }
}

extension DeliberationFeature: DemoContributor {
    /// Topics in every stage for the county's two demo communities, a meeting with its vote and minutes, decisions carried
    /// out as items and cases (after the case history, as some become cases).
    static func seedDemo(_ c: DemoContext) async throws {
        guard c.plan.scale == .county else { return }
        c.log("议题：\(try await DeliberationDemo.seed(under: c.root, asOf: c.asOf, on: c.db)) 个")
    }
}
