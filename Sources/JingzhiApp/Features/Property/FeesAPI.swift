import Fluent
import JingzhiCore
import Vapor

/// `/api/v1/property`: fee items, household facts, bills, payments, reversals, arrears, dunning, collection rates, CSV;
/// and the resident's own view.
enum FeesAPI {
    static func register(_ p: any RoutesBuilder) {
        p.get("fee-items", use: items)
        p.post("fee-items", use: createItem)
        p.put("households", ":id", "facts", use: setFacts)
        p.post("compounds", ":id", "bills", use: generate)
        p.get("bills", use: bills)
        p.get("bills", "export", use: export)
        p.get("bills", ":id", use: bill)
        p.post("bills", ":id", "payments", use: pay)
        p.post("bills", ":id", "cancel", use: cancel)
        p.post("payments", ":id", "reverse", use: reverse)
        p.get("arrears", use: arrears)
        p.post("compounds", ":id", "dunning", use: dun)
        p.get("collection", use: collection)
        p.get("me", use: me)
        p.post("me", "rating", use: rate)
    }

    /// The company a billing request acts for: the staff member's own, or (admins) the one named.
    static func company(_ req: Request, _ actor: Actor, named id: UUID?) async throws -> PropertyCompany {
        if actor.role == .propertyStaff {
            guard let mine = try await PropertyScope.company(of: actor, on: req.db) else { throw APIError.forbidden }
            return mine
        }
        guard actor.role == .admin else { throw APIError.forbidden }
        guard let id, let c = try await PropertyCompany.find(id, on: req.db) else {
            throw APIError(.notFound, code: "unknown_company", "物业企业不存在 (unknown company)", field: "companyId")
        }
        return c
    }

    @Sendable static func items(req: Request) async throws -> [FeeItemDTO] {
        let actor = try req.requireActor()
        try PropertyPolicy.requireFeeReader(actor)
        var q = FeeItem.query(on: req.db)
        if actor.role == .propertyStaff {
            guard let mine = try await PropertyScope.company(of: actor, on: req.db) else { return [] }
            q = q.filter(\.$companyID == mine.id!)
        } else if let raw = try req.query.get(String?.self, at: "company"), let id = UUID(uuidString: raw) {
            q = q.filter(\.$companyID == id)
        }
        return try await q.sort(\.$name).all().map(FeeItemDTO.init)
    }

    struct ItemBody: Content {
        var companyId: UUID?
        var name: String?
        var basis: String?
        var unitFen: Double?
    }

    @Sendable static func createItem(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(ItemBody.self)
        let c = try await company(req, actor, named: b.companyId)
        let item = try await FeeService(req: req).createItem(company: c, name: b.name, basis: b.basis, unitFen: b.unitFen)
        return try await FeeItemDTO(item).encodeResponse(status: .created, for: req)
    }

    struct FactsBody: Content {
        var areaCentiM2: Double?
        var parkingSpaces: Double?
    }

    @Sendable static func setFacts(req: Request) async throws -> [String: Int] {
        let actor = try req.requireActor()
        guard [.admin, .communityStaff, .propertyStaff].contains(actor.role) else { throw APIError.forbidden }
        let h = try await Household.find(try req.idParameter(), within: actor.scope, on: req.db)
        let b = try req.decodeJSON(FactsBody.self)
        let f = try await FeeService(req: req).setFacts(h, areaCentiM2: b.areaCentiM2, parkingSpaces: b.parkingSpaces)
        return ["areaCentiM2": f.areaCentiM2, "parkingSpaces": f.parkingSpaces]
    }

    struct GenerateBody: Content {
        var feeItemId: UUID?
        var period: String?
    }

    @Sendable static func generate(req: Request) async throws -> FeeService.GenerationReport {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(GenerateBody.self)
        guard let itemID = b.feeItemId, let item = try await FeeItem.find(itemID, on: req.db) else {
            throw APIError(.notFound, code: "unknown_fee_item", "收费项目不存在 (unknown fee item)", field: "feeItemId")
        }
        try await PropertyPolicy.requireBilling(actor, company: item.companyID, on: req.db)
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        return try await FeeService(req: req).generate(compound: node, item: item, period: b.period)
    }

