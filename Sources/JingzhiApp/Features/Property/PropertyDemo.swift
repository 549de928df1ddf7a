import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// The property work of the demo: companies, contracts (one compound in eight left without a company), classes and
/// tiers, billing facts and fee items, `property_demo` working for 幸福家园物业. The county also gets a year of bills
/// and payments (the twelve months up to the as-of day's), inspections, residents' ratings and every month but the last published.
enum PropertyDemo {
    static let companies: [(name: String, licence: String, kind: String, branch: String?)] = [
        ("幸福家园物业服务有限公司", "91370827MA3YT0001X", "market", "幸福家园物业党支部"),
        ("鱼台县城投物业管理有限公司", "91370827MA3YT0002X", "state_fallback", "城投物业党总支"),
        ("滨湖嘉园物业服务有限公司", "91370827MA3YT0003X", "market", nil),
        ("鱼城安居物业管理有限公司", "91370827MA3YT0004X", "market", "安居物业党支部"),
        ("孝贤红管家物业服务有限公司", "91370827MA3YT0005X", "market", "红管家党支部"),
        ("微湖绿城物业服务有限公司", "91370827MA3YT0006X", "market", nil),
    ]

    /// How well each demo company works (0…1), so the months have a red and a black list.
    static func quality(_ company: PropertyCompany) -> Double {
        let index = companies.firstIndex { $0.licence == company.licenceNo } ?? 0
        return [0.92, 0.7, 0.97, 0.1, 0.85, 0.25][index]
    }
    /// The twelve months (`yyyy-MM`) ending with the month of day `asOf`.
    static func months(endingOn asOf: Int) -> [String] {
        let c = DemoDate.civil(asOf)
        return (0..<12).reversed().map { back in
            let index = c.y * 12 + c.m - 1 - back
            return "\(index / 12)-\(DemoDate.pad(index % 12 + 1, 2))"
        }
    }

    static func seed(_ plan: DemoPlan, rootID: UUID, on db: any Database, log: @Sendable (String) -> Void) async throws {
        guard plan.scale != .city, let root = try await OrgNode.find(rootID, on: db) else { return }
        var rng = DemoRandom(seed: plan.region.seed ^ 0x5752_4559)
        let at = plan.createdAt
        let months = Self.months(endingOn: plan.asOf)
        let source = AuditSource.cli("seed")
        let service = CompanyService(db: db, now: at, source: source)
        let contacts = ["王建国", "李秀英", "张志强", "刘芳", "陈伟", "杨静"]
        var made: [PropertyCompany] = []
        for (i, c) in companies.prefix(plan.tiny ? 2 : companies.count).enumerated() {
            // A tree seeded again after a purge finds its companies still registered.
            if let existing = try await PropertyCompany.query(on: db).filter(\.$licenceNo == c.licence).first() { made.append(existing); continue }
            made.append(try await service.createCompany(.init(name: c.name, licenceNo: c.licence, contactName: contacts[i],
                                                              contactPhone: "0537-62\(DemoDate.pad(10001 + i * 1111, 5))", partyBranch: c.branch, kind: c.kind)))
        }
        let compounds = try await OrgNode.query(on: db).within(DataScope(rootPath: root.path)).filter(\.$kindRaw == NodeKind.compound.rawValue)
            .sort(\.$path).all()
        var contracts: [(OrgNode, PropertyCompany)] = []
        var profiles: [CompoundProfile] = []
        for (i, compound) in compounds.enumerated() {
            let cls = compound.address?.contains("老旧") == true ? "old" : (compound.address?.contains("回迁") == true ? "resettled" : "commercial")
            let p = CompoundProfile()
            p.compoundID = compound.id!
            p.nodePath = compound.path
            p.compoundClass = cls
            p.tier = ["problem", "improving", "improving", "model"][rng.int(4)]
            p.updatedAt = at
            profiles.append(p)
            // The first grid's compounds (resident_demo's) are 幸福家园's; every eighth compound has no company (无物业小区).
            let company: PropertyCompany?
            if i == 0 || compound.code.hasPrefix("YT-GT-01-G01-") { company = made[0] } else if i % 8 == 5 { company = nil } else if cls == "old" && rng.chance(0.6) {
                company = made[1] // the state-owned company takes over old compounds (兜底)
            } else { company = made[plan.tiny ? i % 2 : rng.int(made.count)] }
            if let company {
                let model = company.kind == "state_fallback" ? (cls == "old" ? "fallback" : "basic") : "full"
                let fee = model == "full" ? [80, 100, 120, 150][rng.int(4)] : 20
                let contract = PropertyContract()
                contract.companyID = company.id
                contract.compoundID = compound.id!
                contract.nodePath = compound.path
                contract.model = model
                contract.startDay = "2025-01-01"
                contract.endDay = "2028-12-31"
                contract.feeFenPerM2 = fee
                contract.status = ContractState.active.rawValue
                contract.createdAt = at
                try await contract.create(on: db)
                contracts.append((compound, company))
            }
        }
        for p in profiles { try await p.create(on: db) }
        // Billing facts: 60–140 m², one household in four with a parking space.
        let households = try await Household.query(on: db).within(DataScope(rootPath: root.path)).sort(\.$nodePath).sort(\.$room).all()
        try await DemoBulkInsert(db).insert(HouseholdFacts.schema, ["id", "household_id", "node_path", "area_centi_m2", "parking_spaces"], households) { h in
            [SQLBind(rng.uuid()), SQLBind(h.id!), SQLBind(h.nodePath), SQLBind(6000 + rng.int(8000)), SQLBind(rng.chance(0.25) ? 1 : 0)]
        }
        var items: [UUID: FeeItem] = [:]
        let fees = FeeService(db: db, now: at, source: source)
        for c in made where try await FeeItem.query(on: db).filter(\.$companyID == c.id!).count() == 0 {
            items[c.id!] = try await fees.createItem(company: c, name: "物业服务费", basis: "per_m2", unitFen: c.kind == "state_fallback" ? 20 : 100)
            _ = try await fees.createItem(company: c, name: "车位管理费", basis: "per_parking", unitFen: 3000)
        }
        if let user = try await User.query(on: db).filter(\.$username == "property_demo").first() {
            try await service.linkStaff(user, to: made[0])
        }
        log("物业：\(made.count) 家企业，\(contracts.count) 份合同，\(compounds.count - contracts.count) 个无物业小区")
        guard plan.scale == .county else { return }
        let started = Date()
        let billed = try await seedYear(contracts: contracts, items: items, households: households, months: months, asOf: plan.asOf, rng: &rng, on: db)
        log("物业费：\(billed.bills) 张账单，\(billed.payments) 笔缴费（\(Int(Date().timeIntervalSince(started))) 秒）")
        try await seedRatings(contracts: contracts, months: months, rng: &rng, on: db)
        log("物业检查与评价（\(Int(Date().timeIntervalSince(started))) 秒）")
        let ratings = RatingService(db: db, now: plan.now)
        for month in months.dropLast() { _ = try await ratings.publish(county: root, month: month, source: source) }
        log("物业红黑榜：已发布 \(months.count - 1) 个月（物业数据用时 \(Int(Date().timeIntervalSince(started))) 秒）")
    }

