import Fluent
import Foundation
import JingzhiCore

/// The demo canteens: a 孝贤大食堂 in each community of 谷亭街道 with menus from a few days ago to a week ahead of the
/// server's today (so the home shows today's menu), Sundays closed, and a few orders for tomorrow with deliveries.
enum CanteenDemo {
    static let dishes: [Meal: [[String]]] = [
        .breakfast: [["小米粥", "包子", "茶叶蛋"], ["豆浆", "油条", "咸菜"], ["八宝粥", "花卷", "煮鸡蛋"]],
        .lunch: [["红烧肉", "西红柿炒蛋", "清炒时蔬", "米饭"], ["清蒸鱼", "土豆丝", "冬瓜汤", "米饭"], ["孝贤炖菜", "麻婆豆腐", "紫菜蛋汤", "馒头"]],
        .dinner: [["鸡蛋面", "凉拌黄瓜"], ["饺子", "小米粥"], ["杂粮粥", "炒青菜", "发糕"]],
    ]

    /// Prices in fen: resident, over 60, over 80, 低保特困.
    static func prices(_ meal: Meal, _ i: Int) -> [Int] {
        let base = meal == .lunch ? 1200 : 600
        let p = base + (i % 3) * 100
        return [p, p * 8 / 10, p * 6 / 10, p / 2]
    }

    static func seed(under root: OrgNode, today: String, on db: any Database, at now: Date) async throws -> Int {
        guard try await Canteen.query(on: db).count() == 0,
              let street = try await OrgNode.query(on: db).filter(\.$code == "YT-GT").first(),
              let user = try await User.query(on: db).filter(\.$username == "admin").first() else { return 0 }
        let admin = try await Actor.load(user, on: db, now: now)
        let communities = try await OrgNode.query(on: db).within(DataScope(rootPath: street.path)).filter(\.$kindRaw == NodeKind.community.rawValue)
            .sort(\.$path).all()
        let service = CanteenService(db: db, now: now, source: .cli("seed"))
        for community in communities {
            let c = try await service.open(name: "\(community.name)孝贤大食堂", community: community,
                                           address: community.address ?? "\(community.name)党群服务中心一楼", by: admin)
            for offset in -3...7 {
                let day = ShanghaiTime.add(offset, to: today)
                let n = ShanghaiTime.dayNumber(day) ?? 0
                let sunday = ((n + 3) % 7 + 7) % 7 == 6
                for meal in Meal.allCases {
                    let names = dishes[meal]![((n % 3) + 3) % 3]
                    _ = try await service.setMenu(c, day: day, meal: meal.rawValue, closed: sunday, note: sunday ? "周日休息" : "",
                                                  dishes: sunday ? [] : names.enumerated().map { DishInput(name: $1, prices: prices(meal, $0)) }, by: admin)
                }
            }
        }
        return communities.count
    }

    /// A few residents of 古亭社区 have ordered tomorrow's lunch; the two oldest asked for delivery, one assigned to the
    /// grid worker. Ordered through the service at a time before the cut-off.
    static func seedOrders(today: String, on db: any Database) async throws -> Int {
        guard let community = try await OrgNode.query(on: db).filter(\.$code == "YT-GT-01").first(),
              let canteen = try await Canteen.query(on: db).filter(\.$nodeID == community.id!).first() else { return 0 }
        let tomorrow = ShanghaiTime.add(1, to: today)
        guard let lunch = try await CanteenMenu.query(on: db).filter(\.$canteenID == canteen.id!).filter(\.$day == tomorrow)
            .filter(\.$meal == Meal.lunch.rawValue).first(), !lunch.closed,
              let dish = try await CanteenDish.query(on: db).filter(\.$menuID == lunch.id!).sort(\.$sortOrder).first() else { return 0 }
        let at = ShanghaiTime.dayStart(today).addingTimeInterval(9 * 3600)
        let residents = try await Resident.query(on: db).within(DataScope(rootPath: community.path)).sort(\.$birthDate).limit(8).all()
        let worker = try await User.query(on: db).filter(\.$username == "gt01_grid").first()
        let staffUser = try await User.query(on: db).filter(\.$username == "gt01_community").first()
        var made = 0
        let service = CanteenService(db: db, now: at, source: .cli("seed"))
        for (i, r) in residents.enumerated() {
            _ = try await service.order(for: r, dishID: dish.id, quantity: 1, delivery: i < 2)
            made += 1
        }
        if let staffUser, let worker, let first = try await CanteenOrder.query(on: db).filter(\.$delivery == true).first() {
            let actor = try await Actor.load(staffUser, on: db, now: at)
            try await CanteenService(db: db, now: at, source: .cli("seed")).assign(first, to: worker.id, by: actor)
        }
        return made
    }
}

extension CanteenFeature: DemoContributor {
    static func seedDemo(_ c: DemoContext) async throws {
        guard c.plan.scale == .county else { return }
        // Menus follow the server's own today, so the home always has today's menu to show.
        let now = c.app.clock.now(), today = ShanghaiTime.today(now)
        c.log("社区食堂：\(try await CanteenDemo.seed(under: c.root, today: today, on: c.db, at: now)) 个")
        c.log("食堂订餐：\(try await CanteenDemo.seedOrders(today: today, on: c.db)) 份")
    }
}
