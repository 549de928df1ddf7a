import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Property fees (物业费): items, bills, payments and their reversals. Money is integer fen; a payment is never
/// deleted or edited, a mistake is undone by a reversing entry; every money change writes an audit entry in the
/// same transaction.
struct FeeService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(req: Request) {
        db = req.db
        now = req.now
        source = req.auditSource
    }

    init(db: any Database, now: Date, source: AuditSource) {
        self.db = db
        self.now = now
        self.source = source
    }

    func createItem(company: PropertyCompany, name: String?, basis: String?, unitFen: Double?) async throws -> FeeItem {
        let item = FeeItem()
        item.companyID = company.id!
        item.name = try Validate.text(name, field: "name", max: 40)!
        guard let basis, FeeItem.bases[basis] != nil else {
            throw APIError.invalid("basis", "计费方式须为 per_m2、per_household、per_parking 或 one_off (unknown basis)")
        }
        item.basis = basis
        item.unitFen = try Money.fen(unitFen, field: "unitFen", max: FeeItem.maxUnitFen)
        item.active = true
        return try await db.writeTransaction { tx in
            try await item.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "create", entity: "fee_item", entityID: item.id, nodePath: "",
                                      summary: "\(company.name) 收费项目 \(item.name)：\(Money.yuan(item.unitFen))元 \(FeeItem.bases[basis]!)")
            return item
        }
    }

    /// Floor area (hundredths of a m²) and parking spaces of a household, as billing uses them.
    func setFacts(_ household: Household, areaCentiM2: Double?, parkingSpaces: Double?) async throws -> HouseholdFacts {
        let area = try Money.fen(areaCentiM2, field: "areaCentiM2", min: 0)
        let spaces = try Money.fen(parkingSpaces ?? 0, field: "parkingSpaces", min: 0)
        guard area <= 10_000_000, spaces <= 50 else { throw APIError.invalid("areaCentiM2", "面积或车位数不合理 (implausible area or spaces)") }
        return try await db.writeTransaction { tx in
            let facts = try await HouseholdFacts.query(on: tx).filter(\.$householdID == household.id!).first() ?? HouseholdFacts()
            let old = facts.id == nil ? nil : (facts.areaCentiM2, facts.parkingSpaces)
            facts.householdID = household.id!
            facts.nodePath = household.nodePath
            facts.areaCentiM2 = area
            facts.parkingSpaces = spaces
            try await facts.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "household_facts", entityID: household.id,
                                      nodePath: household.nodePath, summary: "\(household.address) 计费面积 \(Money.yuan(area))㎡，车位 \(spaces)",
                                      changes: ["area": [old.map { String($0.0) }, String(area)], "parking": [old.map { String($0.1) }, String(spaces)]])
            return facts
        }
    }

    /// What one household owes for `item` in a period, or nil when the item does not apply to it.
    /// Per m²: ⌊area × price / 100 + ½⌋ fen (area in hundredths of a m²).
    /// Rows written before amounts were bounded may hold anything: a product past `Money.maxFen` is an error, not a trap.
    static func charge(_ item: FeeItem, facts: HouseholdFacts?) throws -> Int? {
        let amount: Int
        switch item.basis {
        case "per_m2":
            guard let area = facts?.areaCentiM2, area > 0 else { return nil }
            amount = (try Money.product(area, item.unitFen, field: "unitFen") + 50) / 100
        case "per_parking":
            guard let spaces = facts?.parkingSpaces, spaces > 0 else { return nil }
            amount = try Money.product(spaces, item.unitFen, field: "unitFen")
        default:
            amount = item.unitFen
        }
        guard (0...Money.maxFen).contains(amount) else {
            throw APIError.invalid("unitFen", "账单金额超出范围（最多 \(Money.yuan(Money.maxFen)) 元），请检查单价和计费面积 (the bill would be out of range; check the price and the area)")
        }
        return amount
    }

    struct GenerationReport: Content {
        let period: String
        let households: Int
        let created: Int
        let alreadyBilled: Int
        let notApplicable: Int
        let totalFen: Int
    }

    /// Bills every household of `compound` for `item` and `period`, in one transaction. A household billed before
    /// for the same item and period is left alone (the unique key refuses a second bill), so running it twice,
    /// or twice at once, bills nobody twice.
    func generate(compound: OrgNode, item: FeeItem, period rawPeriod: String?) async throws -> GenerationReport {
        let period = try ShanghaiTime.parseMonth(rawPeriod, field: "period")
        guard item.active else { throw APIError.invalid("feeItemId", "收费项目已停用 (fee item retired)") }
        guard let contract = try await PropertyScope.contract(of: compound.id!, on: db, now: now), contract.companyID == item.companyID else {
            throw APIError(.unprocessableEntity, code: "not_served",
                           "该小区不在本企业的服务合同内，不能为其住户开账单 (the compound is not served by this company)", field: "compoundId")
        }
        let scope = DataScope(rootPath: compound.path)
        let households = try await Household.query(on: db).within(scope).all()
        let facts = Dictionary(try await HouseholdFacts.query(on: db).within(scope).all().map { ($0.householdID, $0) }) { a, _ in a }
        let due = ShanghaiTime.lastDay(of: period)
        var billable: [(UUID, Household, Int)] = []
        for h in households {
            if let amount = try Self.charge(item, facts: facts[h.id!]), amount > 0 { billable.append((UUID(), h, amount)) }
        }
        let rows = billable, notApplicable = households.count - billable.count
        let (created, createdFen) = try await db.writeTransaction { tx -> (Int, Int) in
            let before = try await billed(item: item, period: period, compound: compound, on: tx)
            let fresh = rows.filter { !before.contains($0.1.id!) }
            // A run at the same moment may have billed some of them since: the unique key skips those rows.
            var start = 0
            while start < fresh.count {
                let end = min(fresh.count, start + 400)
                let insert = tx.sql.insert(into: PropertyBill.schema).columns(Self.billColumns)
                for r in fresh[start..<end] {
                    insert.values(Self.billValues(id: r.0, company: item.companyID, compound: compound.id!, household: r.1, item: item,
                                                  period: period, amount: r.2, due: due, at: now))
                }
                try await insert.ignoringConflicts(with: ["household_id", "fee_item_id", "period"]).run()
                start = end
            }
            let mine = Set(fresh.map(\.0))
            let inserted = try await PropertyBill.query(on: tx).filter(\.$compoundID == compound.id!).filter(\.$feeItemID == item.id!)
                .filter(\.$period == period).all().filter { mine.contains($0.id!) }
            let total = Money.total(inserted.map(\.amountFen))
            let count = inserted.count
            try await AuditLog.record(on: tx, by: source, at: now, action: "bill", entity: "property_bill", entityID: compound.id,
                                      nodePath: compound.path,
                                      summary: "\(compound.name) \(period) \(item.name)：新开账单 \(count) 户，合计 \(Money.yuan(total)) 元")
            return (count, total)
        }
        return GenerationReport(period: period, households: households.count, created: created,
                                alreadyBilled: rows.count - created, notApplicable: notApplicable, totalFen: createdFen)
    }

    static let billColumns = ["id", "company_id", "compound_id", "household_id", "node_path", "fee_item_id", "item_name", "period",
                              "amount_fen", "paid_fen", "due_day", "status", "created_at"]

    static func billValues(id: UUID, company: UUID, compound: UUID, household: Household, item: FeeItem, period: String,
                           amount: Int, due: String, at: Date) -> [any SQLExpression] {
        [SQLBind(id), SQLBind(company), SQLBind(compound), SQLBind(household.id!), SQLBind(household.nodePath), SQLBind(item.id!),
         SQLBind(item.name), SQLBind(period), SQLBind(amount), SQLBind(0), SQLBind(due), SQLBind(BillState.open.rawValue), SQLBind(at)]
    }

    /// Households of `compound` already billed for the item and period.
    private func billed(item: FeeItem, period: String, compound: OrgNode, on tx: any Database) async throws -> Set<UUID> {
        Set(try await PropertyBill.query(on: tx).filter(\.$compoundID == compound.id!).filter(\.$feeItemID == item.id!)
            .filter(\.$period == period).all().map(\.householdID))
    }

    /// Records a payment against `bill`: whole fen, at most what is still owed (there is no credit on account).
    func pay(_ bill: PropertyBill, amountFen: Double?, method: String?, reference: String?, by actor: Actor) async throws -> PropertyPayment {
        let amount = try Money.fen(amountFen, field: "amountFen")
        guard let method, ["cash", "transfer", "online"].contains(method) else {
            throw APIError.invalid("method", "支付方式须为 cash、transfer 或 online (unknown method)")
        }
        let ref = try Validate.text(reference, field: "reference", max: 60, required: method != "cash")
        guard bill.state == .open else { throw APIError.conflict("账单已作废 (the bill is cancelled)", code: "bill_cancelled") }
        return try await record(bill, amount: amount, method: method, reference: ref, reverses: nil, reason: nil, by: actor)
    }

    /// Undoes a payment with a reversing entry of the opposite amount. A payment is reversed at most once.
    func reverse(_ payment: PropertyPayment, reason: String?, by actor: Actor) async throws -> PropertyPayment {
        let why = try Validate.text(reason, field: "reason", max: 200)!
        guard payment.amountFen > 0, payment.reversesID == nil else {
            throw APIError.conflict("冲正记录不能再冲正 (a reversal cannot be reversed)", code: "not_reversible")
        }
        guard payment.reversedByID == nil else { throw APIError.conflict("该笔缴费已冲正 (already reversed)", code: "already_reversed") }
        guard let bill = try await PropertyBill.find(payment.billID, on: db) else { throw APIError.notFound }
        return try await record(bill, amount: -payment.amountFen, method: "reversal", reference: payment.receiptNo, reverses: payment, reason: why, by: actor)
    }

    private func record(_ bill: PropertyBill, amount: Int, method: String, reference: String?, reverses: PropertyPayment?, reason: String?,
                        by actor: Actor) async throws -> PropertyPayment {
        for attempt in 1...5 {
            let p = PropertyPayment()
            p.billID = bill.id!
            p.householdID = bill.householdID
            p.companyID = bill.companyID
            p.nodePath = bill.nodePath
            p.amountFen = amount
            p.method = method
            p.reference = reference
            p.reversesID = reverses?.id
            p.reason = reason
            p.actorID = actor.userID
            p.actorName = actor.user.displayName
            p.payerKind = actor.role == .resident ? "resident" : "staff"
            p.at = now
            do {
                try await db.writeTransaction { tx in
                    // Claim the money on the bill first: the condition keeps it between nothing and the amount billed.
                    let claimed = try await tx.sql.raw("""
                        UPDATE \(ident: PropertyBill.schema) SET paid_fen = paid_fen + \(bind: amount), version = version + 1 \
                        WHERE id = \(bind: bill.id!) AND status = 'open' AND paid_fen + \(bind: amount) <= amount_fen \
                        AND paid_fen + \(bind: amount) >= 0 RETURNING id
                        """).all()
                    guard !claimed.isEmpty else {
                        throw APIError(.unprocessableEntity, code: "overpayment",
                                       "金额超过应缴余额 \(Money.yuan(bill.owedFen)) 元，不设预存 (amount exceeds what is owed; no credit is kept)", field: "amountFen")
                    }
                    p.receiptNo = try await nextReceipt(on: tx)
                    try await p.create(on: tx)
                    if let reverses {
                        reverses.reversedByID = p.id
                        try await reverses.save(on: tx)
                    }
                    let what = reverses == nil ? "缴费 \(Money.yuan(amount)) 元（\(PropertyPayment.methods[method]!)）" : "冲正收据 \(reverses!.receiptNo)：\(Money.yuan(amount)) 元，原因：\(reason ?? "")"
                    try await AuditLog.record(on: tx, by: source, at: now, action: reverses == nil ? "pay" : "reverse", entity: "property_payment",
                                              entityID: p.id, nodePath: bill.nodePath, summary: "账单 \(bill.period) \(bill.itemName) \(what)，收据 \(p.receiptNo)",
                                              changes: ["paidFen": [String(bill.paidFen), String(bill.paidFen + amount)]])
                }
                bill.paidFen += amount
                bill.version += 1
                return p
            } catch let error as any DatabaseError where error.isConstraintFailure && attempt < 5 {
                if let reverses, try await PropertyPayment.query(on: db).filter(\.$reversesID == reverses.id!).first() != nil {
                    throw APIError.conflict("该笔缴费已冲正 (already reversed)", code: "already_reversed")
                }
                continue // two receipts took the same number at once: take the next
            }
        }
        throw APIError.conflict("请重试 (please retry)")
    }

    /// `SJ<yyyyMMdd>-<n>`, counting the day's receipts.
    private func nextReceipt(on tx: any Database) async throws -> String {
        let prefix = "SJ" + ShanghaiTime.format(now, "yyyyMMdd") + "-"
        let today = try await PropertyPayment.query(on: tx).filter(\.$receiptNo >= prefix).filter(\.$receiptNo < prefix + "~").count()
        return prefix + String(format: "%05d", today + 1)
    }

    /// Cancels a bill raised in error (nothing paid on it), with a reason. Every payment bumps the bill's version, so a
    /// payment made since the bill was read makes the cancel fail rather than cancel a paid bill.
    func cancel(_ bill: PropertyBill, reason: String?, by actor: Actor) async throws {
        let why = try Validate.text(reason, field: "reason", max: 200)!
        guard bill.state == .open else { throw APIError.conflict("账单已作废 (the bill is cancelled)", code: "bill_cancelled") }
        guard bill.paidFen == 0 else { throw APIError.conflict("账单已有缴费，请先冲正缴费 (reverse the payments first)", code: "bill_paid") }
        do {
            try await PropertyLifecycles.bill.perform(.cancel, on: bill, role: actor.role,
                                                     subject: "\(bill.period) \(bill.itemName) \(Money.yuan(bill.amountFen)) 元", note: why,
                                                     by: source, at: now, on: db)
        } catch let e as APIError where e.code == "property_bill_changed" {
            guard let fresh = try await PropertyBill.find(bill.id, on: db), fresh.paidFen == 0 else {
                throw APIError.conflict("账单已有缴费，请先冲正缴费 (reverse the payments first)", code: "bill_paid")
            }
            throw e
        }
    }
}
