import Fluent
import Foundation
import JingzhiCore
import Vapor

/// A door-knocking visit (入户走访 / 敲门行动) to a household.
final class Visit: Model, PathScoped, @unchecked Sendable {
    static let schema = "visits"
    static var pathKey: KeyPath<Visit, FieldProperty<Visit, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "household_id") var householdID: UUID
    @Field(key: "node_path") var nodePath: String
    @OptionalField(key: "visitor_id") var visitorID: UUID?
    @Field(key: "visitor_name") var visitorName: String
    @Field(key: "visited_on") var visitedOn: String
    /// 入户走访 / 民情三访 / 关爱探访 / 政策宣传.
    @Field(key: "kind") var kind: String
    @Field(key: "notes") var notes: String
    /// The case the visit raised, if any.
    @OptionalField(key: "case_id") var caseID: UUID?
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}

    static let kinds = ["入户走访", "民情三访", "关爱探访", "政策宣传"]
}

struct VisitBody: Content {
    var visitedOn: String?
    var kind: String?
    var notes: String?
}
