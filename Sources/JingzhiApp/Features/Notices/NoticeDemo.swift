import Fluent
import Foundation
import JingzhiCore

/// A few notices of the demo county, sent through the service with its clock set to the demo's days, so every recipient
/// row, history line and audit entry is the real one. The urgent one to 古亭社区 第一网格 is read by about half of its
/// residents, four were told at the door, and resident_demo has not read it yet.
enum NoticeDemo {
    struct Plan {
        let sender: String
        let daysAgo: Int
        let targets: [(code: String, tags: [String])]
        var audiences: [NoticeAudience] = [.residents]
        let title: String
        let body: String
        var urgent = false
        var pinned = false
        var isPublic = false
        /// Share of the recipients (in tenths) who read it.
        var readTenths = 0
    }

    static func plans() -> [Plan] { [
        Plan(sender: "gt01_community", daysAgo: 12, targets: [("YT-GT-01", [])], title: "冬季供暖试运行通知",
             body: "各位居民：\n\n本社区集中供暖将于 **11月15日** 起试运行，请大家做好以下准备：\n- 检查家中暖气阀门是否打开\n- 发现漏水请立即关闭阀门并报修\n- 家中无人时请告知楼长\n\n报修电话：0537-6212345",
             pinned: true, isPublic: true, readTenths: 6),
        Plan(sender: "gt01_community", daysAgo: 1, targets: [("YT-GT-01-G01", [])], title: "燃气管道检修紧急通知",
             body: "因燃气管道检修，**明天 9:00–15:00** 本网格停气。\n\n1. 请提前关闭燃气阀门\n2. 恢复供气后如闻到异味，请开窗并拨打 96777\n\n行动不便的老人，网格员会上门告知。",
             urgent: true, readTenths: 5),
        Plan(sender: "gt01_community", daysAgo: 5, targets: [("YT-GT-01", ["独居老人", "高龄老人"])], audiences: [.residents, .gridWorkers],
             title: "独居老人冬季关爱走访安排", body: "入冬后网格员每周上门走访一次独居、高龄老人，查看取暖、用电和身体情况。\n\n有需要可随时拨打网格员电话。",
             readTenths: 3),
        Plan(sender: "gt_street", daysAgo: 20, targets: [("YT-GT", [])], audiences: [.staff, .gridWorkers], title: "谷亭街道冬季安全生产检查部署",
             body: "各社区、网格：\n\n请于本月底前完成辖区内**沿街商铺、出租房屋**的消防安全检查，发现隐患当场登记并报送街道。", readTenths: 8),
    ] }

    static func seed(under county: OrgNode, asOf: Int, on db: any Database) async throws -> Int {
        // Seeding twice writes nothing.
        guard try await Notice.query(on: db).within(DataScope(rootPath: county.path)).count() == 0 else { return 0 }
        let residentDemo = try await User.query(on: db).filter(\.$username == "resident_demo").first()?.residentID
        var made = 0
        for plan in plans() {
            guard let user = try await User.query(on: db).filter(\.$username == plan.sender).first() else { continue }
            let at = DemoDate.instant(asOf - plan.daysAgo, hour: 9)
            let actor = try await Actor.load(user, on: db, now: at)
            var targets: [NoticeInput.Target] = []
            for t in plan.targets {
                guard let node = try await OrgNode.query(on: db).filter(\.$code == t.code).first() else { continue }
                targets.append(.init(nodeID: node.id, tags: t.tags))
            }
            guard !targets.isEmpty else { continue }
            let input = NoticeInput(title: plan.title, body: plan.body, targets: targets, audiences: plan.audiences.map(\.rawValue),
                                    urgent: plan.urgent, pinned: plan.pinned, isPublic: plan.isPublic)
            let service = NoticeService(db: db, now: at, source: .cli("seed"))
            let n = try await service.create(input, by: actor)
            made += 1
            // Every n-th recipient in path order reads it during the day; resident_demo's row stays unread.
            let rows = try await NoticeRecipient.query(on: db).filter(\.$noticeID == n.id!).sort(\.$nodePath).sort(\.$personKey).all()
            for (i, r) in rows.enumerated() where r.residentID != residentDemo || residentDemo == nil {
                if i % 10 < plan.readTenths {
                    r.readAt = at.addingTimeInterval(TimeInterval(600 + (i % 50) * 300))
                    if plan.urgent, i % 2 == 0 { r.ackedAt = r.readAt }
                    try await r.save(on: db)
                } else if plan.urgent, i % 10 == 9, r.residentID != nil, r.deliveredAt == nil, i < 40 {
                    r.deliveredAt = at.addingTimeInterval(7200)
                    r.deliveredBy = try await User.query(on: db).filter(\.$username == "gt01_grid").first()?.id
                    try await r.save(on: db)
                }
            }
        }
        return made
    }
}

extension NoticesFeature: DemoContributor {
    static func seedDemo(_ c: DemoContext) async throws {
        guard c.plan.scale == .county else { return }
        c.log("通知公告：\(try await NoticeDemo.seed(under: c.root, asOf: c.asOf, on: c.db)) 条")
        let t0 = Date()
        let year = try await NoticeYearDemo.seed(asOf: c.asOf, on: c.db)
        c.log(String(format: "通知公告（一年）：%d 条，%.1f 秒", year, Date().timeIntervalSince(t0)))
    }
}
