import Fluent
import JingzhiCore
import Vapor

/// Staff pages for fees: bills with filters and the CSV, one bill with its payments (pay, reverse), collection rates.
enum FeePages {
    static func register(_ staff: any RoutesBuilder) {
        typealias P = SiteURL.Property.Pattern
        staff.get(P.bills, use: bills)
        staff.get(P.billsCSV, use: csv)
        staff.get(P.billsXLSX, use: csv)
        staff.get(P.bill, use: bill)
        staff.post(P.pay, use: pay)
        staff.post(P.reverse, use: reverse)
        staff.get(P.collection, use: collection)
        staff.get(P.collectionXLSX, use: collectionXLSX)
    }

    static func reader(_ req: Request) throws -> Actor {
        let actor = try req.requireActor()
        try PropertyPolicy.requireFeeReader(actor)
        return actor
    }

    static func state(_ req: Request, _ b: PropertyBill) -> String {
        b.state == .cancelled ? b.state.label(req.lang) : (b.owedFen == 0 ? req.t("已缴清", "paid") : (b.paidFen > 0 ? req.t("部分缴纳", "part paid") : req.t("未缴", "unpaid")))
    }

    @Sendable static func bills(req: Request) async throws -> HTML {
        let actor = try reader(req)
        let page = try PageRequest(req)
        let compound = try req.query.get(String?.self, at: "compound") ?? ""
        let period = try req.query.get(String?.self, at: "period") ?? ""
        let owing = try req.query.get(String?.self, at: "owing") == "1"
        var q = PropertyBill.query(on: req.db).within(actor.scope).ofCompany(try await PropertyScope.feeCompany(of: actor, on: req.db))
        if let id = UUID(uuidString: compound) { q = q.filter(\.$compoundID == id) }
        if !period.isEmpty { q = q.filter(\.$period == (try ShanghaiTime.parseMonth(period, field: "period"))) }
        if owing { q = q.filter(\.$status == BillState.open.rawValue).filter(.sql(unsafeRaw: "paid_fen < amount_fen")) }
        let total = try await q.count()
        let rows = try await q.sort(\.$period, .descending).sort(\.$nodePath).range(page.range).all()
        let addresses = Dictionary(try await Household.query(on: req.db).filter(\.$id ~~ Set(rows.map(\.householdID))).all().map { ($0.id!, $0.address) }) { a, _ in a }
        let params = [("compound", compound), ("period", period), ("owing", owing ? "1" : "")]
        return Layout(req: req, title: req.t("账单与缴费", "Bills and payments"), wide: true).render("""
        <form method="get" action="\(SiteURL.Property.bills(query: []).path)" class="actions"><input type="hidden" name="compound" value="\(compound)">
        \(Form.field(req.t("账期", "Period"), name: "period", value: period, type: "month"))
        <label class="field"><span>\(req.t("只看欠费", "Owing only"))</span><input type="checkbox" name="owing" value="1"\(HTML(raw: owing ? " checked" : ""))></label>
        <button>\(req.t("筛选", "Filter"))</button> <a href="\(SiteURL.Property.billsCSV(query: params).path)">\(req.t("导出 CSV", "Export CSV"))</a> <a href="\(SiteURL.Property.billsXLSX(query: params).path)">\(req.t("导出 Excel", "Export Excel"))</a></form>
        <div class="table-wrap"><table class="stack"><thead><tr><th>\(req.t("住址", "Address"))</th><th>\(req.t("账期", "Period"))</th><th>\(req.t("项目", "Item"))</th>
        <th>\(req.t("应缴(元)", "Billed"))</th><th>\(req.t("已缴(元)", "Paid"))</th><th>\(req.t("状态", "State"))</th></tr></thead>
        <tbody>\(rows.isEmpty ? ["<tr><td colspan=\"6\" class=\"muted\">\(req.t("没有账单", "No bills"))</td></tr>"] : rows.map { b -> HTML in
            """
            <tr><td data-label="\(req.t("住址", "Address"))"><a href="\(SiteURL.Property.bill(b.id!).path)">\(addresses[b.householdID] ?? "")</a></td>
            <td data-label="\(req.t("账期", "Period"))">\(b.period)</td><td data-label="\(req.t("项目", "Item"))">\(b.itemName)</td>
            <td data-label="\(req.t("应缴(元)", "Billed"))">\(Money.yuan(b.amountFen))</td><td data-label="\(req.t("已缴(元)", "Paid"))">\(Money.yuan(b.paidFen))</td>
            <td data-label="\(req.t("状态", "State"))">\(state(req, b))</td></tr>
            """
        })</tbody></table></div>
        \(pager(req, total: total, page: page) { SiteURL.Property.bills(query: params + [("page", String($0))]).path })
        """)
    }

