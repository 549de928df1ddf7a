import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// One line of a month's rating.
struct RatingLine: Content, Equatable {
    let level: String
    let companyId: UUID
    let compoundId: UUID?
    let name: String
    let score: Double?
    let stars: Int
    var list: String
    var rank: Int
    let inputs: RatingInputs
}

struct RatingMonthDTO: Content {
    let county: String
    let month: String
    let published: Bool
    let publishedAt: Date?
    let config: ScoringConfig
    let companies: [RatingLine]
    let compounds: [RatingLine]
    let red: [String]
    let black: [String]
}

/// Computes a county's month from the live data, or, once the month is published, returns its snapshot.
struct RatingService {
    let db: any Database
    let now: Date

    func config(county: OrgNode) async throws -> ScoringConfig {
        guard let record = try await ScoringConfigRecord.query(on: db).filter(\.$countyPath == county.path).first() else { return .standard }
        return try JSONDecoder().decode(ScoringConfig.self, from: Data(record.config.utf8))
    }

    func saveConfig(_ config: ScoringConfig, county: OrgNode, source: AuditSource) async throws {
        let checked = try config.validated()
        let json = String(decoding: try JSONEncoder.sorted.encode(checked), as: UTF8.self)
        try await db.writeTransaction { tx in
            let record = try await ScoringConfigRecord.query(on: tx).filter(\.$countyPath == county.path).first() ?? ScoringConfigRecord()
            let old = record.id == nil ? nil : record.config
            record.countyPath = county.path
            record.config = json
            record.updatedBy = source.actorName
            record.updatedAt = now
            try await record.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "update", entity: "property_scoring", entityID: record.id,
                                      nodePath: county.path, summary: "\(county.name) 修改物业评分规则", changes: ["config": [old, json]])
        }
    }

    /// The month: its snapshot when published, otherwise computed now.
    func month(county: OrgNode, month: String) async throws -> RatingMonthDTO {
        if let published = try await RatingMonth.query(on: db).filter(\.$countyPath == county.path).filter(\.$month == month).first() {
            let config = try JSONDecoder().decode(ScoringConfig.self, from: Data(published.config.utf8))
            let rows = try await RatingRow.query(on: db).filter(\.$monthID == published.id!).sort(\.$rank).all()
            let lines = try rows.map { r in
                RatingLine(level: r.level, companyId: r.companyID, compoundId: r.compoundID, name: r.name,
                           score: r.scoreTenths < 0 ? nil : Double(r.scoreTenths) / 10, stars: r.stars, list: r.list, rank: r.rank,
                           inputs: try JSONDecoder().decode(RatingInputs.self, from: Data(r.inputs.utf8)))
            }
            return dto(county, month, config: config, lines: lines, publishedAt: published.publishedAt)
        }
        let config = try await config(county: county)
        return dto(county, month, config: config, lines: try await compute(county: county, month: month, config: config), publishedAt: nil)
    }

    private func dto(_ county: OrgNode, _ month: String, config: ScoringConfig, lines: [RatingLine], publishedAt: Date?) -> RatingMonthDTO {
        let companies = lines.filter { $0.level == "company" }.sorted { $0.rank < $1.rank }
        return RatingMonthDTO(county: county.name, month: month, published: publishedAt != nil, publishedAt: publishedAt, config: config,
                              companies: companies, compounds: lines.filter { $0.level == "compound" }.sorted { $0.rank < $1.rank },
                              red: companies.filter { $0.list == "red" }.map(\.name), black: companies.filter { $0.list == "black" }.map(\.name))
    }

    /// Publishes a finished month: computes it and stores every line with its inputs. A month is published once.
    func publish(county: OrgNode, month: String, source: AuditSource) async throws -> RatingMonthDTO {
        guard month < ShanghaiTime.currentMonth(now) else {
            throw APIError.invalid("month", "只能发布已结束的月份 (only a finished month can be published)")
        }
        let refused = APIError.conflict("该月已发布，不能重复发布 (this month is already published)", code: "already_published")
        if try await RatingMonth.query(on: db).filter(\.$countyPath == county.path).filter(\.$month == month).first() != nil { throw refused }
        let config = try await config(county: county)
        let lines = try await compute(county: county, month: month, config: config)
        do {
            try await db.writeTransaction { tx in
                let m = RatingMonth()
                m.countyPath = county.path
                m.month = month
                m.config = String(decoding: try JSONEncoder.sorted.encode(config), as: UTF8.self)
                m.publishedBy = source.actorName
                m.publishedAt = now
                try await m.create(on: tx)
                for l in lines {
                    let r = RatingRow()
                    r.monthID = m.id!
                    r.level = l.level
                    r.companyID = l.companyId
                    r.compoundID = l.compoundId
                    r.name = l.name
                    r.scoreTenths = l.score.map { Int(($0 * 10).rounded()) } ?? -1
                    r.stars = l.stars
                    r.list = l.list
                    r.rank = l.rank
                    r.inputs = String(decoding: try JSONEncoder.sorted.encode(l.inputs), as: UTF8.self)
                    try await r.create(on: tx)
                }
                let summary = "\(county.name) 发布 \(month) 物业红黑榜：红榜 \(lines.filter { $0.list == "red" }.map(\.name).joined(separator: "、"))；黑榜 \(lines.filter { $0.list == "black" }.map(\.name).joined(separator: "、"))"
                try await AuditLog.record(on: tx, by: source, at: now, action: "publish", entity: "property_rating", entityID: m.id,
                                          nodePath: county.path, summary: summary)
            }
        } catch let e as any DatabaseError where e.isConstraintFailure {
            throw refused
        }
        return try await self.month(county: county, month: month)
    }

    /// The lines of a month from the live data: every compound served by a company during the month, and every such company.
    func compute(county: OrgNode, month: String, config: ScoringConfig) async throws -> [RatingLine] {
        let first = month + "-01", last = ShanghaiTime.lastDay(of: month)
        let contracts = try await PropertyContract.query(on: db).within(DataScope(rootPath: county.path))
            .filter(\.$companyID != nil).filter(\.$startDay <= last).filter(\.$endDay >= first).sort(\.$startDay).all()
        // A compound handed over during the month counts for the company that served it last.
        var companyOf: [UUID: UUID] = [:]
        for c in contracts { companyOf[c.compoundID] = c.companyID }
        let compounds = try await OrgNode.query(on: db).filter(\.$id ~~ Array(companyOf.keys)).all()
        let companies = Dictionary(try await PropertyCompany.query(on: db).filter(\.$id ~~ Array(Set(companyOf.values))).all().map { ($0.id!, $0) }) { a, _ in a }
        var gather = RatingInputsGatherer(db: db, now: now, month: month)
        try await gather.load(county: county, compounds: compounds)
        var perCompound: [(OrgNode, UUID, RatingInputs)] = []
        for compound in compounds {
            guard let company = companyOf[compound.id!] else { continue }
            perCompound.append((compound, company, try await gather.inputs(compound: compound, company: company)))
        }
        var lines: [RatingLine] = []
        var compoundLines = perCompound.map { compound, company, inputs -> RatingLine in
            let tenths = inputs.scoreTenths(config)
            return RatingLine(level: "compound", companyId: company, compoundId: compound.id, name: compound.name, score: tenths.map { Double($0) / 10 },
                              stars: tenths.map { RatingRules.stars($0, config) } ?? 1, list: "", rank: 0, inputs: inputs)
        }
        compoundLines.sort { ($0.score ?? -1, $1.name) > ($1.score ?? -1, $0.name) }
        for i in compoundLines.indices { compoundLines[i].rank = i + 1 }
        var companyLines: [RatingLine] = Dictionary(grouping: perCompound, by: \.1).compactMap { id, rows in
            guard let company = companies[id] else { return nil }
            let inputs = rows.map(\.2).reduce(RatingInputs(), +)
            let tenths = inputs.scoreTenths(config)
            return RatingLine(level: "company", companyId: id, compoundId: nil, name: company.name, score: tenths.map { Double($0) / 10 },
                              stars: tenths.map { RatingRules.stars($0, config) } ?? 1, list: "", rank: 0, inputs: inputs)
        }
        companyLines.sort { ($0.score ?? -1, $1.name) > ($1.score ?? -1, $0.name) }
        let (red, black) = RatingRules.lists(companyLines.map { ($0.companyId, $0.name, Int((($0.score ?? -0.1) * 10).rounded()), $0.stars) }, config)
        for i in companyLines.indices {
            companyLines[i].rank = i + 1
            companyLines[i].list = red.contains(companyLines[i].companyId) ? "red" : (black.contains(companyLines[i].companyId) ? "black" : "")
        }
        lines += companyLines
        lines += compoundLines
        return lines
    }
}

