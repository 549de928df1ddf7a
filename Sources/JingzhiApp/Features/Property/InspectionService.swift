import Fluent
import JingzhiCore
import Vapor

/// The community's monthly inspection of a compound, and residents' ratings of their company.
struct InspectionService {
    let db: any Database
    let now: Date
    let source: AuditSource

    init(req: Request) {
        db = req.db
        now = req.now
        source = req.auditSource
    }

    /// Points for every active checklist item (whole numbers from 0 to the item's maximum). A second entry for the
    /// same compound and month replaces the first (the audit log keeps both).
    func record(compound: OrgNode, month raw: String?, scores: [String: Double]?, note: String?, by actor: Actor) async throws -> PropertyInspection {
        let month = try ShanghaiTime.parseMonth(raw)
        guard month <= ShanghaiTime.currentMonth(now) else { throw APIError.invalid("month", "不能检查未来的月份 (month is in the future)") }
        let items = try await InspectionItem.query(on: db).filter(\.$active == true).sort(\.$code).all()
        let given = scores ?? [:]
        var points: [String: Int] = [:]
        for item in items {
            guard let value = given[item.code] else { throw APIError.missing("scores.\(item.code)") }
            guard value == value.rounded(), (0...Double(item.maxPoints)).contains(value) else {
                throw APIError.invalid("scores.\(item.code)", "\(item.name) 得分须为 0–\(item.maxPoints) 的整数 (points must be whole, 0–\(item.maxPoints))")
            }
            points[item.code] = Int(value)
        }
        if let unknown = given.keys.first(where: { points[$0] == nil }) {
            throw APIError.invalid("scores.\(unknown)", "未知检查项 \(unknown) (unknown checklist item)")
        }
        let scored = points
        let text = try Validate.text(note, field: "note", max: 500, required: false)
        let company = try await PropertyScope.contract(of: compound.id!, on: db, now: now)?.companyID
        return try await db.writeTransaction { tx in
            let i = try await PropertyInspection.query(on: tx).filter(\.$compoundID == compound.id!).filter(\.$month == month).first() ?? PropertyInspection()
            let old = i.id == nil ? nil : "\(i.total)/\(i.maxTotal)"
            i.compoundID = compound.id!
            i.companyID = company
            i.nodePath = compound.path
            i.month = month
            i.scores = String(decoding: try JSONEncoder.sorted.encode(scored), as: UTF8.self)
            i.total = scored.values.reduce(0, +)
            i.maxTotal = items.reduce(0) { $0 + $1.maxPoints }
            i.note = text
            i.inspector = actor.user.displayName
            i.at = now
            try await i.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "inspect", entity: "property_inspection", entityID: i.id,
                                      nodePath: compound.path, summary: "\(compound.name) \(month) 物业检查 \(i.total)/\(i.maxTotal) 分",
                                      changes: ["score": [old, "\(i.total)/\(i.maxTotal)"]])
            return i
        }
    }

    /// The household, compound and serving contract of a resident account, or nil when the account is not linked.
    static func home(of actor: Actor, on db: any Database, now: Date) async throws -> (Household, OrgNode, PropertyContract?)? {
        guard let rid = actor.user.residentID, let r = try await Resident.find(rid, on: db),
              let h = try await Household.find(r.householdID, on: db), let node = try await OrgNode.find(h.nodeID, on: db) else { return nil }
        guard let compound = try await OrgService(db: db, now: now).ancestors(of: node).last(where: { $0.kind == .compound }) else { return nil }
        return (h, compound, try await PropertyScope.contract(of: compound.id!, on: db, now: now))
    }

    /// A resident's 1–5 stars for the company serving their compound this month; rating again replaces it.
    func rate(by actor: Actor, stars: Double?, comment: String?) async throws -> ResidentCompanyRating {
        guard actor.role == .resident else { throw APIError.forbidden }
        guard let stars, stars == stars.rounded(), (1...5).contains(stars) else {
            throw APIError.invalid("stars", "评分须为 1–5 星 (stars must be 1–5)")
        }
        let text = try Validate.text(comment, field: "comment", max: 300, required: false)
        guard let (household, compound, contract) = try await Self.home(of: actor, on: db, now: now) else {
            throw APIError.conflict("请先完成住户认证 (link your account to your household first)", code: "not_linked")
        }
        guard let companyID = contract?.companyID else {
            throw APIError.conflict("您的小区目前没有物业企业 (your compound has no property company)", code: "no_company")
        }
        let month = ShanghaiTime.currentMonth(now)
        return try await db.writeTransaction { tx in
            let r = try await ResidentCompanyRating.query(on: tx).filter(\.$userID == actor.userID).filter(\.$companyID == companyID)
                .filter(\.$month == month).first() ?? ResidentCompanyRating()
            r.companyID = companyID
            r.compoundID = compound.id!
            r.nodePath = household.nodePath
            r.userID = actor.userID
            r.month = month
            r.stars = Int(stars)
            r.comment = text
            r.at = now
            try await r.save(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "rate", entity: "property_resident_rating", entityID: r.id,
                                      nodePath: household.nodePath, summary: "居民评价物业 \(Int(stars)) 星（\(month)）")
            return r
        }
    }
}
