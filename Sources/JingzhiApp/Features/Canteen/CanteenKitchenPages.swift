import Foundation
import Fluent
import JingzhiCore
import Vapor

/// Staff side of the canteen: a day's counts for the kitchen, the menu of a meal, sold-out marks, and who delivers
/// to the residents who cannot come (助餐送餐); the courier's own list.
enum CanteenKitchenPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Canteen.Pattern
        staff.get(P.menu, use: menuForm)
        staff.post(P.menu, use: saveMenu)
        staff.post(P.soldOut, use: soldOut)
        staff.post(P.assign, use: assign)
        staff.get(P.deliveries, use: deliveries)
        staff.post(P.open, use: open)
    }

    /// The canteens the actor keeps, and the one picked (`canteen` in the query, else the first).
    static func picked(_ req: Request, _ actor: Actor) async throws -> ([Canteen], Canteen) {
        guard CanteenService.keeperRoles.contains(actor.role) else { throw APIError.forbidden }
        let all = try await Canteen.query(on: req.db).within(actor.scope).sort(\.$name).all()
        let wanted = ((try? req.query.get(String?.self, at: "canteen")) ?? nil).flatMap(UUID.init(uuidString:))
        guard let c = all.first(where: { $0.id == wanted }) ?? all.first else { throw APIError.notFound }
        return (all, c)
    }

    static func day(_ req: Request) throws -> String {
        let raw = (try? req.query.get(String?.self, at: "day")) ?? nil
        guard let raw, !raw.isEmpty else { return ShanghaiTime.add(1, to: ShanghaiTime.today(req.now)) }
        return try ShanghaiTime.parseDay(raw, field: "day")
    }

    @Sendable static func kitchen(_ req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        guard CanteenService.keeperRoles.contains(actor.role) else { throw APIError.forbidden }
        if try await Canteen.query(on: req.db).within(actor.scope).count() == 0 { return try await openPage(req, actor, error: nil) }
        let (all, c) = try await picked(req, actor)
        let day = try day(req)
        let service = CanteenService(req: req)
        let counts = try await service.kitchen(c, day: day)
        let meals = try await service.day(c, day)
        let couriers = try await User.query(on: req.db).filter(\.$roleRaw ~~ [Role.gridWorker.rawValue, Role.partner.rawValue]).filter(\.$active == true)
            .all().filter { u in u.nodeID != nil }
        var courierOptions: [(value: String, label: String)] = []
        for u in couriers {
            if let n = try await OrgNode.find(u.nodeID!, on: req.db), actor.scope.contains(n.path), n.path.hasPrefix(c.nodePath) {
                courierOptions.append((u.id!.uuidString, "\(u.displayName)（\(u.role.label(req.lang))）"))
            }
        }
        let deliveries = try await CanteenOrder.query(on: req.db).filter(\.$canteenID == c.id!).filter(\.$day == day).filter(\.$delivery == true)
            .filter(\.$state != "cancelled").sort(\.$nodePath).all()
        let countRows = counts.map { k -> HTML in
            "<tr><td>\(req.t(k.meal.zh, k.meal.en))</td><td>\(k.dish)</td><td>\(k.portions)</td><td>\(k.deliveries)</td></tr>"
        }
        let menuLinks = meals.map { m -> HTML in
            let state = m.menu == nil ? req.t("未公布", "not out") : m.menu!.closed ? req.t("休息", "closed") : req.t("\(m.dishes.count) 道菜", "\(m.dishes.count) dishes")
            let sold = m.dishes.map { d -> HTML in
                """
                <form method="post" action="\(SiteURL.Canteen.soldOut(d.id!).path)" class="inline">\(Form.csrf(req))<input type="hidden" name="soldOut" value="\(d.soldOut ? "0" : "1")">
                <button class="link">\(d.name)：\(d.soldOut ? req.t("恢复供应", "back on") : req.t("标记售罄", "mark sold out"))</button></form>
                """
            }
            return "<li><a href=\"\(SiteURL.Canteen.menu(canteen: c.id!, day: day, meal: m.meal.rawValue).path)\">\(req.t(m.meal.zh, m.meal.en))</a> · \(state) \(sold)</li>"
        }
        let deliveryRows = deliveries.map { o -> HTML in
            let assign: HTML = o.state == "ordered" ? """
            <form method="post" action="\(SiteURL.Canteen.assign(o.id!).path)" class="inline">\(Form.csrf(req))
            \(Form.select(req.t("送餐人", "Courier"), name: "courierId", options: courierOptions, selected: o.courierID?.uuidString, includeBlank: req.t("请选择", "Choose")))
            <button>\(req.t("指派", "Assign"))</button></form>
            """ : "<span>\(req.t("已送达", "Delivered"))</span>"
            return "<tr><td>\(o.residentName)</td><td>\(o.address)</td><td>\(Meal(rawValue: o.meal).map { req.t($0.zh, $0.en) } ?? "") ×\(o.quantity)</td><td>\(o.courierName ?? "—")</td><td>\(assign)</td></tr>"
        }
        let pick = Form.select(req.t("食堂", "Canteen"), name: "canteen", options: all.map { ($0.id!.uuidString, $0.name) }, selected: c.id!.uuidString)
        return Layout(req: req, title: req.t("食堂后厨", "Canteen kitchen"), wide: true).render("""
        <form method="get" class="filters card" action="\(SiteURL.Canteen.index.path)">\(pick)\(Form.field(req.t("日期", "Day"), name: "day", value: day, type: "date"))
        <button>\(req.t("查看", "Show"))</button></form>
        <h2>\(req.t("菜单", "Menus")) \(day)</h2><ul id="menus">\(menuLinks)</ul>
        <h2>\(req.t("备餐数量", "Kitchen counts"))</h2>
        <div class="table-wrap"><table class="list" id="kitchen"><thead><tr><th>\(req.t("餐次", "Meal"))</th><th>\(req.t("菜品", "Dish"))</th><th>\(req.t("份数", "Portions"))</th>
        <th>\(req.t("其中送餐", "To deliver"))</th></tr></thead><tbody>\(countRows.isEmpty ? [HTML("<tr><td colspan=\"4\" class=\"muted\">\(req.t("暂无订餐", "No orders"))</td></tr>")] : countRows)</tbody></table></div>
        <h2>\(req.t("助餐送餐", "Meal delivery"))</h2>
        <div class="table-wrap"><table class="list stack" id="deliveries"><thead><tr><th>\(req.t("居民", "Resident"))</th><th>\(req.t("地址", "Address"))</th>
        <th>\(req.t("餐次", "Meal"))</th><th>\(req.t("送餐人", "Courier"))</th><th>\(req.t("指派", "Assign"))</th></tr></thead><tbody>\(deliveryRows)</tbody></table></div>
        """)
    }

    /// No canteen in the area yet: the form that opens one for a community of it.
    static func openPage(_ req: Request, _ actor: Actor, error: String?) async throws -> HTML {
        let communities = try await OrgNode.query(on: req.db).within(actor.scope).filter(\.$kindRaw == NodeKind.community.rawValue).sort(\.$path).all()
        return Layout(req: req, title: req.t("开通社区食堂", "Open a community canteen")).render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <p class="muted">\(req.t("辖区内还没有食堂。开通后可发布每日菜单、接受居民订餐和安排送餐。", "No canteen in your area yet. Once opened, publish daily menus, take orders and arrange delivery."))</p>
        <form method="post" action="\(SiteURL.Canteen.open.path)" class="card" id="open-canteen">\(Form.csrf(req))
        \(Form.select(req.t("社区", "Community"), name: "communityId", options: communities.map { ($0.id!.uuidString, $0.name) }, selected: nil, required: true))
        \(Form.field(req.t("食堂名称", "Name"), name: "name", required: true, hint: req.t("如：古亭社区孝贤大食堂", "e.g. 古亭社区孝贤大食堂")))
        \(Form.field(req.t("地址", "Address"), name: "address", required: true))
        \(Form.field(req.t("订餐截止（前一天几点）", "Orders close at (hour, the day before)"), name: "cutoffHour", value: "17", type: "number", required: true))
        <button>\(req.t("开通", "Open"))</button></form>
        """)
    }

    struct OpenForm: Content {
        var communityId: UUID?
        var name: String?
        var address: String?
        var cutoffHour: Int?
    }

    @Sendable static func open(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard CanteenService.keeperRoles.contains(actor.role) else { throw APIError.forbidden }
        let f = try req.content.decode(OpenForm.self)
        do {
            guard let id = f.communityId, let node = try await OrgNode.find(id, on: req.db) else { throw APIError.missing("communityId") }
            let c = try await CanteenService(req: req).open(name: f.name, community: node, address: f.address, cutoffHour: f.cutoffHour ?? 17, by: actor)
            req.flash(req.t("已开通：\(c.name)", "Opened: \(c.name)"))
            return req.redirect(to: SiteURL.Canteen.index.path + "?canteen=\(c.id!)")
        } catch let e as APIError where e.status.code < 500 {
            return try await openPage(req, actor, error: req.words(e)).encodeResponse(status: e.status, for: req)
        }
    }

    @Sendable static func menuForm(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let (_, c) = try await picked(req, actor)
        let day = try day(req)
        let meal = ((try? req.query.get(String?.self, at: "meal")) ?? nil).flatMap(Meal.init(rawValue:)) ?? .lunch
        let m = try await CanteenService(req: req).day(c, day).first { $0.meal == meal }
        let text = m?.dishes.map { d in "\(d.name) " + [d.priceStandard, d.priceOver60, d.priceOver80, d.priceAssisted].map { String(format: "%.1f", Double($0) / 100) }.joined(separator: " ") }
            .joined(separator: "\n") ?? ""
        return page(req, c, day: day, meal: meal, text: text, closed: m?.menu?.closed ?? false, note: m?.menu?.note ?? "", error: nil)
    }

    static func page(_ req: Request, _ c: Canteen, day: String, meal: Meal, text: String, closed: Bool, note: String, error: String?) -> HTML {
        Layout(req: req, title: "\(c.name) · \(day) \(req.t(meal.zh, meal.en))").render("""
        \(error.map { HTML("<p class=\"error\" role=\"alert\">\($0)</p>") } ?? .empty)
        <form method="post" action="\(SiteURL.Canteen.menu(canteen: c.id!, day: day, meal: meal.rawValue).path)" class="card" id="menu-form">\(Form.csrf(req))
        <label class="field"><span>\(req.t("菜品：每行一道，菜名 普通价 60岁以上价 80岁以上价 低保特困价（元）", "Dishes: one a line, name then four prices in yuan (resident, over 60, over 80, assisted)"))</span>
        <textarea name="dishes" rows="8">\(text)</textarea></label>
        <label class="check"><input type="checkbox" name="closed" value="1"\(HTML(raw: closed ? " checked" : ""))> \(req.t("这一餐休息", "Closed for this meal"))</label>
        \(Form.field(req.t("说明（选填）", "Note (optional)"), name: "note", value: note))
        <button>\(req.t("发布菜单", "Publish the menu"))</button></form>
        <p><a href="\(SiteURL.Canteen.index.path)?canteen=\(c.id!)&amp;day=\(day)">\(req.t("返回后厨", "Back to the kitchen"))</a></p>
        """)
    }

    /// `红烧肉 12 10 8 6` lines into dishes with prices in fen.
    static func parse(_ text: String) throws -> [DishInput] {
        try text.split(whereSeparator: \.isNewline).enumerated().compactMap { i, line -> DishInput? in
            let parts = line.split(separator: " ").map(String.init).filter { !$0.isEmpty }
            guard !parts.isEmpty else { return nil }
            let prices = parts.suffix(4).compactMap { Double($0) }
            guard parts.count >= 5, prices.count == 4 else {
                throw APIError.invalid("dishes", "第 \(i + 1) 行应为「菜名 普通价 60岁以上价 80岁以上价 低保特困价」 (line \(i + 1): a name and four prices)")
            }
            return DishInput(name: parts.dropLast(4).joined(separator: " "), prices: prices.map { Int(($0 * 100).rounded()) })
        }
    }

    struct MenuForm: Content {
        var dishes: String?
        var closed: String?
        var note: String?
    }

    @Sendable static func saveMenu(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let (_, c) = try await picked(req, actor)
        let day = try day(req)
        let meal = ((try? req.query.get(String?.self, at: "meal")) ?? nil).flatMap(Meal.init(rawValue:)) ?? .lunch
        let f = try req.content.decode(MenuForm.self)
        do {
            _ = try await CanteenService(req: req).setMenu(c, day: day, meal: meal.rawValue, closed: f.closed == "1", note: f.note,
                                                          dishes: try parse(f.dishes ?? ""), by: actor)
            req.flash(req.t("菜单已发布：\(day) \(meal.zh)", "Menu published: \(day) \(meal.en)"))
            return req.redirect(to: SiteURL.Canteen.index.path + "?canteen=\(c.id!)&day=\(day)")
        } catch let e as APIError where e.status.code < 500 {
            return try await page(req, c, day: day, meal: meal, text: f.dishes ?? "", closed: f.closed == "1", note: f.note ?? "", error: req.words(e))
                .encodeResponse(status: e.status, for: req)
        }
    }

    @Sendable static func soldOut(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let dish = try await CanteenDish.find(try req.idParameter(), on: req.db), let menu = try await CanteenMenu.find(dish.menuID, on: req.db),
              let c = try await Canteen.find(menu.canteenID, on: req.db) else { throw APIError.notFound }
        let on = (try? req.content.get(String.self, at: "soldOut")) == "1"
        try await CanteenService(req: req).setSoldOut(dish, on, in: c, by: actor)
        req.flash(on ? req.t("「\(dish.name)」已标记售罄", "\(dish.name) is sold out") : req.t("「\(dish.name)」恢复供应", "\(dish.name) is back"))
        return req.redirect(to: SiteURL.Canteen.index.path + "?canteen=\(c.id!)&day=\(menu.day)")
    }

    @Sendable static func assign(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard let o = try await CanteenOrder.find(try req.idParameter(), on: req.db) else { throw APIError.notFound }
        let courier = ((try? req.content.get(String.self, at: "courierId")) ?? nil).flatMap(UUID.init(uuidString:))
        do {
            try await CanteenService(req: req).assign(o, to: courier, by: actor)
            req.flash(req.t("已指派 \(o.courierName ?? "") 送餐", "Assigned to \(o.courierName ?? "")"))
        } catch let e as APIError where e.status.code < 500 && e.status != .notFound {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: SiteURL.Canteen.index.path + "?canteen=\(o.canteenID)&day=\(o.day)")
    }

    /// The deliveries handed to me (a grid worker or volunteer), today's and later.
    @Sendable static func deliveries(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        let mine = try await CanteenOrder.query(on: req.db).filter(\.$courierID == actor.userID).filter(\.$day >= ShanghaiTime.today(req.now))
            .filter(\.$state != "cancelled").sort(\.$day).sort(\.$nodePath).all()
        let rows = mine.map { o -> HTML in
            let done: HTML = o.state == "ordered" ? """
            <form method="post" action="\(SiteURL.Canteen.delivered(o.id!).path)" class="inline">\(Form.csrf(req))<button>\(req.t("已送达", "Delivered"))</button></form>
            """ : "<span>\(req.t("已送达", "Delivered"))</span>"
            return "<li class=\"card\"><b>\(o.day) \(Meal(rawValue: o.meal).map { req.t($0.zh, $0.en) } ?? "")</b> \(o.residentName) · \(o.address) ×\(o.quantity) \(done)</li>"
        }
        return Layout(req: req, title: req.t("我的送餐任务", "My meal deliveries")).render("""
        <ul class="plain" id="my-deliveries">\(rows.isEmpty ? [HTML("<li class=\"muted\">\(req.t("暂无送餐任务", "No deliveries"))</li>")] : rows)</ul>
        """)
    }
}