/// Reads the inputs of a month: households, complaints, bills, inspections and ratings for all compounds at once
/// (grouped queries), the property case rates per compound through `CaseMeasuresService`.
struct RatingInputsGatherer {
    let db: any Database
    let now: Date
    let month: String
    private var households: [String: Int] = [:]
    private var complaints: [String: Int] = [:]
    private var bills: [String: (Int, Int)] = [:]
    private var inspections: [UUID: PropertyInspection] = [:]
    private var ratings: [String: (Int, Int)] = [:]
    private var service: CaseCategory?

    init(db: any Database, now: Date, month: String) {
        self.db = db
        self.now = now
        self.month = month
    }

    /// Loads the grouped figures of `compounds` (all under `county`).
    mutating func load(county: OrgNode, compounds: [OrgNode]) async throws {
        let from = try ShanghaiTime.dayStart(month + "-01", field: "month")
        let to = try ShanghaiTime.dayStart(ShanghaiTime.lastDay(of: month), field: "month").addingTimeInterval(86400)
        let range = DataScope.subtree(county.path)
        // A compound's rows are those whose path starts with the compound's path: group by that prefix.
        for length in Set(compounds.map(\.path.count)) {
            let prefix: SQLQueryString = "substr(node_path, 1, \(literal: length))"
            for row in try await db.sql.raw("SELECT \(prefix) AS p, COUNT(*) AS n FROM \(ident: Household.schema) WHERE \(range) GROUP BY \(prefix)").all() {
                households[try row.decode(column: "p", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
            let complaint: SQLQueryString = "SELECT \(prefix) AS p, COUNT(*) AS n FROM \(ident: Case.schema) WHERE \(range) AND category_code = "
                + "\(bind: PropertyCatalog.complaintCategory) AND created_at >= \(bind: from) AND created_at < \(bind: to) GROUP BY \(prefix)"
            for row in try await db.sql.raw(complaint).all() {
                complaints[try row.decode(column: "p", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
        }
        let billSQL: SQLQueryString = "SELECT compound_id, company_id, CAST(SUM(amount_fen) AS BIGINT) AS billed, CAST(SUM(paid_fen) AS BIGINT) AS paid "
            + "FROM \(ident: PropertyBill.schema) WHERE period = \(bind: month) AND status = 'open' AND \(range) GROUP BY compound_id, company_id"
        for row in try await db.sql.raw(billSQL).all() {
            let key = try row.decode(column: "compound_id", as: UUID.self).uuidString + (try row.decode(column: "company_id", as: UUID.self).uuidString)
            bills[key] = (try row.decode(column: "billed", as: Int.self), try row.decode(column: "paid", as: Int.self))
        }
        for i in try await PropertyInspection.query(on: db).within(DataScope(rootPath: county.path)).filter(\.$month == month).all() {
            inspections[i.compoundID] = i
        }
        for r in try await ResidentCompanyRating.query(on: db).within(DataScope(rootPath: county.path)).filter(\.$month == month).all() {
            let key = r.compoundID.uuidString + r.companyID.uuidString
            ratings[key, default: (0, 0)].0 += 1
            ratings[key, default: (0, 0)].1 += r.stars
        }
        // The compounds' 议事会 evaluations count as residents' ratings (PropertyBodyRatings).
        for b in try await PropertyBodyRatings.totals(under: county.path, month: month, on: db) {
            let key = b.compound.uuidString + b.company.uuidString
            ratings[key, default: (0, 0)].0 += b.ratings
            ratings[key, default: (0, 0)].1 += b.stars
        }
        service = try await CaseCategory.query(on: db).filter(\.$code == PropertyCatalog.serviceCategory).first()
    }

    func inputs(compound: OrgNode, company: UUID) async throws -> RatingInputs {
        var i = RatingInputs()
        i.households = households[compound.path] ?? 0
        i.complaints = complaints[compound.path] ?? 0
        if let service {
            let m = try await CaseMeasuresService(db: db, now: now).measures(
                CaseMeasuresQuery(node: compound, from: month + "-01", to: ShanghaiTime.lastDay(of: month), category: service))
            func f(_ x: CaseMeasures.Fraction) -> RatingInputs.Fraction { .init(num: x.numerator, den: x.denominator) }
            i.response = f(m.basis.response)
            i.resolution = f(m.basis.resolution)
            i.satisfaction = f(m.basis.satisfaction)
            i.onTime = f(m.basis.onTime)
            i.propertyCases = m.counts.total
        }
        let key = compound.id!.uuidString + company.uuidString
        (i.billedFen, i.collectedFen) = bills[key] ?? (0, 0)
        if let inspection = inspections[compound.id!] {
            i.inspectionPoints = inspection.total
            i.inspectionMax = inspection.maxTotal
        }
        (i.ratings, i.ratingStars) = ratings[key] ?? (0, 0)
        return i
    }
}

extension JSONEncoder {
    /// Keys sorted, so the same value always gives the same text.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
