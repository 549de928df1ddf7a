import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

extension CanteenFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "canteen", help: "today's menu with a resident's prices and the kitchen's counts over a month of orders (12,000)",
                  run: .onDataSet { app, o in try await CanteenBench.run(app, options: o) }),
    ]
}

/// `jingzhi bench --part canteen`: one community's canteen (古亭社区's, opened when the data set has none) with menus
/// for the last 30 days and today, 400 orders a day over those 30 days; then the resident's menu of the day with
/// their prices, the kitchen's counts of one day and of every day of the month, against a primary-key read.
enum CanteenBench {
    static let ordersPerDay = 400
    static let days = 30
    static let marker = "基准测试地址"

    static func run(_ app: Application, options o: BenchOptions) async throws -> [String] {
        let db = app.db
        let now = app.clock.now(), today = ShanghaiTime.today(now)
        var found = try await OrgNode.query(on: db).filter(\.$code == "YT-GT-01").first()
        if found == nil { found = try await OrgNode.query(on: db).filter(\.$kindRaw == NodeKind.community.rawValue).sort(\.$path).first() }
        guard let community = found,
              let admin = try await User.query(on: db).filter(\.$roleRaw == Role.admin.rawValue).first(),
              let resident = try await Resident.query(on: db).within(DataScope(rootPath: community.path)).sort(\.$birthDate).first() else {
            return ["canteen: needs a seeded data set"]
        }
        let adminActor = try await Actor.load(admin, on: db, now: now)
        let service = CanteenService(db: db, now: now, source: .cli("bench"))
        let canteen: Canteen
        if let c = try await Canteen.query(on: db).filter(\.$nodeID == community.id!).first() {
            canteen = c
        } else {
            canteen = try await service.open(name: "\(community.name)孝贤大食堂", community: community, address: "\(community.name)党群服务中心一楼", by: adminActor)
        }
        let t0 = Date()
        let orders = try await seed(canteen, community: community, today: today, by: adminActor, service: service, on: db)
        o.log(String(format: "canteen bench: %d orders (seeded in %.0f s)", orders, Date().timeIntervalSince(t0)))
        let month = (1...days).map { ShanghaiTime.add(-$0, to: today) }
        let baseline = try await Bench.measure(o.repeats) { _ = try await Resident.find(resident.id, on: db) }
        var rows: [(String, (Double, Double))] = [("baseline: resident by primary key", baseline)]
        var dishes = 0
        // The day before the run: today may be a Sunday, when the demo canteens are closed.
        rows.append(("the menu of a day with the resident's own prices (their canteen, three meals, lowest price of their diner types)", try await Bench.measure(o.repeats) {
            guard let c = try await service.canteen(of: resident) else { return }
            let diners = CanteenService.diners(resident, today: today)
            dishes = try await service.day(c, month[0]).flatMap(\.dishes).map { CanteenService.price($0, for: diners).0 }.count
        }))
        var portions = 0
        rows.append(("kitchen counts of one day (\(ordersPerDay) orders): before (every order read as a model, summed in Swift)",
                     try await Bench.measure(o.repeats) { _ = try await kitchenBefore(canteen, day: month[0], on: db) }))
        rows.append(("kitchen counts of one day: after (summed by the database)", try await Bench.measure(o.repeats) {
            portions = try await service.kitchen(canteen, day: month[0]).reduce(0) { $0 + $1.portions }
        }))
        rows.append(("kitchen counts of every day of the month (\(days) days)", try await Bench.measure(max(3, o.repeats / 4)) {
            for day in month { _ = try await service.kitchen(canteen, day: day) }
        }))
        let total = try await CanteenOrder.query(on: db).count()
        return ["canteen: \(canteen.name), \(total) orders in all, \(dishes) dishes and \(portions) portions on \(month[0])",
                "| query | median ms | p90 ms | × baseline |", "|---|---:|---:|---:|"]
            + rows.map { String(format: "| %@ | %.2f | %.2f | %.1f |", $0.0, $0.1.0, $0.1.1, $0.1.0 / baseline.0) }
    }

