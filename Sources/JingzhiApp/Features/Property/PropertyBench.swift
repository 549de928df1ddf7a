import Fluent
import JingzhiCore
import Vapor

/// `jingzhi bench`, property part: bill generation for every served compound (bills per second) and the monthly
/// scoring of every company of the data set.
enum PropertyBench {
    static func run(_ app: Application, log: @escaping @Sendable (String) -> Void) async throws -> [String] {
        let db = app.db
        guard let root = try await OrgNode.query(on: db).filter(\.$parentID == nil).filter(\.$kindRaw == NodeKind.county.rawValue).sort(\.$path).first() else { return [] }
        let now = app.clock.now()
        let source = AuditSource.cli("bench")
        // Data sets without property data (the city) get one company serving every compound, billed per household.
        if try await PropertyContract.query(on: db).count() == 0 {
            let service = CompanyService(db: db, now: now, source: source)
            let company = try await service.createCompany(.init(name: "基准测试物业", licenceNo: "BENCH-0001", contactName: "测试",
                                                                contactPhone: "13800000000", partyBranch: nil, kind: "market"))
            let compounds = try await OrgNode.query(on: db).within(DataScope(rootPath: root.path)).filter(\.$kindRaw == NodeKind.compound.rawValue).all()
            try await db.transaction { tx in
                for c in compounds {
                    let k = PropertyContract()
                    k.companyID = company.id; k.compoundID = c.id!; k.nodePath = c.path; k.model = "full"
                    k.startDay = "2020-01-01"; k.endDay = "2099-12-31"; k.feeFenPerM2 = 100; k.status = ContractState.active.rawValue; k.createdAt = now
                    try await k.create(on: tx)
                }
            }
            _ = try await FeeService(db: db, now: now, source: source).createItem(company: company, name: "物业服务费(按户)", basis: "per_household", unitFen: 9000)
        }
        let contracts = try await PropertyScope.activeContracts(on: db, now: now).filter(\.$companyID != nil).all()
        let items = try await FeeItem.query(on: db).all()
        let compounds = Dictionary(try await OrgNode.query(on: db).filter(\.$id ~~ contracts.map(\.compoundID)).all().map { ($0.id!, $0) }) { a, _ in a }
        // A period nobody has billed yet, so every run bills everyone once.
        var period = "2090-01"
        if let last = try await PropertyBill.query(on: db).filter(\.$period >= period).sort(\.$period, .descending).first()?.period {
            let y = Int(last.prefix(4))!, m = Int(last.suffix(2))!
            period = m == 12 ? String(format: "%04d-01", y + 1) : String(format: "%04d-%02d", y, m + 1)
        }
        let fees = FeeService(db: db, now: now, source: source)
        let t0 = Date()
        var bills = 0
        for c in contracts {
            guard let compound = compounds[c.compoundID],
                  let item = items.first(where: { $0.companyID == c.companyID && ["per_m2", "per_household"].contains($0.basis) }) else { continue }
            bills += try await fees.generate(compound: compound, item: item, period: period).created
        }
        let billSeconds = Date().timeIntervalSince(t0)
        let t1 = Date()
        let month = ShanghaiTime.month(ShanghaiTime.currentMonth(now), plus: -1)
        let service = RatingService(db: db, now: now)
        let lines = try await service.compute(county: root, month: month, config: try await service.config(county: root))
        let scoreSeconds = Date().timeIntervalSince(t1)
        log("property bench done")
        // Baseline in the same run: reading a resident by primary key, as a rate.
        var reads = 0.0
        if let resident = try await Resident.query(on: db).first() {
            let t = try await Bench.measure(30) { _ = try await Resident.find(resident.id, on: db) }
            reads = 1000 / t.0
        }
        let billRate = Double(bills) / max(billSeconds, 0.001)
        let scoreRate = Double(lines.filter { $0.level == "compound" }.count) / max(scoreSeconds, 0.001)
        return [
            "",
            String(format: "baseline: %.0f primary-key reads/s", reads),
            "| property | count | seconds | per second | × baseline rate |",
            "|---|---:|---:|---:|---:|",
            String(format: "| bill generation, %d compounds (period %@) | %d bills | %.1f | %.0f bills/s | %.2f |", contracts.count, period, bills, billSeconds,
                   billRate, reads > 0 ? billRate / reads : 0),
            String(format: "| monthly scoring %@, all companies and compounds | %d lines | %.1f | %.1f compounds/s | %.3f |", month,
                   lines.count, scoreSeconds, scoreRate, reads > 0 ? scoreRate / reads : 0),
        ]
    }
}
