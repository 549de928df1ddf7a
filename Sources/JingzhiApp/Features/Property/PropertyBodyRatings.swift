import Fluent
import JingzhiCore
import Vapor

/// A body's evaluation of the property company serving a compound (the compound's monthly 议事会 voting on it), counted
/// in the month's rating as residents' ratings: each ballot one rating, 满意 5 stars, 基本满意 3, 不满意 1 (M112).
final class PropertyBodyRating: Model, PathScoped, @unchecked Sendable {
    static let schema = "property_body_ratings"
    static var pathKey: KeyPath<PropertyBodyRating, FieldProperty<PropertyBodyRating, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "compound_id") var compoundID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "month") var month: String
    /// Ratings it counts as, and their stars together.
    @Field(key: "ratings") var ratings: Int
    @Field(key: "stars") var stars: Int
    /// What gave it (`topic-vote:<vote>`), unique: a result feeds the rating once.
    @Field(key: "source_ref") var sourceRef: String
    @Field(key: "summary") var summary: String
    @Field(key: "at") var at: Date

    init() {}
}

/// The entry point other features use to feed a body's evaluation into the property rating (no feature writes the
/// table itself).
struct PropertyBodyRatings {
    let db: any Database
    let now: Date
    let source: AuditSource

    static let stars = (satisfied: 5, basically: 3, unsatisfied: 1)

    /// Records the counts of a frozen evaluation of the company serving `compound` for the month of `now`; the same
    /// `sourceRef` again returns the first record. 422 when the company does not serve the compound now.
    @discardableResult
    func record(compound: OrgNode, company: UUID, satisfied: Int, basically: Int, unsatisfied: Int, sourceRef: String,
                summary: String) async throws -> PropertyBodyRating {
        if let seen = try await PropertyBodyRating.query(on: db).filter(\.$sourceRef == sourceRef).first() { return seen }
        guard compound.kind == .compound, try await PropertyScope.contract(of: compound.id!, on: db, now: now)?.companyID == company else {
            throw APIError.invalid("company", "该物业企业目前不服务这个小区 (the company does not serve this compound)")
        }
        let r = PropertyBodyRating()
        r.companyID = company
        r.compoundID = compound.id!
        r.nodePath = compound.path
        r.month = ShanghaiTime.currentMonth(now)
        r.ratings = satisfied + basically + unsatisfied
        r.stars = satisfied * Self.stars.satisfied + basically * Self.stars.basically + unsatisfied * Self.stars.unsatisfied
        r.sourceRef = sourceRef
        r.summary = summary
        r.at = now
        let source = source, now = now
        try await db.writeTransaction { tx in
            try await r.create(on: tx)
            try await AuditLog.record(on: tx, by: source, at: now, action: "rate", entity: "property_body_rating", entityID: r.id,
                                      nodePath: compound.path, summary: "\(summary)：计入物业评价 \(r.ratings) 份，共 \(r.stars) 星（\(r.month)）")
        }
        return r
    }

    /// A month's body ratings per compound and company under `path`, added to the residents' ratings by the gatherer.
    static func totals(under path: String, month: String, on db: any Database) async throws -> [(compound: UUID, company: UUID, ratings: Int, stars: Int)] {
        try await PropertyBodyRating.query(on: db).within(DataScope(rootPath: path)).filter(\.$month == month).all()
            .map { (compound: $0.compoundID, company: $0.companyID, ratings: $0.ratings, stars: $0.stars) }
    }
}
