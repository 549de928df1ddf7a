import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Figures over bills: collection rates, arrears, dunning notices, the CSV export.
struct FeeReports {
    let db: any Database
    let now: Date


    struct Collection: Content {
        let key: String
        let name: String
        let period: String
        let billedFen: Int
        let collectedFen: Int
        /// collected / billed, 0…1, four decimals; nil when nothing was billed.
        let rate: Double?
    }

    static let collectionHeader = ["名称", "账期", "应收(元)", "实收(元)", "收缴率"]

    /// Collection rates as a workbook: yuan as numbers, the rate as a percent.
    static func workbook(_ rows: [Collection], modified: Date) throws -> Data {
        try Spreadsheet.write(sheet: "收缴率", header: collectionHeader, rows: rows.map { r in
            [.text(r.name), .text(r.period), .number(Double(r.billedFen) / 100), .number(Double(r.collectedFen) / 100), r.rate.map(SpreadsheetCell.percent) ?? .empty]
        }, modified: modified)
    }

    static func rate(_ collected: Int, _ billed: Int) -> Double? {
        billed == 0 ? nil : (Double(collected) / Double(billed) * 10_000).rounded(.down) / 10_000
    }

    /// Billed and collected fen per group (`compound`, `company`, or `month` alone) and billing period, for bills
    /// of the periods `from`…`to` in scope. Cancelled bills count for nothing.
    func collection(scope: DataScope, by group: String, from: String, to: String, company: UUID? = nil) async throws -> [Collection] {
        let column: String
        switch group {
        case "compound": column = "compound_id"
        case "company": column = "company_id"
        case "month": column = "period"
        default: throw APIError.invalid("by", "分组须为 compound、company 或 month (group by compound, company or month)")
        }
        var sql: SQLQueryString = """
            SELECT \(ident: column) AS k, period, CAST(SUM(amount_fen) AS BIGINT) AS billed, CAST(SUM(paid_fen) AS BIGINT) AS collected FROM \(ident: PropertyBill.schema) \
            WHERE status = 'open' AND period >= \(bind: from) AND period <= \(bind: to) AND \(scope.sqlCondition())
            """
        if let company { sql += " AND company_id = \(bind: company)" }
        sql += " GROUP BY \(ident: column), period ORDER BY period"
        var out: [(String, String, Int, Int)] = []
        for row in try await db.sql.raw(sql).all() {
            let key: String = group == "month" ? try row.decode(column: "k", as: String.self) : try row.decode(column: "k", as: UUID.self).uuidString
            out.append((key, try row.decode(column: "period", as: String.self), try row.decode(column: "billed", as: Int.self),
                        try row.decode(column: "collected", as: Int.self)))
        }
        let ids = out.compactMap { UUID(uuidString: $0.0) }
        var names: [String: String] = [:]
        if group == "compound" {
            for n in try await OrgNode.query(on: db).filter(\.$id ~~ ids).all() { names[n.id!.uuidString] = n.name }
        } else if group == "company" {
            for c in try await PropertyCompany.query(on: db).filter(\.$id ~~ ids).all() { names[c.id!.uuidString] = c.name }
        }
        let rows = out.map { Collection(key: $0.0, name: names[$0.0] ?? $0.0, period: $0.1, billedFen: $0.2, collectedFen: $0.3, rate: Self.rate($0.3, $0.2)) }
        return group == "month" ? Self.byMonth(rows) : rows
    }

    /// Rows of any grouping added up per billing period.
    static func byMonth(_ rows: [Collection]) -> [Collection] {
        var merged: [String: (Int, Int)] = [:]
        for r in rows { merged[r.period, default: (0, 0)].0 += r.billedFen; merged[r.period, default: (0, 0)].1 += r.collectedFen }
        return merged.keys.sorted().map { Collection(key: $0, name: $0, period: $0, billedFen: merged[$0]!.0, collectedFen: merged[$0]!.1,
                                                     rate: rate(merged[$0]!.1, merged[$0]!.0)) }
    }

    struct Arrears: Content {
        let householdId: UUID
        let address: String
        let bills: Int
        let arrearsFen: Int
        let oldestDueDay: String
        let lastDunnedAt: Date?
    }

