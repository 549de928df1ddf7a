import Fluent
import Foundation
import JingzhiCore

/// One line of the community's inspection checklist (物业服务检查表), worth up to `maxPoints`.
final class InspectionItem: Model, @unchecked Sendable {
    static let schema = "property_inspection_items"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "max_points") var maxPoints: Int
    @Field(key: "active") var active: Bool

    init() {}

    static let defaults: [(code: String, name: String, points: Int)] = [
        ("cleaning", "环境卫生保洁", 20), ("greening", "绿化养护", 15), ("security", "秩序维护与门岗", 20),
        ("facilities", "共用设施设备维护", 20), ("fire", "消防通道与器材", 15), ("publicity", "收费公示与党建阵地", 10),
    ]
}

/// A community's inspection of one compound in one month: points per checklist item.
final class PropertyInspection: Model, PathScoped, @unchecked Sendable {
    static let schema = "property_inspections"
    static var pathKey: KeyPath<PropertyInspection, FieldProperty<PropertyInspection, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "compound_id") var compoundID: UUID
    @OptionalField(key: "company_id") var companyID: UUID?
    @Field(key: "node_path") var nodePath: String
    @Field(key: "month") var month: String
    /// JSON `{"item code": points}`.
    @Field(key: "scores") var scores: String
    @Field(key: "total") var total: Int
    @Field(key: "max_total") var maxTotal: Int
    @OptionalField(key: "note") var note: String?
    @Field(key: "inspector") var inspector: String
    @Field(key: "at") var at: Date

    init() {}
}

/// A resident's rating (1–5 stars) of the company serving their compound, once a month (a new rating replaces it).
final class ResidentCompanyRating: Model, PathScoped, @unchecked Sendable {
    static let schema = "property_resident_ratings"
    static var pathKey: KeyPath<ResidentCompanyRating, FieldProperty<ResidentCompanyRating, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "company_id") var companyID: UUID
    @Field(key: "compound_id") var compoundID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "user_id") var userID: UUID
    @Field(key: "month") var month: String
    @Field(key: "stars") var stars: Int
    @OptionalField(key: "comment") var comment: String?
    @Field(key: "at") var at: Date

    init() {}
}

/// The scoring rules of a county, as JSON (see `ScoringConfig`); absent means the defaults.
final class ScoringConfigRecord: Model, @unchecked Sendable {
    static let schema = "property_scoring_configs"

    @ID(key: .id) var id: UUID?
    @Field(key: "county_path") var countyPath: String
    @Field(key: "config") var config: String
    @Field(key: "updated_by") var updatedBy: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// A published month of a county's rating (物业定星、小区定级, 红黑榜), with the rules used.
final class RatingMonth: Model, @unchecked Sendable {
    static let schema = "property_rating_months"

    @ID(key: .id) var id: UUID?
    @Field(key: "county_path") var countyPath: String
    @Field(key: "month") var month: String
    @Field(key: "config") var config: String
    @Field(key: "published_by") var publishedBy: String
    @Field(key: "published_at") var publishedAt: Date

    init() {}
}

/// One company's or compound's line of a published month, with the inputs behind it (the snapshot).
final class RatingRow: Model, @unchecked Sendable {
    static let schema = "property_rating_rows"

    @ID(key: .id) var id: UUID?
    @Field(key: "month_id") var monthID: UUID
    /// `company` or `compound`.
    @Field(key: "level") var level: String
    @Field(key: "company_id") var companyID: UUID
    @OptionalField(key: "compound_id") var compoundID: UUID?
    @Field(key: "name") var name: String
    /// Score out of 100, in tenths (87.5 → 875).
    @Field(key: "score_tenths") var scoreTenths: Int
    @Field(key: "stars") var stars: Int
    /// `red`, `black` or `` (companies only).
    @Field(key: "list") var list: String
    @Field(key: "rank") var rank: Int
    /// JSON of the `RatingInputs` the score came from.
    @Field(key: "inputs") var inputs: String

    init() {}
}
