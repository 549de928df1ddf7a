import Foundation
import Fluent
import JingzhiCore
import Vapor

/// The canteen on the phone: today's and tomorrow's menus with the resident's own price, ordering before the cut-off,
/// my orders; for staff the kitchen's counts, the menu form, sold-out marks and delivery assignment.
enum CanteenPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Canteen.Pattern
        staff.get(P.index, use: index)
        staff.post(P.order, use: order)
        staff.post(P.cancel, use: cancel)
        staff.post(P.delivered, use: delivered)
        CanteenKitchenPages.register(staff)
    }

    static func yuan(_ fen: Int) -> String { String(format: "¥%.2f", Double(fen) / 100) }

    /// A day's meals as cards; `order` adds the order buttons (before the cut-off).
    static func meals(_ req: Request, _ day: [CanteenService.MealMenu], diners: [DinerType], order: Bool) -> HTML {
        HTML(day.map { m -> HTML in
            let title = "<h3>\(req.t(m.meal.zh, m.meal.en))</h3>"
            guard let menu = m.menu else { return "<div class=\"card meal\">\(title)<p class=\"muted\">\(req.t("菜单未公布", "Menu not out yet"))</p></div>" }
            if menu.closed {
                return "<div class=\"card meal closed\">\(title)<p><b>\(req.t("食堂休息", "Closed"))</b>\(menu.note.isEmpty ? "" : "：\(menu.note)")</p></div>"
            }
            let rows = m.dishes.map { d -> HTML in
                let (price, diner) = CanteenService.price(d, for: diners)
                let label = req.t(diner.zh, diner.en)
                let button: HTML = order && !d.soldOut ? """
                <form method="post" action="\(SiteURL.Canteen.order.path)" class="inline">\(Form.csrf(req))<input type="hidden" name="dishId" value="\(d.id!)">
                <label class="check"><input type="checkbox" name="delivery" value="1"> \(req.t("送餐上门", "Deliver"))</label>
                <button>\(req.t("订这道", "Order"))</button></form>
                """ : .empty
                let sold: HTML = d.soldOut ? "<span class=\"tag\">\(req.t("已售罄", "Sold out"))</span>" : .empty
                return "<li class=\"dish\"><b>\(d.name)</b> \(sold) <span>\(yuan(price))</span> <small class=\"muted\">\(label)</small> \(button)</li>"
            }
            return "<div class=\"card meal\">\(title)\(menu.note.isEmpty ? HTML.empty : "<p>\(menu.note)</p>")<ul class=\"dishes\">\(rows)</ul></div>"
        })
    }

    /// The resident's canteen, the resident and their kinds of diner.
    static func mine(_ req: Request, _ actor: Actor) async throws -> (Canteen, Resident, [DinerType])? {
        guard let rid = actor.user.residentID, let r = try await Resident.find(rid, on: req.db),
              let c = try await CanteenService(req: req).canteen(of: r) else { return nil }
        return (c, r, CanteenService.diners(r, today: ShanghaiTime.today(req.now)))
    }

    @Sendable static func index(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        if actor.role != .resident { return try await CanteenKitchenPages.kitchen(req) }
        guard let (c, r, diners) = try await mine(req, actor) else {
            return Layout(req: req, title: req.t("社区食堂", "Canteen")).render("<p class=\"card\">\(req.t("您所在社区暂未开通食堂订餐。", "Your community has no canteen on Jingzhi yet."))</p>")
        }
        let service = CanteenService(req: req)
        let today = ShanghaiTime.today(req.now), tomorrow = ShanghaiTime.add(1, to: today)
        let open = req.now < CanteenService.cutoff(c, day: tomorrow)
        let orders = try await CanteenOrder.query(on: req.db).filter(\.$residentID == r.id!).filter(\.$day >= today).sort(\.$day).all()
        let dishNames = Dictionary(uniqueKeysWithValues: try await CanteenDish.query(on: req.db).filter(\.$id ~~ orders.map(\.dishID)).all().map { ($0.id!, $0.name) })
        let lines = orders.map { o -> HTML in
            let state = o.state == "ordered" ? req.t("已预订", "Ordered") : o.state == "delivered" ? req.t("已送达", "Delivered") : req.t("已取消", "Cancelled")
            let cancel: HTML = o.state == "ordered" && req.now < CanteenService.cutoff(c, day: o.day) ? """
            <form method="post" action="\(SiteURL.Canteen.cancel(o.id!).path)" class="inline" data-confirm="\(req.t("确定取消这份订餐？", "Cancel this order?"))">\(Form.csrf(req))<button class="link">\(req.t("取消", "Cancel"))</button></form>
            """ : .empty
            let meal = Meal(rawValue: o.meal).map { req.t($0.zh, $0.en) } ?? o.meal
            return "<li>\(o.day) \(meal)「\(dishNames[o.dishID] ?? "")」×\(o.quantity) \(yuan(o.price)) · \(state)\(o.delivery ? req.t("（送餐上门）", " (delivered)") : "") \(cancel)</li>"
        }
        return Layout(req: req, title: c.name).render("""
        <p class="muted">\(c.address) · \(req.t("您的价格：", "Your price: "))\(diners.map { req.t($0.zh, $0.en) }.joined(separator: "、"))</p>
        <h2 id="today-menu">\(req.t("今日菜单", "Today's menu")) \(today)</h2>
        \(meals(req, try await service.day(c, today), diners: diners, order: false))
        <h2 id="tomorrow-menu">\(req.t("明日订餐", "Order for tomorrow")) \(tomorrow)</h2>
        <p class="muted">\(open ? req.t("今天 \(c.cutoffHour):00 前可订明天的餐。", "Order tomorrow's meals before \(c.cutoffHour):00 today.") : req.t("明天的订餐已截止。", "Orders for tomorrow are closed."))</p>
        \(meals(req, try await service.day(c, tomorrow), diners: diners, order: open))
        <h2>\(req.t("我的订餐", "My orders"))</h2><ul id="my-orders">\(lines.isEmpty ? [HTML("<li class=\"muted\">\(req.t("暂无", "None"))</li>")] : lines)</ul>
        """)
    }

    /// Today's menu on the resident's home (closed meals say so).
    static func homeSection(_ req: Request) async throws -> HTML? {
        guard let actor = req.actor, let (c, _, diners) = try await mine(req, actor) else { return nil }
        let today = try await CanteenService(req: req).day(c, ShanghaiTime.today(req.now))
        guard today.contains(where: { $0.menu != nil }) else { return nil }
        return """
        <section aria-labelledby="home-menu-title" id="home-menu"><h2 id="home-menu-title">\(req.t("今日菜单", "Today's menu")) · \(c.name)</h2>
        <div class="meals">\(meals(req, today, diners: diners, order: false))</div>
        <p><a href="\(SiteURL.Canteen.index.path)">\(req.t("订明天的餐", "Order tomorrow's meals"))</a></p></section>
        """
    }

    struct OrderForm: Content {
        var dishId: UUID?
        var quantity: Int?
        var delivery: String?
    }

    @Sendable static func order(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(OrderForm.self)
        do {
            let o = try await CanteenService(req: req).order(dishID: f.dishId, quantity: f.quantity, delivery: f.delivery == "1", by: actor)
            req.flash(req.t("已订餐：\(o.day)，\(yuan(o.price))", "Ordered for \(o.day): \(yuan(o.price))"))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: SiteURL.Canteen.index.path)
    }

    @Sendable static func cancel(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let o = try await CanteenOrder.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        do {
            try await CanteenService(req: req).cancel(o, by: actor)
            req.flash(req.t("已取消订餐", "Order cancelled"))
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: SiteURL.Canteen.index.path)
    }

    @Sendable static func delivered(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let o = try await CanteenOrder.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        do {
            try await CanteenService(req: req).delivered(o, by: actor)
            req.flash(req.t("已记录送达：\(o.residentName)", "Delivered to \(o.residentName)"))
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: SiteURL.Canteen.deliveries.path)
    }
}
