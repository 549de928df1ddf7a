import Fluent
import JingzhiCore
import Vapor

/// The resident's phone pages: my bills and payments, my compound's company with its stars and contact, pay online,
/// report a repair, rate the company. And the public red/black list.
enum ResidentPropertyPages {
    static func register(web: any RoutesBuilder, staff: any RoutesBuilder) {
        typealias P = SiteURL.Property.Pattern
        staff.get(P.mine, use: mine)
        staff.post(P.payMine, use: pay)
        staff.post(P.rate, use: rate)
        web.get(P.ratings, use: ratings)
        staff.post(P.publishRatings, use: publish)
    }

    @Sendable static func mine(req: Request) async throws -> HTML {
        let actor = try req.requireActor()
        guard actor.role == .resident else { throw APIError.forbidden }
        guard let (h, compound, contract) = try await InspectionService.home(of: actor, on: req.db, now: req.now) else {
            return Layout(req: req, title: req.t("我的物业", "My property")).render("""
            <p class="card">\(req.t("请先完成住户认证，才能查看账单。", "Link your account to your household to see your bills."))</p>
            """)
        }
        let company = try await contract?.companyID.asyncMap { try await PropertyCompany.find($0, on: req.db) } ?? nil
        let stars = try await company.asyncMap { try await RatingsAPI.latestStars(of: $0, on: req.db) } ?? nil
        let bills = try await PropertyBill.query(on: req.db).filter(\.$householdID == h.id!).sort(\.$period, .descending).limit(36).all()
        let payments = try await PropertyPayment.query(on: req.db).filter(\.$householdID == h.id!).sort(\.$at, .descending).limit(36).all()
        let owing = bills.filter { $0.owedFen > 0 }
        let today = ShanghaiTime.today(req.now)
        // Which month each payment paid, with bills older than the list read by id.
        let missing = Set(payments.map(\.billID)).subtracting(bills.compactMap(\.id))
        let older = missing.isEmpty ? [] : try await PropertyBill.query(on: req.db).filter(\.$id ~~ Array(missing)).all()
        let paidFor = Dictionary((bills + older).map { ($0.id!, "\($0.period) \($0.itemName)") }) { a, _ in a }
        let starsText = stars.map { String(repeating: "★", count: $0.stars) + String(repeating: "☆", count: 5 - $0.stars) + "（\($0.month)）" }
            ?? req.t("暂无评定", "not yet rated")
        let companyCard: HTML = company.map { c in """
            <div class="card"><h2>\(c.name)</h2><dl class="props">
              <dt>\(req.t("星级", "Stars"))</dt><dd>\(starsText)</dd>
              <dt>\(req.t("联系人", "Contact"))</dt><dd>\(c.contactName)</dd>
              <dt>\(req.t("电话", "Phone"))</dt><dd><a href="tel:\(c.contactPhone)">\(c.contactPhone)</a></dd>
              <dt>\(req.t("服务模式", "Model"))</dt><dd>\(contract.map { PropertyLabel.model($0.model, req.lang) } ?? "")</dd>
            </dl><a class="button" href="\(SiteURL.Property.ratings(month: nil).path)">\(req.t("查看物业红黑榜", "See the red/black list"))</a></div>
            """ } ?? "<p class=\"card\">\(req.t("您的小区目前没有物业企业，由社区兜底服务。", "No company serves your compound; the community looks after it."))</p>"
        return Layout(req: req, title: req.t("我的物业", "My property")).render("""
        <p class="muted">\(h.address)</p>
        \(companyCard)
        <div class="actions"><a class="button" href="\(SiteURL.Cases.new(node: compound.id!, category: PropertyCatalog.serviceCategory).path)">\(req.t("我要报修", "Report a repair"))</a></div>
        <h2>\(req.t("待缴账单", "Bills to pay"))</h2>
        <p class="muted">\(req.t("暂未接入线上支付：请先通过微信、支付宝或银行转账缴费，再在这里填写交易单号登记，物业核对后生效。", "Online payment is not connected yet: pay by WeChat, Alipay or bank transfer, then record the transaction number here for the company to check."))</p>
        \(owing.isEmpty ? HTML("<p class=\"muted\">\(req.t("没有待缴账单", "Nothing to pay"))</p>") : HTML(owing.map { b -> HTML in """
            <form method="post" action="\(SiteURL.Property.payMine(b.id!).path)" class="card">\(Form.csrf(req))
            <p><b>\(b.period) \(b.itemName)</b>\(b.dueDay < today ? HTML(" <b class=\"error\">\(req.t("逾期", "overdue"))</b>") : .empty)：\(req.t("应缴", "billed")) \(Money.yuan(b.amountFen))，\(req.t("欠缴", "owed")) <b>\(Money.yuan(b.owedFen))</b> \(req.t("元", "yuan"))，\(req.t("截止", "due")) \(b.dueDay)</p>
            \(Form.field(req.t("缴费金额（元）", "Amount (yuan)"), name: "amountYuan", value: Money.yuan(b.owedFen), attrs: "inputmode=\"decimal\""))
            \(Form.field(req.t("支付流水号", "Payment reference"), name: "reference", required: true, hint: req.t("微信/支付宝/银行的交易单号", "The transaction number of your payment")))
            <button>\(req.t("缴费", "Pay"))</button></form>
            """ }))
        <h2>\(req.t("缴费记录", "My payments"))</h2>
        <ul class="tree">\(payments.isEmpty ? ["<li class=\"muted\">\(req.t("暂无", "None yet"))</li>"] : payments.map { p -> HTML in
            "<li><span>\(paidFor[p.billID] ?? "") · \(Money.yuan(p.amountFen)) \(req.t("元", "yuan")) · \(PropertyPayment.methods[p.method] ?? p.method) · \(p.receiptNo)</span><span class=\"muted\">\(ShanghaiTime.format(p.at))</span></li>"
        })</ul>
        \(company == nil ? .empty : HTML("""
        <form method="post" action="\(SiteURL.Property.rate.path)" class="card">\(Form.csrf(req))<h2>\(req.t("评价本月物业服务", "Rate this month's service"))</h2>
        \(Form.select(req.t("星级", "Stars"), name: "stars", options: (1...5).reversed().map { (String($0), String(repeating: "★", count: $0)) }, selected: "5"))
        \(Form.textarea(req.t("意见建议（可选）", "Comment (optional)"), name: "comment"))
        <button>\(req.t("提交评价", "Rate"))</button></form>
        """))
        """)
    }