    /// The kitchen's counts as `CanteenService.kitchen` made them until 2026-12-06, for the before/after rows.
    static func kitchenBefore(_ canteen: Canteen, day: String, on db: any Database) async throws -> Int {
        let orders = try await CanteenOrder.query(on: db).filter(\.$canteenID == canteen.id!).filter(\.$day == day).filter(\.$state != "cancelled").all()
        let dishes = try await CanteenDish.query(on: db).filter(\.$id ~~ Array(Set(orders.map(\.dishID)))).all()
        let grouped = Dictionary(grouping: orders) { $0.dishID }
        return dishes.map { d in (grouped[d.id!] ?? []).reduce(0) { $0 + $1.quantity } }.reduce(0, +)
    }

    /// Menus for the last 30 days and today where missing (through the service), and 400 orders a day of the
    /// community's residents (multi-row inserts), made once.
    static func seed(_ canteen: Canteen, community: OrgNode, today: String, by actor: Actor, service: CanteenService, on db: any Database) async throws -> Int {
        for offset in -days...0 {
            let day = ShanghaiTime.add(offset, to: today)
            let have = try await CanteenMenu.query(on: db).filter(\.$canteenID == canteen.id!).filter(\.$day == day).count()
            guard have < Meal.allCases.count else { continue }
            let n = ShanghaiTime.dayNumber(day) ?? 0
            for meal in Meal.allCases {
                let names = CanteenDemo.dishes[meal]![((n % 3) + 3) % 3]
                _ = try await service.setMenu(canteen, day: day, meal: meal.rawValue, closed: false, note: "",
                                              dishes: names.enumerated().map { DishInput(name: $1, prices: CanteenDemo.prices(meal, $0)) }, by: actor)
            }
        }
        guard try await CanteenOrder.query(on: db).filter(\.$address == marker).count() == 0 else { return 0 }
        let residents = try await Resident.query(on: db).within(DataScope(rootPath: community.path)).sort(\.$nodePath).limit(ordersPerDay).all()
        guard !residents.isEmpty else { return 0 }
        var made = 0
        for offset in 1...days {
            let day = ShanghaiTime.add(-offset, to: today)
            let menus = try await CanteenMenu.query(on: db).filter(\.$canteenID == canteen.id!).filter(\.$day == day).all()
            let dishes = try await CanteenDish.query(on: db).filter(\.$menuID ~~ menus.compactMap(\.id)).all()
            guard !dishes.isEmpty else { continue }
            let at = ShanghaiTime.dayStart(day).addingTimeInterval(-8 * 3600)
            let insert = db.sql.insert(into: CanteenOrder.schema).columns("id", "menu_id", "dish_id", "canteen_id", "day", "meal", "resident_id", "resident_name",
                                                                        "node_path", "diner_type", "quantity", "price", "delivery", "address", "state", "created_at")
            for i in 0..<ordersPerDay {
                let r = residents[i % residents.count], d = dishes[(i * 7 + offset) % dishes.count]
                let meal = menus.first { $0.id == d.menuID }?.meal ?? Meal.lunch.rawValue
                insert.values([SQLBind(UUID()), SQLBind(d.menuID), SQLBind(d.id!), SQLBind(canteen.id!), SQLBind(day), SQLBind(meal), SQLBind(r.id!),
                               SQLBind(r.name), SQLBind(r.nodePath), SQLBind(DinerType.standard.rawValue), SQLBind(1 + i % 2), SQLBind(d.priceStandard),
                               SQLBind(i % 10 == 0), SQLBind(marker), SQLBind(i % 25 == 0 ? "cancelled" : "ordered"), SQLBind(at)])
            }
            try await insert.run()
            made += ordersPerDay
        }
        return made
    }
}
