import Fluent
import JingzhiCore
import Vapor

/// The staff's points pages: goods and stock, collecting redemptions by their 核销码, and awarding points.
enum PointsStaffPages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Points.Pattern
        staff.get(P.goods, use: goods)
        staff.post(P.goods, use: createGoods)
        staff.get(P.editGoods, use: editGoods)
        staff.post(P.editGoods, use: saveGoods)
        staff.get(P.collect, use: collectPage)
        staff.post(P.collect, use: collect)
        staff.get(P.award, use: awardPage)
        staff.post(P.award, use: award)
        staff.get(P.report, use: report)
        staff.get(P.export, use: export)
    }

    static func staff(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        try PointsService.requireStaff(actor)
        return actor
    }

    /// Runs a form's action: its words on success, the error in words otherwise; then back to `back`.
    static func attempt(_ req: Request, back: String, _ body: () async throws -> String) async throws -> Response {
        do {
            req.flash(try await body())
        } catch let e as APIError where e.status.code < 500 {
            req.flash(req.words(e), kind: "error")
        }
        return req.redirect(to: back)
    }

    /// The communities in the staff member's scope, for the goods form.
    static func communities(_ actor: Actor, on db: any Database) async throws -> [OrgNode] {
        try await OrgNode.query(on: db).filter(\.$kindRaw == NodeKind.community.rawValue).within(actor.scope).sort(\.$path).limit(200).all()
    }

    static func goodsFields(_ req: Request, _ g: PointsGoods?, donors: [Partner] = []) -> HTML {
        """
        \(Form.select(req.t("来源", "Source"), name: "donor", options: donors.map { ($0.id!.uuidString, req.t("\($0.name)捐赠", "Donated by \($0.name)")) },
                      selected: g?.donorPartnerID?.uuidString ?? "", includeBlank: req.t("社区采购", "Bought by the community")))
        \(Form.field(req.t("名称", "Name"), name: "name", value: g?.name, required: true))
        \(Form.field(req.t("说明", "Description"), name: "description", value: g?.description))
        \(Form.field(req.t("兑换积分", "Price in points"), name: "pricePoints", value: g.map { String($0.pricePoints) }, type: "number", required: true, attrs: "min=\"1\" step=\"1\""))
        \(Form.field(req.t("库存", "Stock"), name: "stock", value: g.map { String($0.stock) } ?? "0", type: "number", required: true, attrs: "min=\"0\" step=\"1\""))
        \(Form.field(req.t("每人每月限兑（0 为不限）", "Monthly limit per resident (0: none)"), name: "monthlyLimit", value: String(g?.monthlyLimit ?? 0), type: "number", attrs: "min=\"0\" step=\"1\""))
        """
    }

    @Sendable static func goods(req: Request) async throws -> HTML {
        let actor = try staff(req)
        let items = try await PointsGoods.query(on: req.db).within(actor.scope).sort(\.$nodePath).sort(\.$name).limit(500).all()
        let communities = try await communities(actor, on: req.db)
        let names = Dictionary(communities.map { ($0.id!, $0.name) }) { a, _ in a }
        let donors = try await PartnerService(req: req).partners(serving: communities.map(\.path))
        let rows: [HTML] = items.map { g in """
            <tr><td data-label="\(req.t("商品", "Goods"))"><a href="\(SiteURL.Points.editGoods(g.id!).path)">\(g.name)</a>\(g.active ? .empty : HTML(" <span class=\"muted\">(\(req.t("已下架", "off sale")))</span>"))</td>
            <td data-label="\(req.t("社区", "Community"))">\(names[g.communityID] ?? "")</td>
            <td data-label="\(req.t("来源", "Source"))">\(g.donorName.map { req.t("\($0)捐赠", "Donated by \($0)") } ?? req.t("社区采购", "Bought"))</td>
            <td data-label="\(req.t("积分", "Points"))">\(g.pricePoints)</td><td data-label="\(req.t("库存", "Stock"))">\(g.stock)</td>
            <td data-label="\(req.t("每月限兑", "Monthly limit"))">\(g.monthlyLimit.map(String.init) ?? "—")</td></tr>
            """ }
        return Layout(req: req, title: req.t("积分超市商品", "Points shop goods"), wide: true).render("""
        <p class="actions"><a href="\(SiteURL.Points.collect(code: nil).path)">\(req.t("核销兑换", "Collect redemptions"))</a> · <a href="\(SiteURL.Points.award(query: nil).path)">\(req.t("发放积分", "Award points"))</a>
        · <a href="\(SiteURL.Points.report(month: nil).path)">\(req.t("每月积分统计", "Points per month"))</a></p>
        <table class="list"><thead><tr><th>\(req.t("商品", "Goods"))</th><th>\(req.t("社区", "Community"))</th><th>\(req.t("来源", "Source"))</th><th>\(req.t("积分", "Points"))</th><th>\(req.t("库存", "Stock"))</th><th>\(req.t("每月限兑", "Monthly limit"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("暂无商品", "No goods yet"))</td></tr>"] : rows)</tbody></table>
        <form method="post" action="\(SiteURL.Points.goods.path)" class="card">\(Form.csrf(req))<h2>\(req.t("上架新商品", "Offer new goods"))</h2>
        \(Form.select(req.t("社区", "Community"), name: "node", options: communities.map { ($0.id!.uuidString, $0.name) }, selected: nil, required: true))
        \(goodsFields(req, nil, donors: donors))
        <button>\(req.t("上架", "Offer"))</button></form>
        """)
    }

    struct GoodsForm: Content {
        var node: String?
        var name: String?
        var description: String?
        var pricePoints: String?
        var stock: String?
        var monthlyLimit: String?
        var active: String?
        var donor: String?

        var input: GoodsInput {
            GoodsInput(name: name, description: description ?? "", pricePoints: pricePoints.flatMap(Double.init),
                       stock: stock.flatMap(Double.init), monthlyLimit: monthlyLimit.flatMap(Double.init) ?? 0, active: active.map { $0 == "1" },
                       donor: donor ?? "")
        }
    }

    @Sendable static func createGoods(req: Request) async throws -> Response {
        let actor = try staff(req)
        let f = try req.content.decode(GoodsForm.self)
        return try await attempt(req, back: SiteURL.Points.goods.path) {
            let community = try await OrgService(req: req).node(f.node ?? "", within: actor.scope, field: "node")
            let g = try await SupermarketService(req: req).create(f.input, community: community, by: actor)
            return req.t("已上架 \(g.name)，\(g.pricePoints) 分，库存 \(g.stock)", "Offered \(g.name) for \(g.pricePoints) points, \(g.stock) in stock")
        }
    }

    @Sendable static func editGoods(req: Request) async throws -> HTML {
        let actor = try staff(req)
        let g = try await PointsGoods.find(try req.idParameter(), within: actor.scope, on: req.db)
        let donors = try await PartnerService(req: req).partners(serving: [g.nodePath])
        let photos = try await GoodsPhotos.manage(req, g)
        return Layout(req: req, title: g.name).render("""
        <form method="post" action="\(SiteURL.Points.editGoods(g.id!).path)" class="card">\(Form.csrf(req))
        \(goodsFields(req, g, donors: donors))
        \(Form.select(req.t("状态", "State"), name: "active", options: [("1", req.t("在售", "on sale")), ("0", req.t("下架", "off sale"))], selected: g.active ? "1" : "0"))
        <button>\(req.t("保存", "Save"))</button></form>
        \(photos)
        <p><a href="\(SiteURL.Points.goods.path)">\(req.t("返回商品列表", "Back to goods"))</a></p>
        """)
    }

    @Sendable static func saveGoods(req: Request) async throws -> Response {
        let actor = try staff(req)
        let g = try await PointsGoods.find(try req.idParameter(), within: actor.scope, on: req.db)
        let f = try req.content.decode(GoodsForm.self)
        return try await attempt(req, back: SiteURL.Points.editGoods(g.id!).path) {
            try await SupermarketService(req: req).update(g, with: f.input, by: actor)
            return req.t("已保存 \(g.name)：\(g.pricePoints) 分，库存 \(g.stock)", "Saved \(g.name): \(g.pricePoints) points, \(g.stock) in stock")
        }
    }

    /// Pending redemptions in scope, and a field for the 核销码 (a scanner types it in).
    @Sendable static func collectPage(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        guard RedemptionParty(actor.role).map({ $0 != .resident }) == true else { throw APIError.forbidden }
        let code = try req.query.get(String?.self, at: "code")?.uppercased()
        let q = PointsRedemption.query(on: req.db).within(actor.scope).filter(\.$state == RedemptionState.pending.rawValue)
        if let code, !code.isEmpty { q.filter(\.$code == code) }
        let pending = try await q.sort(\.$createdAt, .descending).limit(100).all()
        let rows: [HTML] = pending.map { r in """
            <tr><td data-label="\(req.t("核销码", "Code"))"><b>\(r.code)</b></td><td data-label="\(req.t("商品", "Goods"))">\(r.goodsName) ×\(r.quantity)</td>
            <td data-label="\(req.t("积分", "Points"))">\(r.points)</td><td data-label="\(req.t("兑换时间", "Redeemed"))">\(ShanghaiTime.format(r.createdAt))</td>
            <td><form method="post" action="\(SiteURL.Points.collect(code: nil).path)">\(Form.csrf(req))<input type="hidden" name="code" value="\(r.code)">
            <button>\(req.t("确认领取", "Hand over"))</button></form></td></tr>
            """ }
        return Layout(req: req, title: req.t("核销兑换", "Collect redemptions"), wide: true).render("""
        <form method="post" action="\(SiteURL.Points.collect(code: nil).path)" class="card">\(Form.csrf(req))
        \(Form.field(req.t("核销码（扫码或输入）", "Code (scan or type)"), name: "code", value: code, required: true, attrs: "autocomplete=\"off\" autofocus"))
        <button class="button big">\(req.t("核销", "Collect"))</button></form>
        <h2>\(req.t("待领取", "Waiting to be collected"))</h2>
        <table class="list"><thead><tr><th>\(req.t("核销码", "Code"))</th><th>\(req.t("商品", "Goods"))</th><th>\(req.t("积分", "Points"))</th><th>\(req.t("兑换时间", "Redeemed"))</th><th></th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"5\" class=\"muted\">\(req.t("没有待领取的兑换", "Nothing waiting"))</td></tr>"] : rows)</tbody></table>
        """)
    }

    struct CodeForm: Content { var code: String? }

    @Sendable static func collect(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let code = (try req.content.decode(CodeForm.self).code ?? "").trimmingCharacters(in: .whitespaces).uppercased()
        return try await attempt(req, back: SiteURL.Points.collect(code: nil).path) {
            guard !code.isEmpty, let r = try await PointsRedemption.query(on: req.db).filter(\.$code == code).within(actor.scope).first() else {
                throw APIError(.notFound, code: "unknown_code", req.t("核销码 \(code) 不存在或不在您的管辖范围", "No redemption with code \(code) in your area"))
            }
            try await SupermarketService(req: req).collect(r, by: actor)
            return req.t("已核销 \(code)：\(r.goodsName) ×\(r.quantity)，请交付商品", "Collected \(code): hand over \(r.goodsName) ×\(r.quantity)")
        }
    }

    /// Find a resident in scope by name or phone, then award with a reason.
    @Sendable static func awardPage(req: Request) async throws -> HTML {
        let actor = try staff(req)
        let q = try req.query.get(String?.self, at: "q")?.trimmingCharacters(in: .whitespaces)
        var found: [(Resident, Household)] = []
        if let q, !q.isEmpty {
            found = try await ResidentService(req: req).list(ResidentQuery(q: q, searchIDTails: actor.role.seesFullIDNumber), scope: actor.scope,
                                                             page: PageRequest(page: 1, per: 20)).items
        }
        let forms: [HTML] = found.map { r, h in """
            <form method="post" action="\(SiteURL.Points.award(query: nil).path)" class="card">\(Form.csrf(req))
            <h2>\(r.name) <small class="muted">\(h.address)</small></h2>
            <input type="hidden" name="residentId" value="\(r.id!.uuidString)"><input type="hidden" name="idempotencyKey" value="\(UUID().uuidString)">
            \(Form.field(req.t("积分", "Points"), name: "points", type: "number", required: true, attrs: "min=\"1\" max=\"\(PointsService.maxAward)\" step=\"1\""))
            \(Form.field(req.t("事由", "Reason"), name: "reason", required: true, hint: req.t("如：参加楼道清扫志愿活动", "e.g. took part in the stairwell clean-up")))
            <button>\(req.t("发放", "Award"))</button></form>
            <form method="post" action="\(SiteURL.Points.donation.path)" class="card">\(Form.csrf(req))
            <input type="hidden" name="residentId" value="\(r.id!.uuidString)"><input type="hidden" name="idempotencyKey" value="\(UUID().uuidString)">
            \(Form.field(req.t("公益捐赠（按社区规则计分）", "A charitable donation (points by the community's rule)"), name: "description", required: true,
                         hint: req.t("如：捐赠旧衣物 10 件", "e.g. 10 pieces of used clothing")))
            <button class="secondary">\(req.t("记录捐赠", "Record the donation"))</button></form>
            """ }
        let none: HTML = (q ?? "").isEmpty || !found.isEmpty ? .empty
            : "<p class=\"muted\">\(req.t("没有找到「\(q ?? "")」", "No resident matches “\(q ?? "")”"))</p>"
        return Layout(req: req, title: req.t("发放积分", "Award points")).render("""
        <form method="get" action="\(SiteURL.Points.award(query: nil).path)" class="card">
        \(Form.field(req.t("查找居民（姓名或电话）", "Find a resident (name or phone)"), name: "q", value: q, required: true))
        <button>\(req.t("查找", "Find"))</button></form>
        \(none)
        \(HTML(forms))
        """)
    }

    struct AwardForm: Content { var residentId: String?; var points: String?; var reason: String?; var idempotencyKey: String? }

    @Sendable static func award(req: Request) async throws -> Response {
        let actor = try staff(req)
        let f = try req.content.decode(AwardForm.self)
        return try await attempt(req, back: SiteURL.Points.award(query: nil).path) {
            let points = try f.points.map { raw -> Double in
                guard let d = Double(raw) else { throw APIError(.badRequest, code: "invalid_points", req.t("积分须为整数", "Points must be a whole number"), field: "points") }
                return d
            }
            let service = PointsService(req: req)
            let (e, created) = try await service.award(residentID: f.residentId.flatMap(UUID.init(uuidString:)), points: points, reason: f.reason,
                                                       sourceRef: nil, idempotencyKey: f.idempotencyKey, by: actor)
            let r = try await service.resident(f.residentId.flatMap(UUID.init(uuidString:)), within: actor.scope)
            let balance = try await service.account(of: r).balance
            return created ? req.t("已为 \(r.name) 发放 \(e.points) 分（\(e.reason)），余额 \(balance) 分", "Awarded \(e.points) points to \(r.name) (\(e.reason)); balance \(balance)")
                : req.t("这笔积分已发放过，未重复发放；\(r.name) 余额 \(balance) 分", "Already awarded, not paid twice; \(r.name) has \(balance) points")
        }
    }

    /// The month's points per community in scope: issued and spent, with a CSV of the same.
    @Sendable static func report(req: Request) async throws -> HTML {
        let actor = try staff(req)
        let month = try ShanghaiTime.parseMonth(try req.query.get(String?.self, at: "month") ?? ShanghaiTime.currentMonth(req.now))
        let rows = try await PointsReport.month(month, scope: actor.scope, on: req.db)
        let body: [HTML] = rows.map { r in """
            <tr><td data-label="\(req.t("社区", "Community"))">\(r.community.name)</td>
            <td data-label="\(req.t("净发放", "Issued"))">\(r.issued)</td><td data-label="\(req.t("净兑换", "Spent"))">\(r.spent)</td>
            <td data-label="\(req.t("冲正", "Reversed"))">\(r.points(.reversal))</td><td data-label="\(req.t("退回", "Returned"))">\(r.points(.refund))</td>
            <td data-label="\(req.t("过期", "Expired"))">\(r.points(.expiry))</td></tr>
            """ }
        return Layout(req: req, title: req.t("每月积分统计", "Points per month"), wide: true).render("""
        <form method="get" action="\(SiteURL.Points.report(month: nil).path)" class="actions">
        \(Form.field(req.t("月份", "Month"), name: "month", value: month, type: "month", required: true))<button>\(req.t("查看", "Show"))</button>
        <a href="\(SiteURL.Points.export(month: month).path)">\(req.t("导出 CSV", "Export CSV"))</a></form>
        <table class="list"><thead><tr><th>\(req.t("社区", "Community"))</th><th>\(req.t("净发放", "Issued"))</th><th>\(req.t("净兑换", "Spent"))</th>
        <th>\(req.t("冲正", "Reversed"))</th><th>\(req.t("退回", "Returned"))</th><th>\(req.t("过期", "Expired"))</th></tr></thead>
        <tbody>\(body.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("范围内没有社区", "No community in your area"))</td></tr>"] : body)</tbody></table>
        <p class="muted">\(req.t("净发放 = 发放 − 冲正；净兑换 = 兑换 − 取消或过期退回的积分。", "Issued = awards − reversals; spent = redemptions − points returned by cancelled or expired ones."))</p>
        """)
    }

    @Sendable static func export(req: Request) async throws -> Response {
        let actor = try staff(req)
        let month = try ShanghaiTime.parseMonth(try req.query.get(String?.self, at: "month"))
        let rows = try await PointsReport.month(month, scope: actor.scope, on: req.db)
        return Response.csv(PointsReport.csv(rows, month: month), filename: "points-\(month).csv")
    }
}
