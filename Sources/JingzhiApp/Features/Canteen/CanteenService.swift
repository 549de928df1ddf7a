import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// A dish as staff type it: name and the four prices in fen.
struct DishInput: Sendable {
    let name: String
    let prices: [Int]
}

/// The canteen's menus, the residents' orders before the cut-off, the kitchen's counts, meal delivery.
struct CanteenService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(db: any Database, now: Date, source: AuditSource = .system()) {
        self.db = db
        self.now = now
        self.source = source
    }

    init(req: Request) { self.init(db: req.db, now: req.now, source: req.auditSource) }

    static let keeperRoles: Set<Role> = [.admin, .streetStaff, .communityStaff]

    static func requireKeeper(_ c: Canteen, _ actor: Actor) throws {
        guard keeperRoles.contains(actor.role) else {
            throw APIError(.forbidden, code: "forbidden", "只有社区、街道工作人员可以维护食堂 (only community and street staff keep the canteen)")
        }
        guard actor.scope.contains(c.nodePath) else { throw APIError.notFound }
    }

    /// Opens a community's canteen on Jingzhi (one per community), by staff of that community or above.
    func open(name: String?, community: OrgNode, address: String?, cutoffHour: Int = 17, by actor: Actor) async throws -> Canteen {
        guard Self.keeperRoles.contains(actor.role) else { throw APIError.forbidden }
        guard community.kind == .community, actor.scope.contains(community.path) else { throw APIError.notFound }
        guard (0...23).contains(cutoffHour) else { throw APIError.invalid("cutoffHour", "截止时间为 0–23 点 (the cut-off is an hour, 0–23)") }
        guard try await Canteen.query(on: db).filter(\.$nodeID == community.id!).first() == nil else {
            throw APIError.conflict("该社区已有食堂 (this community has a canteen already)", code: "canteen_exists")
        }
        let c = Canteen()
        c.name = try Validate.text(name, field: "name", max: 40)!
        c.nodeID = community.id!
        c.nodePath = community.path
        c.address = try Validate.text(address, field: "address", max: 100)!
        c.cutoffHour = cutoffHour
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await c.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "canteen", entityID: c.id, nodePath: c.nodePath,
                                      summary: "开通食堂「\(c.name)」，订餐截止前一天 \(cutoffHour):00")
        }
        return c
    }

    /// The canteen of a resident's community.
    func canteen(of resident: Resident) async throws -> Canteen? {
        guard let node = try await OrgNode.find(resident.nodeID, on: db) else { return nil }
        let chain = try await OrgService(db: db, now: now).ancestors(of: node) + [node]
        let ids = chain.compactMap(\.id)
        return try await Canteen.query(on: db).filter(\.$nodeID ~~ ids).first()
    }

    /// The kinds of diner the register makes a resident; the lowest of their prices applies.
    static func diners(_ r: Resident, today: String) -> [DinerType] {
        var out: [DinerType] = [.standard]
        let age = ServiceApplications.age(born: r.birthDate, today: today) ?? 0
        if age >= 60 { out.append(.over60) }
        if age >= 80 { out.append(.over80) }
        if r.tagList.contains("低保") || r.tagList.contains("特困") { out.append(.assisted) }
        return out
    }

    static func price(_ dish: CanteenDish, for diners: [DinerType]) -> (Int, DinerType) {
        diners.map { (dish.price(for: $0), $0) }.min { $0.0 < $1.0 } ?? (dish.priceStandard, .standard)
    }

    struct MealMenu: Sendable {
        let meal: Meal
        let menu: CanteenMenu?
        let dishes: [CanteenDish]
    }

    /// The three meals of a day, each with its menu (nil: not published yet) and dishes.
    func day(_ canteen: Canteen, _ day: String) async throws -> [MealMenu] {
        let menus = try await CanteenMenu.query(on: db).filter(\.$canteenID == canteen.id!).filter(\.$day == day).all()
        let dishes = menus.isEmpty ? [] : try await CanteenDish.query(on: db).filter(\.$menuID ~~ menus.compactMap(\.id)).sort(\.$sortOrder).all()
        return Meal.allCases.map { meal in
            let menu = menus.first { $0.meal == meal.rawValue }
            return MealMenu(meal: meal, menu: menu, dishes: dishes.filter { $0.menuID == menu?.id })
        }
    }

    /// Publishes (or replaces) the menu of a meal; a closed meal keeps no dishes. Dishes already ordered keep their orders.
    func setMenu(_ canteen: Canteen, day raw: String?, meal raw2: String?, closed: Bool, note: String?, dishes: [DishInput], by actor: Actor) async throws -> CanteenMenu {
        try Self.requireKeeper(canteen, actor)
        let day = try ShanghaiTime.parseDay(raw, field: "day")
        guard let meal = raw2.flatMap(Meal.init(rawValue:)) else { throw APIError.invalid("meal", "餐次须为 breakfast、lunch、dinner (meal: breakfast, lunch or dinner)") }
        let note = try Validate.text(note, field: "note", max: 100, required: false) ?? ""
        if !closed {
            guard !dishes.isEmpty else { throw APIError.invalid("dishes", "请至少列出一道菜，或设为休息 (list a dish, or mark the meal closed)") }
            guard dishes.count <= 20 else { throw APIError.invalid("dishes", "每餐最多 20 道菜 (at most 20 dishes a meal)") }
            for d in dishes {
                guard !d.name.isEmpty, d.name.count <= 30 else { throw APIError.invalid("dishes", "菜名为 1–30 个字 (dish names are 1–30 characters)") }
                guard d.prices.count == 4, d.prices.allSatisfy({ (0...100_000).contains($0) }) else {
                    throw APIError.invalid("dishes", "「\(d.name)」须有 4 个价格：普通、60岁以上、80岁以上、低保特困 (four prices for \(d.name))")
                }
            }
        }
        let existing = try await CanteenMenu.query(on: db).filter(\.$canteenID == canteen.id!).filter(\.$day == day).filter(\.$meal == meal.rawValue).first()
        if let existing, closed, try await CanteenOrder.query(on: db).filter(\.$menuID == existing.id!).filter(\.$state == "ordered").count() > 0 {
            throw APIError.conflict("已有居民订餐，不能改为休息；请先联系订餐居民 (residents have ordered this meal; it cannot be closed now)", code: "has_orders")
        }
        let menu = existing ?? CanteenMenu()
        menu.canteenID = canteen.id!
        menu.day = day
        menu.meal = meal.rawValue
        menu.closed = closed
        menu.note = note
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await menu.save(on: tx)
            let old = try await CanteenDish.query(on: tx).filter(\.$menuID == menu.id!).all()
            var kept = Set<UUID>()
            for (i, d) in (closed ? [] : dishes).enumerated() {
                let dish = old.first { $0.name == d.name } ?? CanteenDish()
                dish.menuID = menu.id!
                dish.name = d.name
                (dish.priceStandard, dish.priceOver60, dish.priceOver80, dish.priceAssisted) = (d.prices[0], d.prices[1], d.prices[2], d.prices[3])
                if dish.id == nil { dish.soldOut = false }
                dish.sortOrder = i
                try await dish.save(on: tx)
                kept.insert(dish.id!)
            }
            for dish in old where !kept.contains(dish.id!) {
                if try await CanteenOrder.query(on: tx).filter(\.$dishID == dish.id!).count() == 0 { try await dish.delete(on: tx) } else {
                    dish.soldOut = true
                    try await dish.save(on: tx)
                }
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "canteen_menu", entityID: menu.id, nodePath: canteen.nodePath,
                                      summary: "\(canteen.name) \(day) \(meal.zh)：" + (closed ? "休息" : "\(dishes.count) 道菜"))
        }
        return menu
    }

    func setSoldOut(_ dish: CanteenDish, _ soldOut: Bool, in canteen: Canteen, by actor: Actor) async throws {
        try Self.requireKeeper(canteen, actor)
        dish.soldOut = soldOut
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await dish.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "canteen_dish", entityID: dish.id, nodePath: canteen.nodePath,
                                      summary: "\(canteen.name)「\(dish.name)」：" + (soldOut ? "已售罄" : "恢复供应"))
        }
    }

    /// When orders for `day` close: the canteen's cut-off hour of the day before.
    static func cutoff(_ canteen: Canteen, day: String) -> Date {
        ShanghaiTime.dayStart(ShanghaiTime.add(-1, to: day)).addingTimeInterval(Double(canteen.cutoffHour) * 3600)
    }

    /// Orders a dish for a later day before the cut-off, at the resident's lowest price.
    func order(dishID: UUID?, quantity: Int?, delivery: Bool, by actor: Actor) async throws -> CanteenOrder {
        guard let rid = actor.user.residentID, let r = try await Resident.find(rid, on: db) else {
            throw APIError(.forbidden, code: "not_linked", "请先完成住户认证再订餐 (link your account to your household first)")
        }
        return try await order(for: r, dishID: dishID, quantity: quantity, delivery: delivery)
    }

    /// The order of a resident of the register (their own, or the demo's).
    func order(for r: Resident, dishID: UUID?, quantity: Int?, delivery: Bool) async throws -> CanteenOrder {
        let rid = r.id!
        guard let dishID else { throw APIError.missing("dishId") }
        guard let dish = try await CanteenDish.find(dishID, on: db), let menu = try await CanteenMenu.find(dish.menuID, on: db),
              let canteen = try await canteen(of: r), canteen.id == menu.canteenID else { throw APIError.notFound }
        let qty = quantity ?? 1
        guard (1...5).contains(qty) else { throw APIError.invalid("quantity", "份数为 1–5 份 (1 to 5 portions)") }
        guard !menu.closed else { throw APIError(.unprocessableEntity, code: "closed_day", "\(menu.day) \(Meal(rawValue: menu.meal)?.zh ?? "")食堂休息，不能订餐 (the canteen is closed then)") }
        guard now < Self.cutoff(canteen, day: menu.day) else {
            throw APIError(.unprocessableEntity, code: "after_cutoff",
                           "\(menu.day)的订餐已于前一天 \(canteen.cutoffHour):00 截止 (orders for \(menu.day) closed at \(canteen.cutoffHour):00 the day before)")
        }
        guard !dish.soldOut else { throw APIError(.unprocessableEntity, code: "sold_out", "「\(dish.name)」已售罄 (\(dish.name) is sold out)") }
        if try await CanteenOrder.query(on: db).filter(\.$residentID == rid).filter(\.$dishID == dishID).filter(\.$state == "ordered").first() != nil {
            throw APIError.conflict("您已订过「\(dish.name)」 (you already ordered \(dish.name))", code: "already_ordered")
        }
        let household = try await Household.find(r.householdID, on: db)
        let (price, diner) = Self.price(dish, for: Self.diners(r, today: ShanghaiTime.today(now)))
        let o = CanteenOrder()
        o.menuID = menu.id!
        o.dishID = dishID
        o.canteenID = canteen.id!
        o.day = menu.day
        o.meal = menu.meal
        o.residentID = rid
        o.residentName = r.name
        o.nodePath = r.nodePath
        o.dinerType = diner.rawValue
        o.quantity = qty
        o.price = price * qty
        o.delivery = delivery
        o.address = household?.address ?? ""
        o.state = "ordered"
        o.createdAt = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await o.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "canteen_order", entityID: o.id, nodePath: o.nodePath,
                                      summary: "订餐 \(o.day) \(Meal(rawValue: o.meal)?.zh ?? "")「\(dish.name)」×\(qty)" + (delivery ? "，送餐上门" : ""))
        }
        return o
    }

    func cancel(_ o: CanteenOrder, by actor: Actor) async throws {
        guard actor.user.residentID == o.residentID else { throw APIError.notFound }
        guard o.state == "ordered" else { throw APIError.conflict("该订单已\(o.state == "cancelled" ? "取消" : "送达") (the order is \(o.state))", code: "illegal_transition") }
        guard let canteen = try await Canteen.find(o.canteenID, on: db), now < Self.cutoff(canteen, day: o.day) else {
            throw APIError(.unprocessableEntity, code: "after_cutoff", "已过订餐截止时间，不能取消 (past the cut-off; it cannot be cancelled)")
        }
        o.state = "cancelled"
        try await save(o, summary: "取消订餐 \(o.day)")
    }

    /// Staff hand a delivery to a grid worker or partner (volunteer) of the canteen's area.
    func assign(_ o: CanteenOrder, to userID: UUID?, by actor: Actor) async throws {
        guard let canteen = try await Canteen.find(o.canteenID, on: db) else { throw APIError.notFound }
        try Self.requireKeeper(canteen, actor)
        guard o.delivery, o.state == "ordered" else { throw APIError.conflict("只有待送的送餐订单可以指派 (only open delivery orders are assigned)", code: "illegal_transition") }
        guard let userID, let courier = try await User.find(userID, on: db), [.gridWorker, .partner].contains(courier.role), courier.active,
              let node = try await courier.nodeID.asyncMap({ try await OrgNode.find($0, on: db) }) ?? nil, actor.scope.contains(node.path) else {
            throw APIError(.unprocessableEntity, code: "unknown_courier", "请选择本辖区的网格员或志愿者 (pick a grid worker or volunteer of your area)", field: "courierId")
        }
        o.courierID = courier.id
        o.courierName = courier.displayName
        try await save(o, summary: "送餐 \(o.day) 指派给 \(courier.displayName)")
    }

    /// The courier (or staff) marks a delivery done.
    func delivered(_ o: CanteenOrder, by actor: Actor) async throws {
        guard let canteen = try await Canteen.find(o.canteenID, on: db) else { throw APIError.notFound }
        guard o.courierID == actor.userID || (Self.keeperRoles.contains(actor.role) && actor.scope.contains(canteen.nodePath)) else { throw APIError.notFound }
        guard o.delivery, o.state == "ordered" else { throw APIError.conflict("该订单不是待送状态 (the order is not waiting for delivery)", code: "illegal_transition") }
        o.state = "delivered"
        o.deliveredAt = now
        try await save(o, summary: "送餐 \(o.day) 已送达")
    }

    private func save(_ o: CanteenOrder, summary: String) async throws {
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await o.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "canteen_order", entityID: o.id, nodePath: o.nodePath, summary: summary)
        }
    }

    struct Count: Sendable {
        let meal: Meal
        let dish: String
        let portions: Int
        let deliveries: Int
    }

    /// The kitchen's counts of a day: portions per dish and how many go out for delivery (summed by the database: the
    /// orders are never read one by one).
    func kitchen(_ canteen: Canteen, day: String) async throws -> [Count] {
        let rows = try await db.sql.raw("""
            SELECT o.meal AS meal, d.name AS dish, CAST(SUM(o.quantity) AS BIGINT) AS portions,
                   CAST(SUM(CASE WHEN o.delivery = \(bind: true) THEN o.quantity ELSE 0 END) AS BIGINT) AS deliveries
            FROM \(ident: CanteenOrder.schema) o JOIN \(ident: CanteenDish.schema) d ON d.id = o.dish_id
            WHERE o.canteen_id = \(bind: canteen.id!) AND o.day = \(bind: day) AND o.state <> \(bind: "cancelled")
            GROUP BY o.dish_id, o.meal, d.name
            """).all()
        return try rows.compactMap { row -> Count? in
            guard let meal = Meal(rawValue: try row.decode(column: "meal", as: String.self)) else { return nil }
            return Count(meal: meal, dish: try row.decode(column: "dish", as: String.self), portions: try row.decode(column: "portions", as: Int.self),
                         deliveries: try row.decode(column: "deliveries", as: Int.self))
        }.sorted { (Meal.allCases.firstIndex(of: $0.meal)!, $0.dish) < (Meal.allCases.firstIndex(of: $1.meal)!, $1.dish) }
    }
}