    struct PayForm: Content { var amountYuan: String?; var reference: String? }

    @Sendable static func pay(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let bill = try await FeesAPI.loadBill(req, actor)
        let f = try req.content.decode(PayForm.self)
        return try await PropertyPages.attempt(req, back: SiteURL.Property.mine.path) {
            let fen = try Money.parseYuan(f.amountYuan, field: "amountYuan")
            let p = try await FeeService(req: req).pay(bill, amountFen: Double(fen), method: "online", reference: f.reference, by: actor)
            return req.t("缴费成功，收据号 \(p.receiptNo)", "Paid, receipt \(p.receiptNo)")
        }
    }

    struct RateForm: Content { var stars: String?; var comment: String? }

    @Sendable static func rate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(RateForm.self)
        return try await PropertyPages.attempt(req, back: SiteURL.Property.mine.path) {
            _ = try await InspectionService(req: req).rate(by: actor, stars: f.stars.flatMap(Double.init), comment: f.comment)
            return req.t("感谢您的评价", "Thank you for rating")
        }
    }

    /// The public red/black list of a month (the latest published one by default), with each company's numbers.
    @Sendable static func ratings(req: Request) async throws -> HTML {
        let county = try await RatingsAPI.county(req)
        var month = try req.query.get(String?.self, at: "month").flatMap { $0.isEmpty ? nil : $0 }
        if month == nil {
            month = try await RatingMonth.query(on: req.db).filter(\.$countyPath == county.path).sort(\.$month, .descending).first()?.month
                ?? ShanghaiTime.month(ShanghaiTime.currentMonth(req.now), plus: -1)
        }
        let m = try ShanghaiTime.parseMonth(month)
        let dto = try await RatingService(db: req.db, now: req.now).month(county: county, month: m)
        func pct(_ f: RatingInputs.Fraction) -> String { f.den == 0 ? "—" : String(format: "%.1f%%", Double(f.num) * 100 / Double(f.den)) }
        let rows: [HTML] = dto.companies.map { l in
            let i = l.inputs
            let list: HTML = l.list == "red" ? "<b class=\"ok\">\(req.t("红榜", "red"))</b>" : (l.list == "black" ? "<b class=\"error\">\(req.t("黑榜", "black"))</b>" : .empty)
            return """
            <tr><td data-label="\(req.t("名次", "Rank"))">\(l.rank)</td><td data-label="\(req.t("企业", "Company"))">\(l.name) \(list)</td>
            <td data-label="\(req.t("得分", "Score"))">\(l.score.map { String(format: "%.1f", $0) } ?? "—")</td>
            <td data-label="\(req.t("星级", "Stars"))">\(String(repeating: "★", count: l.stars))</td>
            <td data-label="\(req.t("满意率", "Satisfaction"))">\(pct(i.satisfaction))</td><td data-label="\(req.t("按时办结", "On time"))">\(pct(i.onTime))</td>
            <td data-label="\(req.t("投诉/百户", "Complaints/100"))">\(i.households == 0 ? "—" : String(format: "%.2f", Double(i.complaints) * 100 / Double(i.households)))</td>
            <td data-label="\(req.t("收缴率", "Collection"))">\(i.billedFen == 0 ? "—" : String(format: "%.1f%%", Double(i.collectedFen) * 100 / Double(i.billedFen)))</td>
            <td data-label="\(req.t("检查得分", "Inspection"))">\(i.inspectionMax == 0 ? "—" : "\(i.inspectionPoints)/\(i.inspectionMax)")</td>
            <td data-label="\(req.t("居民评价", "Residents"))">\(i.ratings == 0 ? "—" : String(format: "%.1f★ (%d)", Double(i.ratingStars) / Double(i.ratings), i.ratings))</td></tr>
            """
        }
        let admin = req.actor?.role == .admin && !dto.published && m < ShanghaiTime.currentMonth(req.now)
        return Layout(req: req, title: req.t("\(county.name) \(m) 物业服务红黑榜", "\(county.name) \(m) property red/black list"), wide: true).render("""
        <form method="get" action="\(SiteURL.Property.ratings(month: nil).path)" class="actions">\(Form.field(req.t("月份", "Month"), name: "month", value: m, type: "month"))<button>\(req.t("查看", "Show"))</button></form>
        <p class="\(dto.published ? "ok" : "muted")">\(dto.published ? req.t("已发布", "Published") + " " + (dto.publishedAt.map { ShanghaiTime.format($0) } ?? "") : req.t("未发布（按当前数据试算）", "Not published (computed from today's data)"))</p>
        <div class="stats"><div class="stat"><span class="muted">\(req.t("红榜", "Red list"))</span><b>\(dto.red.joined(separator: req.t("、", ", ")))</b></div>
        <div class="stat"><span class="muted">\(req.t("黑榜", "Black list"))</span><b>\(dto.black.joined(separator: req.t("、", ", ")))</b></div></div>
        <div class="table-wrap"><table class="stack"><thead><tr><th>\(req.t("名次", "Rank"))</th><th>\(req.t("企业", "Company"))</th><th>\(req.t("得分", "Score"))</th>
        <th>\(req.t("星级", "Stars"))</th><th>\(req.t("满意率", "Satisfaction"))</th><th>\(req.t("按时办结", "On time"))</th><th>\(req.t("投诉/百户", "Complaints/100"))</th>
        <th>\(req.t("收缴率", "Collection"))</th><th>\(req.t("检查得分", "Inspection"))</th><th>\(req.t("居民评价", "Residents"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"10\" class=\"muted\">\(req.t("本月无数据", "No data for this month"))</td></tr>"] : rows)</tbody></table></div>
        <p class="muted">\(req.t("评分办法：响应、解决、满意、按时办结率，每百户投诉，物业费收缴率，社区检查得分，居民评价，按权重计 100 分；≥90 分五星。", "Score: case rates, complaints per 100 households, fee collection, inspections and residents' ratings, weighted to 100; 90 or more is five stars."))</p>
        \(admin ? HTML("""
        <form method="post" action="\(SiteURL.Property.publishRatings.path)" class="card">\(Form.csrf(req))<input type="hidden" name="month" value="\(m)">
        <button>\(req.t("发布本月红黑榜", "Publish this month"))</button></form>
        """) : .empty)
        """)
    }

    struct PublishForm: Content { var month: String? }

    @Sendable static func publish(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let f = try req.content.decode(PublishForm.self)
        return try await PropertyPages.attempt(req, back: SiteURL.Property.ratings(month: f.month).path) {
            try PropertyPolicy.requireCounty(actor)
            _ = try await RatingService(db: req.db, now: req.now).publish(county: try await RatingsAPI.county(req), month: try ShanghaiTime.parseMonth(f.month),
                                                                          source: req.auditSource)
            return req.t("已发布", "Published")
        }
    }
}
