import Fluent
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
        guard month < PropertyDates.currentMonth(now) else {
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
        let first = month + "-01", last = PropertyDates.lastDay(of: month)
        let contracts = try await PropertyContract.query(on: db).within(DataScope(rootPath: county.path))
            .filter(\.$companyID != nil).filter(\.$startDay <= last).filter(\.$endDay >= first).sort(\.$startDay).all()
        // A compound handed over during the month counts for the company that served it last.
        var companyOf: [UUID: UUID] = [:]
        for c in contracts { companyOf[c.compoundID] = c.companyID }
        let compounds = try await OrgNode.query(on: db).filter(\.$id ~~ Array(companyOf.keys)).all()
        let companies = Dictionary(try await PropertyCompany.query(on: db).filter(\.$id ~~ Array(Set(companyOf.values))).all().map { ($0.id!, $0) }) { a, _ in a }
        let gather = RatingInputsGatherer(db: db, now: now, month: month)
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

/// Reads the inputs of one compound's month from cases, bills, inspections and residents' ratings.
struct RatingInputsGatherer {
    let db: any Database
    let now: Date
    let month: String

    func inputs(compound: OrgNode, company: UUID) async throws -> RatingInputs {
        var i = RatingInputs()
        let scope = DataScope(rootPath: compound.path)
        i.households = try await Household.query(on: db).within(scope).count()
        let measures = CaseMeasuresService(db: db, now: now)
        let from = month + "-01", to = PropertyDates.lastDay(of: month)
        if let service = try await CaseCategory.query(on: db).filter(\.$code == PropertyCatalog.serviceCategory).first() {
            let m = try await measures.measures(CaseMeasuresQuery(node: compound, from: from, to: to, category: service))
            func f(_ x: CaseMeasures.Fraction) -> RatingInputs.Fraction { .init(num: x.numerator, den: x.denominator) }
            i.response = f(m.basis.response)
            i.resolution = f(m.basis.resolution)
            i.satisfaction = f(m.basis.satisfaction)
            i.onTime = f(m.basis.onTime)
            i.propertyCases = m.counts.total
        }
        if let complaint = try await CaseCategory.query(on: db).filter(\.$code == PropertyCatalog.complaintCategory).first() {
            i.complaints = try await measures.measures(CaseMeasuresQuery(node: compound, from: from, to: to, category: complaint)).counts.total
        }
        let bills = try await PropertyBill.query(on: db).filter(\.$compoundID == compound.id!).filter(\.$companyID == company)
            .filter(\.$period == month).filter(\.$status == "open").all()
        i.billedFen = bills.reduce(0) { $0 + $1.amountFen }
        i.collectedFen = bills.reduce(0) { $0 + $1.paidFen }
        if let inspection = try await PropertyInspection.query(on: db).filter(\.$compoundID == compound.id!).filter(\.$month == month).first() {
            i.inspectionPoints = inspection.total
            i.inspectionMax = inspection.maxTotal
        }
        let ratings = try await ResidentCompanyRating.query(on: db).filter(\.$compoundID == compound.id!).filter(\.$companyID == company)
            .filter(\.$month == month).all()
        i.ratings = ratings.count
        i.ratingStars = ratings.reduce(0) { $0 + $1.stars }
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