    /// Monthly 物业服务费 bills for every served household; most are paid (some in part, a few never). The rows are made
    /// by the database (INSERT … SELECT over households and their billing facts), so a year of a county takes seconds.
    /// Ids derive from the household's id and the month; chance comes from the household's (seeded) floor area.
    private static func seedYear(contracts: [(OrgNode, PropertyCompany)], items: [UUID: FeeItem], households: [Household], months: [String], asOf: Int,
                                 rng: inout DemoRandom, on db: any Database) async throws -> (bills: Int, payments: Int) {
        let sql = db.sql, pg = db.isPostgres
        func text(_ column: String) -> String { pg ? "CAST(\(column) AS TEXT)" : column }
        func uuid(_ column: String, _ suffix: String) -> SQLQueryString {
            let joined: SQLQueryString = "substr(\(unsafeRaw: text(column)), 1, 24) || \(bind: suffix)"
            return pg ? "CAST(" + joined + " AS uuid)" : joined
        }
        for (compound, company) in contracts {
            guard let item = items[company.id!] else { continue }
            // Each compound pays about as well as its company works (percent of households paying).
            let diligence = Int(min(0.99, 0.45 + 0.5 * Self.quality(company) + rng.unit() * 0.06) * 100)
            for (m, month) in months.enumerated() {
                let (y, mo) = (Int(month.prefix(4))!, Int(month.suffix(2))!)
                let first = DemoDate.days(y, mo, 1)
                let payDay = min(asOf, first + 5 + rng.int(30))
                let suffix = String(format: "%02X", m)
                // The last month is only half through: fewer have paid yet.
                let share = m == months.count - 1 ? diligence / 2 : diligence
                let unit = item.unitFen
                let bills: SQLQueryString = "INSERT INTO property_bills (id, company_id, compound_id, household_id, node_path, fee_item_id, item_name, period, "
                    + "amount_fen, paid_fen, due_day, status, created_at) SELECT " + uuid("h.id", "00000000B0" + suffix)
                    + ", \(bind: company.id!), \(bind: compound.id!), h.id, h.node_path, \(bind: item.id!), \(bind: item.name), \(bind: month), "
                    + "(f.area_centi_m2 * \(literal: unit) + 50) / 100, "
                    + "CASE WHEN (f.area_centi_m2 * 7 + \(literal: m * 13)) % 100 < \(literal: share) THEN "
                    + "(CASE WHEN (f.area_centi_m2 * 11 + \(literal: m * 3)) % 100 < 8 THEN (f.area_centi_m2 * \(literal: unit) + 50) / 200 "
                    + "ELSE (f.area_centi_m2 * \(literal: unit) + 50) / 100 END) ELSE 0 END, \(bind: ShanghaiTime.lastDay(of: month)), 'open', "
                    + "\(bind: DemoDate.instant(first, hour: 8)) FROM households h JOIN property_household_facts f ON f.household_id = h.id "
                    + "WHERE " + DataScope.subtree(compound.path, column: "h.node_path")
                try await sql.raw(bills).run()
                let day = DemoDate.compact(payDay)
                let method: SQLQueryString = "(b.amount_fen + \(literal: m)) % 4"
                let payments: SQLQueryString = "INSERT INTO property_payments (id, bill_id, household_id, company_id, node_path, amount_fen, method, "
                    + "reference, receipt_no, actor_name, payer_kind, at) SELECT " + uuid("b.id", "00000000C0" + suffix)
                    + ", b.id, b.household_id, b.company_id, b.node_path, b.paid_fen, CASE " + method
                    + " WHEN 0 THEN 'cash' WHEN 1 THEN 'transfer' ELSE 'online' END, CASE " + method
                    + " WHEN 0 THEN NULL ELSE \(bind: "WX" + day) || substr(\(unsafeRaw: text("b.id")), 1, 8) END, "
                    + "\(bind: "SJ\(day)-") || substr(\(unsafeRaw: text("b.id")), 1, 8) || \(bind: suffix), '物业收费员', CASE " + method
                    + " WHEN 0 THEN 'staff' WHEN 1 THEN 'staff' ELSE 'resident' END, \(bind: DemoDate.instant(payDay, hour: 10)) "
                    + "FROM property_bills b WHERE b.compound_id = \(bind: compound.id!) AND b.period = \(bind: month) AND b.paid_fen > 0"
                try await sql.raw(payments).run()
            }
        }
        return (try await PropertyBill.query(on: db).count(), try await PropertyPayment.query(on: db).count())
    }