    @Sendable static func bills(req: Request) async throws -> Paged<BillDTO> {
        let actor = try req.requireActor()
        try PropertyPolicy.requireFeeReader(actor)
        let page = try PageRequest(req)
        var q = PropertyBill.query(on: req.db).within(actor.scope).ofCompany(try await PropertyScope.feeCompany(of: actor, on: req.db))
        if let raw = try req.query.get(String?.self, at: "compound"), !raw.isEmpty { q = q.filter(\.$compoundID == (UUID(uuidString: raw) ?? UUID())) }
        if let raw = try req.query.get(String?.self, at: "household"), !raw.isEmpty { q = q.filter(\.$householdID == (UUID(uuidString: raw) ?? UUID())) }
        if let raw = try req.query.get(String?.self, at: "period"), !raw.isEmpty { q = q.filter(\.$period == (try ShanghaiTime.parseMonth(raw, field: "period"))) }
        if try req.query.get(String?.self, at: "owing") == "1" { q = q.filter(\.$status == BillState.open.rawValue).filter(.sql(unsafeRaw: "paid_fen < amount_fen")) }
        let total = try await q.count()
        let rows = try await q.sort(\.$period, .descending).sort(\.$nodePath).range(page.range).all()
        return Paged(items: rows.map(BillDTO.init), total: total, page: page.page, per: page.per)
    }

    /// A bill the actor may see: staff in scope, or a resident's own household's.
    static func loadBill(_ req: Request, _ actor: Actor) async throws -> PropertyBill {
        if actor.role == .resident {
            guard let (household, _, _) = try await InspectionService.home(of: actor, on: req.db, now: req.now),
                  let bill = try await PropertyBill.find(try req.idParameter(), on: req.db), bill.householdID == household.id else { throw APIError.notFound }
            return bill
        }
        try PropertyPolicy.requireFeeReader(actor)
        let bill = try await PropertyBill.find(try req.idParameter(), within: actor.scope, on: req.db)
        if let mine = try await PropertyScope.feeCompany(of: actor, on: req.db), bill.companyID != mine { throw APIError.notFound }
        return bill
    }

    @Sendable static func bill(req: Request) async throws -> BillDTO {
        let actor = try req.requireActor()
        let b = try await loadBill(req, actor)
        var dto = BillDTO(b)
        dto.payments = try await PropertyPayment.query(on: req.db).filter(\.$billID == b.id!).sort(\.$at).all().map(PaymentDTO.init)
        return dto
    }

    struct PayBody: Content {
        var amountFen: Double?
        var method: String?
        var reference: String?
    }

    @Sendable static func pay(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let bill = try await loadBill(req, actor)
        let b = try req.decodeJSON(PayBody.self)
        if actor.role == .resident {
            // Residents pay online, quoting the payment's reference.
            guard b.method == nil || b.method == "online" else { throw APIError.invalid("method", "居民只能线上缴费 (residents pay online)") }
        } else {
            try await PropertyPolicy.requireBilling(actor, company: bill.companyID, on: req.db)
        }
        let p = try await FeeService(req: req).pay(bill, amountFen: b.amountFen, method: actor.role == .resident ? "online" : b.method,
                                                   reference: b.reference, by: actor)
        return try await PaymentDTO(p).encodeResponse(status: .created, for: req)
    }

    @Sendable static func cancel(req: Request) async throws -> BillDTO {
        let actor = try req.requireActor()
        let bill = try await loadBill(req, actor)
        try await PropertyPolicy.requireBilling(actor, company: bill.companyID, on: req.db)
        try await FeeService(req: req).cancel(bill, reason: try req.decodeJSON(PropertyAPI.ReasonBody.self).reason, by: actor)
        return BillDTO(bill)
    }

    @Sendable static func reverse(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        guard actor.role != .resident else { throw APIError.forbidden }
        let payment = try await PropertyPayment.find(try req.idParameter(), within: actor.scope, on: req.db)
        try await PropertyPolicy.requireBilling(actor, company: payment.companyID, on: req.db)
        let r = try await FeeService(req: req).reverse(payment, reason: try req.decodeJSON(PropertyAPI.ReasonBody.self).reason, by: actor)
        return try await PaymentDTO(r).encodeResponse(status: .created, for: req)
    }

    @Sendable static func arrears(req: Request) async throws -> [FeeReports.Arrears] {
        let actor = try req.requireActor()
        try PropertyPolicy.requireFeeReader(actor)
        var compound: OrgNode?
        if let raw = try req.query.get(String?.self, at: "compound"), !raw.isEmpty {
            compound = try await req.compound(UUID(uuidString: raw), within: actor.scope)
        }
        return try await FeeReports(db: req.db, now: req.now).arrears(scope: actor.scope, compound: compound,
                                                                      company: try await PropertyScope.feeCompany(of: actor, on: req.db))
    }

    @Sendable static func dun(req: Request) async throws -> [String: Int] {
        let actor = try req.requireActor()
        let node = try await req.compound(try req.idParameter(), within: actor.scope)
        guard let contract = try await PropertyScope.contract(of: node.id!, on: req.db, now: req.now), let companyID = contract.companyID,
              let company = try await PropertyCompany.find(companyID, on: req.db) else {
            throw APIError.conflict("该小区没有物业企业 (no company serves this compound)", code: "no_company")
        }
        try await PropertyPolicy.requireBilling(actor, company: companyID, on: req.db)
        return ["notices": try await FeeReports(db: req.db, now: req.now).dun(compound: node, company: company, by: actor, source: req.auditSource)]
    }

