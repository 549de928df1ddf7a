import Fluent
import Foundation
import JingzhiCore

extension PointsFeature: DemoContributor {
    /// The county gets goods in every community's supermarket and a season of awards and redemptions. The tiny demo
    /// that tests run on has none, so each test starts from empty accounts and its own goods.
    static func seedDemo(_ c: DemoContext) async throws {
        guard !c.plan.tiny else { return }
        try await PointsDemo.goods(c)
        try await PointsDemo.ledger(c, perCommunity: 12)
        try await VolunteerDemo.seed(c)
        try await ActivityDemo.seed(c)
    }
}

/// The demo's points: goods per community, awards along the three earning paths, a few redemptions. The same plan
/// gives the same amounts, reasons, days and codes.
enum PointsDemo {
    static let catalogue: [(name: String, description: String, price: Int, stock: Int, limit: Int?)] = [
        ("洗衣粉 1kg", "社区爱心企业捐赠", 30, 40, 2),
        ("大米 5kg", "社区采购", 80, 20, 1),
        ("毛巾两条装", "孝贤大食堂捐赠", 15, 60, nil),
        ("理发一次", "红色合伙人提供的上门服务", 20, 10, 1),
    ]
    static let reasons: [(zh: String, points: Int)] = [
        ("参加志愿活动：清扫楼道", 20), ("调解邻里纠纷", 30), ("随手拍问题已办结", 5), ("公益捐赠：旧衣物", 15),
        ("参加议事会并投票", 10), ("志愿服务：关爱独居老人", 25),
    ]

    static func communities(_ c: DemoContext) async throws -> [OrgNode] {
        try await OrgNode.query(on: c.db).filter(\.$kindRaw == NodeKind.community.rawValue).within(DataScope(rootPath: c.root.path))
            .sort(\.$path).all()
    }

    /// Noon on the day `daysBack` before the demo's today, Asia/Shanghai.
    static func day(_ c: DemoContext, back daysBack: Int) -> Date {
        ShanghaiTime.dayStart(ShanghaiTime.day(number: c.asOf - daysBack)).addingTimeInterval(12 * 3600)
    }

    static func goods(_ c: DemoContext) async throws {
        let at = day(c, back: 120)
        for community in try await communities(c) {
            for item in catalogue {
                let g = PointsGoods()
                g.communityID = community.id!
                g.nodePath = community.path
                g.name = item.name
                g.description = item.description
                g.pricePoints = item.price
                g.stock = item.stock
                g.monthlyLimit = item.limit
                g.active = true
                g.createdAt = at
                g.updatedAt = at
                try await g.create(on: c.db)
            }
        }
    }

    /// Awards to the first residents of each community (and always the demo resident), then redemptions: some
    /// collected, one cancelled, the demo resident's latest still pending.
    static func ledger(_ c: DemoContext, perCommunity: Int) async throws {
        let admin = systemActor(role: .admin)
        let demoUser = try await User.query(on: c.db).filter(\.$username == "resident_demo").first()
        var awards = 0, redemptions = 0
        for (ci, community) in try await communities(c).enumerated() {
            var residents = try await Resident.query(on: c.db).within(DataScope(rootPath: community.path)).sort(\.$nodePath).sort(\.$name)
                .range(0..<perCommunity).all()
            // The demo resident comes first, so they always have points, a collected redemption and a pending one.
            if let id = demoUser?.residentID, let me = try await Resident.query(on: c.db).filter(\.$id == id).within(DataScope(rootPath: community.path)).first() {
                residents.removeAll { $0.id == me.id }
                residents.insert(me, at: 0)
            }
            let goods = try await PointsGoods.query(on: c.db).filter(\.$communityID == community.id!).sort(\.$pricePoints).all()
            for (ri, r) in residents.enumerated() {
                for k in 0..<(3 + (ri + ci) % 4) {
                    let reason = reasons[(ri * 7 + k * 3 + ci) % reasons.count]
                    let service = PointsService(db: c.db, now: day(c, back: 100 - k * 12 - ri % 5), source: .system("演示数据"))
                    _ = try await service.award(residentID: r.id, points: Double(reason.points), reason: reason.zh,
                                                sourceRef: "demo:\(r.id!.uuidString):\(k)", idempotencyKey: nil, by: admin)
                    awards += 1
                }
                guard ri % 3 == 0, let cheap = goods.first else { continue }
                let actor = r.id == demoUser?.residentID ? try await Actor.load(demoUser!, on: c.db, now: day(c, back: 30)) : residentActor(r)
                var market = SupermarketService(db: c.db, now: day(c, back: 30 - ri % 7), source: .system("演示数据"))
                market.newCode = { code(community: ci, resident: ri, n: 0) }
                let (first, _) = try await market.redeem(goodsID: cheap.id, quantity: 1, idempotencyKey: nil, by: actor)
                try await (ri % 2 == 0 ? market.collect(first, by: admin) : market.cancel(first, by: admin))
                redemptions += 1
                guard try await PointsService(db: c.db, now: day(c, back: 2)).account(of: r).balance >= cheap.pricePoints else { continue }
                market = SupermarketService(db: c.db, now: day(c, back: 2), source: .system("演示数据"))
                market.newCode = { code(community: ci, resident: ri, n: 1) }
                _ = try await market.redeem(goodsID: cheap.id, quantity: 1, idempotencyKey: nil, by: actor)
                redemptions += 1
            }
        }
        c.log("积分：\(awards) 笔发放，\(redemptions) 笔兑换 (points: \(awards) awards, \(redemptions) redemptions)")
    }

    /// A deterministic 核销码 for the demo, from the same alphabet as real ones.
    static func code(community: Int, resident: Int, n: Int) -> String {
        let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
        var x = UInt64(community * 100_003 + resident * 17 + n * 7_919 + 1) &* 0x9E37_79B9_7F4A_7C15
        return "D" + String((0..<9).map { _ in
            x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return alphabet[Int((x >> 33) % UInt64(alphabet.count))]
        })
    }

    /// An actor that is not a signed-in account: the seeder acting as staff, or a resident without an account.
    static func systemActor(role: Role) -> Actor {
        let user = User()
        user.id = UUID()
        user.username = "demo-seeder"
        user.displayName = "演示数据"
        user.roleRaw = role.rawValue
        return Actor(user: user, scope: .everything, nodePath: "")
    }

    static func residentActor(_ r: Resident) -> Actor {
        let user = User()
        user.id = r.id
        user.username = "demo-resident"
        user.displayName = r.name
        user.roleRaw = Role.resident.rawValue
        user.residentID = r.id
        return Actor(user: user, scope: .nothing, nodePath: "")
    }
}