    /// The same file as `GET /api/v1/property/bills/export`, for the page's download link.
    @Sendable static func csv(req: Request) async throws -> Response { try await FeesAPI.export(req: req) }

    @Sendable static func bill(req: Request) async throws -> HTML {
        let actor = try reader(req)
        let b = try await PropertyBill.find(try req.idParameter(), within: actor.scope, on: req.db)
        if let mine = try await PropertyScope.feeCompany(of: actor, on: req.db), b.companyID != mine { throw APIError.notFound }
        let household = try await Household.find(b.householdID, on: req.db)
        let payments = try await PropertyPayment.query(on: req.db).filter(\.$billID == b.id!).sort(\.$at).all()
        let mayBill = (try? await PropertyPolicy.requireBilling(actor, company: b.companyID, on: req.db)) != nil
        return Layout(req: req, title: "\(household?.address ?? "") · \(b.period) \(b.itemName)").render("""
        <div class="card"><dl class="props">
          <dt>\(req.t("应缴", "Billed"))</dt><dd>\(Money.yuan(b.amountFen)) \(req.t("元", "yuan"))</dd>
          <dt>\(req.t("已缴", "Paid"))</dt><dd>\(Money.yuan(b.paidFen)) \(req.t("元", "yuan"))</dd>
          <dt>\(req.t("欠缴", "Owed"))</dt><dd><b>\(Money.yuan(b.owedFen))</b> \(req.t("元", "yuan"))</dd>
          <dt>\(req.t("截止日", "Due"))</dt><dd>\(b.dueDay)</dd><dt>\(req.t("状态", "State"))</dt><dd>\(state(req, b))</dd>
        </dl></div>
        <h2>\(req.t("缴费记录", "Payments"))</h2>
        <ul class="tree">\(payments.isEmpty ? ["<li class=\"muted\">\(req.t("暂无", "None yet"))</li>"] : payments.map { p -> HTML in
            let undo: HTML = mayBill && p.amountFen > 0 && p.reversedByID == nil ? """
            <form method="post" action="\(SiteURL.Property.reverse(payment: p.id!).path)" class="inline">\(Form.csrf(req))
            <input name="reason" placeholder="\(req.t("冲正原因", "Reason"))" required> <button class="link">\(req.t("冲正", "Reverse"))</button></form>
            """ : .empty
            return "<li><span>\(p.receiptNo) · \(Money.yuan(p.amountFen)) \(req.t("元", "yuan")) · \(PropertyPayment.methods[p.method] ?? p.method)\(p.reason.map { "（\($0)）" } ?? "")</span><span class=\"muted\">\(p.actorName) \(ShanghaiTime.format(p.at)) \(p.reversedByID != nil ? req.t("已冲正", "reversed") : "")</span>\(undo)</li>"
        })</ul>
        \(mayBill && b.owedFen > 0 ? HTML("""
        <form method="post" action="\(SiteURL.Property.pay(b.id!).path)" class="card">\(Form.csrf(req))<h2>\(req.t("登记缴费", "Record a payment"))</h2>
        \(Form.field(req.t("金额（元）", "Amount (yuan)"), name: "amountYuan", value: Money.yuan(b.owedFen), attrs: "inputmode=\"decimal\""))
        \(Form.select(req.t("方式", "Method"), name: "method", options: ["cash", "transfer", "online"].map { ($0, PropertyPayment.methods[$0]!) }, selected: "cash"))
        \(Form.field(req.t("转账/支付流水号", "Reference"), name: "reference"))
        <button>\(req.t("收款并出具收据", "Take payment"))</button></form>
        """) : .empty)
        """)
    }

    struct PayForm: Content { var amountYuan: String?; var method: String?; var reference: String? }

    @Sendable static func pay(req: Request) async throws -> Response {
        let actor = try reader(req)
        let b = try await PropertyBill.find(try req.idParameter(), within: actor.scope, on: req.db)
        let f = try req.content.decode(PayForm.self)
        return try await PropertyPages.attempt(req, back: SiteURL.Property.bill(b.id!).path) {
            try await PropertyPolicy.requireBilling(actor, company: b.companyID, on: req.db)
            let fen = try Money.parseYuan(f.amountYuan, field: "amountYuan")
            let p = try await FeeService(req: req).pay(b, amountFen: Double(fen), method: f.method, reference: f.reference, by: actor)
            return req.t("已收款，收据号 \(p.receiptNo)", "Paid, receipt \(p.receiptNo)")
        }
    }