    /// JSON, or an .xlsx workbook with `format=xlsx`.
    @Sendable static func collection(req: Request) async throws -> Response {
        let rows = try await collectionRows(req)
        if (try? req.query.get(String.self, at: "format")) == "xlsx" {
            return Response.xlsx(try FeeReports.workbook(rows, modified: req.now), filename: "collection-\(ShanghaiTime.format(req.now, "yyyyMMdd")).xlsx")
        }
        return try await rows.encodeResponse(for: req)
    }

    static func collectionRows(_ req: Request) async throws -> [FeeReports.Collection] {
        let actor = try req.requireActor()
        try PropertyPolicy.requireFeeReader(actor)
        let thisMonth = ShanghaiTime.currentMonth(req.now)
        let from = try ShanghaiTime.parseMonth(try req.query.get(String?.self, at: "from") ?? String(thisMonth.prefix(4)) + "-01", field: "from")
        let to = try ShanghaiTime.parseMonth(try req.query.get(String?.self, at: "to") ?? thisMonth, field: "to")
        guard from <= to else { throw APIError.invalid("to", "结束月份早于开始月份 (to is before from)") }
        let mine = try await PropertyScope.feeCompany(of: actor, on: req.db)
        return try await FeeReports(db: req.db, now: req.now).collection(scope: actor.scope, by: try req.query.get(String?.self, at: "by") ?? "compound",
                                                                        from: from, to: to, company: mine)
    }

    @Sendable static func export(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        try PropertyPolicy.requireFeeReader(actor)
        let period = try (try req.query.get(String?.self, at: "period")).flatMap { $0.isEmpty ? nil : try ShanghaiTime.parseMonth($0, field: "period") }
        var compound: OrgNode?
        if let raw = try req.query.get(String?.self, at: "compound"), !raw.isEmpty { compound = try await req.compound(UUID(uuidString: raw), within: actor.scope) }
        let reports = FeeReports(db: req.db, now: req.now), company = try await PropertyScope.feeCompany(of: actor, on: req.db)
        // An .xlsx workbook for `format=xlsx` or the page's .xlsx address, CSV otherwise.
        if req.url.path.hasSuffix(".xlsx") || (try? req.query.get(String.self, at: "format")) == "xlsx" {
            let data = try await reports.xlsx(scope: actor.scope, period: period, compound: compound, company: company)
            return Response.xlsx(data, filename: "bills-\(period ?? "all").xlsx")
        }
        let text = try await reports.csv(scope: actor.scope, period: period, compound: compound, company: company)
        return Response.csv(text, filename: "bills-\(period ?? "all").csv")
    }

    struct MeDTO: Content {
        let householdId: UUID
        let address: String
        let compound: String
        let company: CompanyDTO?
        let stars: Int?
        let ratingMonth: String?
        let owedFen: Int
        let bills: [BillDTO]
        let payments: [PaymentDTO]
    }

    /// The resident's household: bills, payments, the company serving the compound and its latest published stars.
    @Sendable static func me(req: Request) async throws -> MeDTO {
        let actor = try req.requireActor()
        guard actor.role == .resident else { throw APIError.forbidden }
        guard let (h, compound, contract) = try await InspectionService.home(of: actor, on: req.db, now: req.now) else {
            throw APIError.conflict("请先完成住户认证 (link your account to your household first)", code: "not_linked")
        }
        let company = try await contract?.companyID.asyncMap { try await PropertyCompany.find($0, on: req.db) } ?? nil
        let bills = try await PropertyBill.query(on: req.db).filter(\.$householdID == h.id!).sort(\.$period, .descending).limit(120).all()
        let payments = try await PropertyPayment.query(on: req.db).filter(\.$householdID == h.id!).sort(\.$at, .descending).limit(120).all()
        let latest = try await company.asyncMap { try await RatingsAPI.latestStars(of: $0, on: req.db) } ?? nil
        return MeDTO(householdId: h.id!, address: h.address, compound: compound.name, company: company.map(CompanyDTO.init),
                     stars: latest?.stars, ratingMonth: latest?.month, owedFen: Money.total(bills.map(\.owedFen)),
                     bills: bills.map(BillDTO.init), payments: payments.map(PaymentDTO.init))
    }

    struct RateBody: Content {
        var stars: Double?
        var comment: String?
    }

    @Sendable static func rate(req: Request) async throws -> Response {
        let actor = try req.requireActor()
        let b = try req.decodeJSON(RateBody.self)
        let r = try await InspectionService(req: req).rate(by: actor, stars: b.stars, comment: b.comment)
        return try await ["stars": r.stars].encodeResponse(status: .created, for: req)
    }
}