    /// A community inspection of every served compound each month, and a few residents' stars.
    private static func seedRatings(contracts: [(OrgNode, PropertyCompany)], months: [String], rng: inout DemoRandom, on db: any Database) async throws {
        let items = try await InspectionItem.query(on: db).sort(\.$code).all()
        let maxTotal = items.reduce(0) { $0 + $1.maxPoints }
        var inspections: [[any SQLExpression]] = [], ratings: [[any SQLExpression]] = []
        for (compound, company) in contracts {
            let level = min(1, Self.quality(company) + rng.unit() * 0.1 - 0.05)
            for month in months.dropLast() {
                var scores: [String: Int] = [:]
                for item in items { scores[item.code] = min(item.maxPoints, Int((Double(item.maxPoints) * (level + rng.unit() * 0.15)).rounded())) }
                let day = DemoDate.days(Int(month.prefix(4))!, Int(month.suffix(2))!, 20)
                inspections.append([SQLBind(rng.uuid()), SQLBind(compound.id!), SQLBind(company.id!), SQLBind(compound.path), SQLBind(month),
                                    SQLBind(String(decoding: try JSONEncoder.sorted.encode(scores), as: UTF8.self)), SQLBind(scores.values.reduce(0, +)),
                                    SQLBind(maxTotal), SQLBind("社区物业检查组"), SQLBind(DemoDate.instant(day, hour: 10))])
                for _ in 0..<rng.int(in: 1...4) {
                    let stars = max(1, min(5, Int((level * 5 + rng.unit() * 1.5 - 0.5).rounded())))
                    ratings.append([SQLBind(rng.uuid()), SQLBind(company.id!), SQLBind(compound.id!), SQLBind(compound.path), SQLBind(rng.uuid()),
                                    SQLBind(month), SQLBind(stars), SQLBind(DemoDate.instant(day, hour: 20))])
                }
            }
        }
        try await DemoBulkInsert(db).insert(PropertyInspection.schema, ["id", "compound_id", "company_id", "node_path", "month", "scores", "total",
                                                                        "max_total", "inspector", "at"], inspections) { $0 }
        try await DemoBulkInsert(db).insert(ResidentCompanyRating.schema, ["id", "company_id", "compound_id", "node_path", "user_id", "month",
                                                                           "stars", "at"], ratings) { $0 }
    }
}