    /// Households with bills past their due day and not fully paid, most owed first.
    func arrears(scope: DataScope, compound: OrgNode?, company: UUID?, limit: Int = 500) async throws -> [Arrears] {
        let today = ShanghaiTime.today(now)
        var sql: SQLQueryString = """
            SELECT household_id, COUNT(*) AS n, CAST(SUM(amount_fen - paid_fen) AS BIGINT) AS owed, MIN(due_day) AS oldest FROM \(ident: PropertyBill.schema) \
            WHERE status = 'open' AND paid_fen < amount_fen AND due_day < \(bind: today) AND \(scope.sqlCondition())
            """
        if let compound { sql += " AND compound_id = \(bind: compound.id!)" }
        if let company { sql += " AND company_id = \(bind: company)" }
        sql += " GROUP BY household_id ORDER BY owed DESC LIMIT \(literal: limit)"
        var rows: [(UUID, Int, Int, String)] = []
        for row in try await db.sql.raw(sql).all() {
            rows.append((try row.decode(column: "household_id", as: UUID.self), try row.decode(column: "n", as: Int.self),
                         try row.decode(column: "owed", as: Int.self), try row.decode(column: "oldest", as: String.self)))
        }
        let ids = rows.map(\.0)
        let addresses = Dictionary(try await Household.query(on: db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.address) }) { a, _ in a }
        var dunned: [UUID: Date] = [:]
        for n in try await DunningNotice.query(on: db).filter(\.$householdID ~~ ids).all() { dunned[n.householdID] = max(dunned[n.householdID] ?? n.at, n.at) }
        return rows.map { Arrears(householdId: $0.0, address: addresses[$0.0] ?? "", bills: $0.1, arrearsFen: $0.2, oldestDueDay: $0.3, lastDunnedAt: dunned[$0.0]) }
    }

    /// Sends a dunning notice (催缴通知) to every household of `compound` in arrears with `company`: a notice row each,
    /// and a message to the residents' accounts linked to the household.
    func dun(compound: OrgNode, company: PropertyCompany, by actor: Actor, source: AuditSource) async throws -> Int {
        let list = try await arrears(scope: DataScope(rootPath: compound.path), compound: compound, company: company.id, limit: 100_000)
        guard !list.isEmpty else { return 0 }
        let residents = try await Resident.query(on: db).filter(\.$householdID ~~ list.map(\.householdId)).all()
        let users = try await User.query(on: db).filter(\.$residentID ~~ residents.compactMap(\.id)).filter(\.$active == true).all()
        let householdOf = Dictionary(residents.map { ($0.id!, $0.householdID) }) { a, _ in a }
        return try await db.writeTransaction { tx in
            for a in list {
                let n = DunningNotice()
                n.householdID = a.householdId
                n.companyID = company.id!
                n.nodePath = try await Household.find(a.householdId, on: tx)?.nodePath ?? compound.path
                n.arrearsFen = a.arrearsFen
                n.bills = a.bills
                n.actorName = actor.user.displayName
                n.at = now
                try await n.create(on: tx)
                for u in users where u.residentID.flatMap({ householdOf[$0] }) == a.householdId {
                    let msg = Notification()
                    msg.userID = u.id!
                    msg.kind = "dunning"
                    msg.text = "\(company.name)：您家有 \(a.bills) 笔物业费逾期未缴，合计 \(Money.yuan(a.arrearsFen)) 元，请及时缴纳。"
                    msg.createdAt = now
                    try await msg.create(on: tx)
                }
            }
            try await AuditLog.record(on: tx, by: source, at: now, action: "dun", entity: "property_dunning", entityID: compound.id,
                                      nodePath: compound.path, summary: "\(compound.name) 向 \(list.count) 户发出催缴通知")
            return list.count
        }
    }

    static let billHeader = ["住址", "账期", "收费项目", "应缴(元)", "已缴(元)", "欠缴(元)", "状态", "缴费截止日"]

    /// The bills in scope (optionally one period and one compound) as CSV, UTF-8 with BOM.
    func csv(scope: DataScope, period: String?, compound: OrgNode?, company: UUID? = nil) async throws -> String {
        let (bills, addresses) = try await bills(scope: scope, period: period, compound: compound, company: company)
        var out = CSV.utf8BOM + CSV.line(Self.billHeader)
        for b in bills {
            out += CSV.line([addresses[b.householdID], b.period, b.itemName, Money.yuan(b.amountFen), Money.yuan(b.paidFen), Money.yuan(b.owedFen),
                             Self.status(b), b.dueDay])
        }
        return out
    }

    /// The same bills as a workbook: amounts in yuan as numbers, the due day as a date.
    func xlsx(scope: DataScope, period: String?, compound: OrgNode?, company: UUID? = nil) async throws -> Data {
        let (bills, addresses) = try await bills(scope: scope, period: period, compound: compound, company: company)
        let rows: [[SpreadsheetCell]] = bills.map { b in
            [.of(addresses[b.householdID]), .text(b.period), .text(b.itemName), .number(Double(b.amountFen) / 100), .number(Double(b.paidFen) / 100),
             .number(Double(b.owedFen) / 100), .text(Self.status(b)), .date(b.dueDay)]
        }
        return try Spreadsheet.write(sheet: "账单", header: Self.billHeader, rows: rows, modified: now)
    }

    private func bills(scope: DataScope, period: String?, compound: OrgNode?, company: UUID?) async throws -> ([PropertyBill], [UUID: String]) {
        var q = PropertyBill.query(on: db).within(scope).ofCompany(company)
        if let period { q = q.filter(\.$period == period) }
        if let compound { q = q.filter(\.$compoundID == compound.id!) }
        let bills = try await q.sort(\.$nodePath).sort(\.$period).limit(200_000).all()
        let addresses = Dictionary(try await Household.query(on: db).filter(\.$id ~~ Set(bills.map(\.householdID))).all().map { ($0.id!, $0.address) }) { a, _ in a }
        return (bills, addresses)
    }

    static func status(_ b: PropertyBill) -> String {
        b.state == .cancelled ? "已作废" : (b.owedFen == 0 ? "已缴清" : (b.paidFen > 0 ? "部分缴纳" : "未缴"))
    }
}

extension QueryBuilder where Model == PropertyBill {
    /// Only `company`'s bills when one is given.
    func ofCompany(_ company: UUID?) -> Self {
        company.map { filter(\.$companyID == $0) } ?? self
    }
}