    struct ReasonForm: Content { var reason: String? }

    @Sendable static func reverse(req: Request) async throws -> Response {
        let actor = try reader(req)
        let p = try await PropertyPayment.find(try req.idParameter(), within: actor.scope, on: req.db)
        let f = try req.content.decode(ReasonForm.self)
        return try await PropertyPages.attempt(req, back: SiteURL.Property.bill(p.billID).path) {
            try await PropertyPolicy.requireBilling(actor, company: p.companyID, on: req.db)
            let r = try await FeeService(req: req).reverse(p, reason: f.reason, by: actor)
            return req.t("已冲正，冲正单号 \(r.receiptNo)", "Reversed as \(r.receiptNo)")
        }
    }

    /// The six months up to `to` (default: this month) the collection page shows.
    static func collectionWindow(_ req: Request) throws -> (from: String, to: String) {
        let to = try ShanghaiTime.parseMonth(try req.query.get(String?.self, at: "to") ?? ShanghaiTime.currentMonth(req.now), field: "to")
        var from = to
        for _ in 0..<5 { from = ShanghaiTime.month(from, plus: -1) }
        return (from, to)
    }

    /// The page's compound rows as a workbook.
    @Sendable static func collectionXLSX(req: Request) async throws -> Response {
        let actor = try reader(req)
        let (from, to) = try collectionWindow(req)
        let mine = try await PropertyScope.feeCompany(of: actor, on: req.db)
        let rows = try await FeeReports(db: req.db, now: req.now).collection(scope: actor.scope, by: "compound", from: from, to: to, company: mine)
        return Response.xlsx(try FeeReports.workbook(rows, modified: req.now), filename: "collection-\(from)-\(to).xlsx")
    }

    @Sendable static func collection(req: Request) async throws -> HTML {
        let actor = try reader(req)
        let (from, to) = try collectionWindow(req)
        let mine = try await PropertyScope.feeCompany(of: actor, on: req.db)
        let rows = try await FeeReports(db: req.db, now: req.now).collection(scope: actor.scope, by: "compound", from: from, to: to, company: mine)
        let months = Set(rows.map(\.period)).sorted()
        let totals = FeeReports.byMonth(rows)
        // A county has hundreds of compounds: a name search and pages of 50.
        let words = (try req.query.get(String?.self, at: "q") ?? "").trimmingCharacters(in: .whitespaces)
        let byCompound = Dictionary(grouping: rows.filter { words.isEmpty || $0.name.contains(words) }, by: \.name)
        let page = try PageRequest(req, defaultPer: 50)
        let names = byCompound.keys.sorted()
        let shown = names[min(page.offset, names.count)..<min(page.offset + page.per, names.count)]
        func cell(_ r: FeeReports.Collection?) -> HTML {
            guard let r else { return "<td>—</td>" }
            return "<td title=\"\(Money.yuan(r.collectedFen))/\(Money.yuan(r.billedFen))\">\(r.rate.map { String(format: "%.1f%%", $0 * 100) } ?? "—")</td>"
        }
        return Layout(req: req, title: req.t("物业费收缴率", "Fee collection rates"), wide: true).render("""
        <form method="get" action="\(SiteURL.Property.collection(query: []).path)" class="filters card" role="search">
        \(Form.field(req.t("小区名称", "Compound name"), name: "q", value: words, type: "search"))
        \(Form.field(req.t("截至月份", "Up to month"), name: "to", value: to, type: "month"))
        <button class="secondary">\(req.t("查找", "Search"))</button></form>
        <p class="actions"><a class="button secondary" href="\(SiteURL.Property.collectionXLSX(query: [("to", to)]).path)">\(req.t("导出 Excel", "Export Excel"))</a></p>
        <div class="table-wrap"><table><thead><tr><th>\(req.t("小区", "Compound"))</th>\(months.map { HTML("<th>\($0)</th>") })</tr></thead>
        <tbody><tr><th>\(req.t("合计", "All"))</th>\(months.map { m in cell(totals.first { $0.period == m }) })</tr>
        \(shown.map { name -> HTML in
            "<tr><td>\(name)</td>\(months.map { m in cell(byCompound[name]!.first { $0.period == m }) })</tr>"
        })</tbody></table></div>
        \(pager(req, total: names.count, page: page) { SiteURL.Property.collection(query: [("q", words), ("to", to), ("page", String($0))].filter { !$0.1.isEmpty }).path })
        """)
    }
}
