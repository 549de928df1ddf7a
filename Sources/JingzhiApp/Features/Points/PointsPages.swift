import Fluent
import JingzhiCore
import Vapor

/// The resident's phone pages: the passbook (积分存折), the supermarket, and a redemption's 核销码 as a QR code.
/// Large type and targets: many users are elderly.
enum PointsPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Points.Pattern
        staff.get(P.passbook, use: passbook)
        staff.get(P.shop, use: shop)
        staff.post(P.redeem, use: redeem)
        staff.get(P.redemption, use: redemption)
        staff.post(P.cancel, use: cancel)
    }

    /// The signed-in resident's register entry; staff are sent to their own points pages.
    static func resident(_ req: Request) async throws -> (Actor, Resident) {
        let actor = try req.requireActor()
        guard actor.role == .resident, let id = actor.user.residentID, let r = try await Resident.find(id, on: req.db) else {
            throw APIError.forbidden
        }
        return (actor, r)
    }

    @Sendable static func passbook(req: Request) async throws -> Response {
        if let actor = req.actor, actor.role != .resident { return req.redirect(to: SiteURL.Points.collect(code: nil).path) }
        let (_, r) = try await resident(req)
        let page = try PageRequest(req, defaultPer: 20)
        let service = PointsService(req: req)
        let account = try await service.account(of: r)
        let (entries, total) = try await PointsLedger.entries(of: account, page: page, on: req.db)
        let family = try await Household.find(r.householdID, on: req.db).asyncMap { try await service.household($0) } ?? []
        let pending = try await PointsRedemption.query(on: req.db).filter(\.$residentID == r.id!)
            .filter(\.$state == RedemptionState.pending.rawValue).sort(\.$createdAt, .descending).all()
        let rows: [HTML] = entries.map { e in
            let signed = e.toAccountID == account.id ? e.points : -e.points
            return """
            <li><span><b>\(signed > 0 ? "+" : "−")\(abs(signed))</b> \(e.reason)</span>
            <span class="muted">\(e.kind.label(req)) · \(ShanghaiTime.format(e.createdAt, "yyyy-MM-dd"))</span></li>
            """
        }
        let waiting: [HTML] = pending.map { p in
            "<a class=\"button big\" href=\"\(SiteURL.Points.redemption(p.id!).path)\">\(p.goodsName) ×\(p.quantity)<br>\(req.t("出示核销码", "Show the code"))</a>"
        }
        return try await Layout(req: req, title: req.t("我的积分", "My points")).render("""
        <div class="big-actions"><div class="stat"><span class="muted">\(req.t("积分余额", "Balance"))</span><b>\(account.balance) \(req.t("分", "points"))</b></div>
        <a class="button big" href="\(SiteURL.Points.shop.path)">\(req.t("积分超市", "Points shop"))</a></div>
        \(family.count < 2 ? .empty : HTML("<p class=\"muted\">\(req.t("全家积分", "Household points"))：\(family.reduce(0) { $0 + $1.balance }) \(req.t("分", "points"))（\(family.map { "\($0.resident.name) \($0.balance)" }.joined(separator: "、"))）</p>"))
        \(waiting.isEmpty ? .empty : HTML("<h2>\(req.t("待领取的兑换", "Waiting to be collected"))</h2><div class=\"big-actions\">\(HTML(waiting))</div>"))
        <h2>\(req.t("积分明细", "Entries"))</h2>
        <ul class="tree passbook">\(rows.isEmpty ? ["<li class=\"muted\">\(req.t("还没有积分记录", "No entries yet"))</li>"] : rows)</ul>
        \(pager(req, total: total, page: page) { SiteURL.Points.passbook(page: $0).path })
        """).encodeResponse(for: req)
    }

    @Sendable static func shop(req: Request) async throws -> HTML {
        let (_, r) = try await resident(req)
        let service = PointsService(req: req)
        let community = try await service.community(of: r)
        let balance = try await service.account(of: r).balance
        let (goods, _) = try await SupermarketService(req: req).goods(at: community, activeOnly: true, page: PageRequest(page: 1, per: 100))
        let photos = try await GoodsPhotos.ids(of: goods.compactMap(\.id), on: req.db)
        let cards: [HTML] = goods.map { g in
            let affordable = g.pricePoints <= balance && g.stock > 0
            return """
            <form method="post" action="\(SiteURL.Points.redeem(goods: g.id!).path)" class="card goods">\(Form.csrf(req))
            \(GoodsPhotos.thumbnail(req, g, ids: photos[g.id!]))<h2>\(g.name)</h2>\(g.description.isEmpty ? .empty : HTML("<p>\(g.description)</p>"))\(g.donorName.map { HTML("<p class=\"muted\">\(req.t("\($0)捐赠", "Donated by \($0)"))</p>") } ?? .empty)
            <p><b>\(g.pricePoints) \(req.t("分", "points"))</b> · \(req.t("库存", "in stock")) \(g.stock)\
            \(g.monthlyLimit.map { n -> HTML in " · \(req.t("每月限兑 \(n) 件", "at most \(n) a month"))" } ?? .empty)</p>
            <input type="hidden" name="quantity" value="1"><input type="hidden" name="idempotencyKey" value="\(UUID().uuidString)">
            \(affordable ? HTML("<button class=\"button big\">\(req.t("兑换一件", "Redeem one"))</button>")
                : HTML("<p class=\"muted\">\(g.stock == 0 ? req.t("已兑完", "Sold out") : req.t("积分不足，还差 \(g.pricePoints - balance) 分", "\(g.pricePoints - balance) more points needed"))</p>"))
            </form>
            """
        }
        return Layout(req: req, title: req.t("积分超市", "Points shop")).render("""
        <div class="big-actions"><div class="stat"><span class="muted">\(req.t("我的积分", "My points"))</span><b>\(balance) \(req.t("分", "points"))</b></div>
        <a class="button big" href="\(SiteURL.Points.passbook(page: nil).path)">\(req.t("查看明细", "See entries"))</a></div>
        \(cards.isEmpty ? HTML("<p class=\"muted\">\(req.t("本社区暂无可兑换的商品", "Nothing on offer in your community yet"))</p>") : HTML(cards))
        """)
    }

    struct RedeemForm: Content { var quantity: String?; var idempotencyKey: String? }

    @Sendable static func redeem(req: Request) async throws -> Response {
        let (actor, _) = try await resident(req)
        let goodsID = try req.idParameter()
        let f = try req.content.decode(RedeemForm.self)
        do {
            let (r, _) = try await SupermarketService(req: req).redeem(goodsID: goodsID, quantity: f.quantity.flatMap(Double.init) ?? 1,
                                                                     idempotencyKey: f.idempotencyKey, by: actor)
            req.flash(req.t("已兑换 \(r.goodsName) ×\(r.quantity)，扣 \(r.points) 分，核销码 \(r.code)。请到社区出示此码领取。",
                            "Redeemed \(r.goodsName) ×\(r.quantity) for \(r.points) points, code \(r.code). Show this code at the community to collect."))
            return req.redirect(to: SiteURL.Points.redemption(r.id!).path)
        } catch let e as APIError where e.status.code < 500 {
            req.flash(req.words(e), kind: "error")
            return req.redirect(to: SiteURL.Points.shop.path)
        }
    }

    /// One redemption with its 核销码, large, and as a QR code for staff to scan.
    @Sendable static func redemption(req: Request) async throws -> HTML {
        let (_, resident) = try await resident(req)
        guard let r = try await PointsRedemption.find(try req.idParameter(), on: req.db), r.residentID == resident.id else { throw APIError.notFound }
        let state = r.redemptionState
        let qr = state == .pending ? (try? QRCode.encode(r.code).svg(moduleSize: 8, quietZone: 4, title: req.t("核销码 \(r.code)", "Code \(r.code)"))) : nil
        return Layout(req: req, title: req.t("兑换详情", "Redemption")).render("""
        <div class="card">
        <h2>\(r.goodsName) ×\(r.quantity)</h2>
        <p>\(req.t("积分", "Points"))：\(r.points) · \(req.t("状态", "State"))：<b>\(state.label(req.lang))</b></p>
        <div class="stat"><span class="muted">\(req.t("核销码", "Code"))</span><b>\(r.code)</b></div>
        \(qr.map { HTML("<div class=\"qr\">\(HTML(raw: $0))</div>") } ?? .empty)
        \(state == .pending ? HTML("<p class=\"muted\">\(req.t("到社区或商户处出示此码，工作人员扫码后即可领取。", "Show this code at the community or shop; staff scan it and hand over the goods."))</p>") : .empty)
        </div>
        \(state == .pending ? HTML("""
        <form method="post" action="\(SiteURL.Points.cancel(r.id!).path)">\(Form.csrf(req))
        <button class="button big secondary">\(req.t("取消兑换（积分退回）", "Cancel (points return)"))</button></form>
        """) : .empty)
        <p><a class="button big" href="\(SiteURL.Points.passbook(page: nil).path)">\(req.t("返回我的积分", "Back to my points"))</a></p>
        """)
    }

    @Sendable static func cancel(req: Request) async throws -> Response {
        let (actor, resident) = try await resident(req)
        guard let r = try await PointsRedemption.find(try req.idParameter(), on: req.db), r.residentID == resident.id else { throw APIError.notFound }
        do {
            try await SupermarketService(req: req).cancel(r, by: actor)
            req.flash(req.t("已取消兑换 \(r.goodsName)，\(r.points) 分已退回", "Cancelled \(r.goodsName); \(r.points) points returned"))
        } catch let e as APIError where e.status.code < 500 {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: SiteURL.Points.passbook(page: nil).path)
    }
}

extension PointsEntryKind {
    func label(_ req: Request) -> String { req.t(zh, en) }
}
