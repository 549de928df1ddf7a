import Foundation
import Fluent
import JingzhiCore

/// A need (需求清单): what, how many, for whom, by when. Its state follows from the deliveries of its matches.
final class Need: Model, PathScoped, @unchecked Sendable {
    static let schema = "partner_needs"
    static var pathKey: KeyPath<Need, FieldProperty<Need, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "category") var categoryRaw: String
    @Field(key: "quantity") var quantity: Int
    @Field(key: "unit") var unit: String
    /// For whom: a compound or a group by resident tag, in words.
    @Field(key: "for_whom") var forWhom: String
    /// The place it is for (a community, grid or compound); scope and matching by place read it.
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "due_day") var dueDay: String
    /// resident / grid / community: who raised it.
    @Field(key: "source") var source: String
    @Field(key: "state") var stateRaw: String
    /// A small request (小需求) partners and party members may claim (三领) and fulfil themselves.
    @Field(key: "claimable") var claimable: Bool
    /// For whom as a group of residents by tag (特殊人群标签), when chosen.
    @OptionalField(key: "for_tag") var forTag: String?
    /// The resident's account that raised it from the phone.
    @OptionalField(key: "raised_by") var raisedBy: UUID?
    /// Why the community declined a resident's need.
    @OptionalField(key: "review_note") var reviewNote: String?
    /// Sums of its matches, kept in the transaction that changes them.
    @Field(key: "committed") var committed: Int
    @Field(key: "delivered") var delivered: Int
    @Field(key: "created_by") var createdBy: String
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var state: NeedState { NeedState(rawValue: stateRaw) ?? .open }
    var category: PartnerCategory { PartnerCategory(rawValue: categoryRaw) ?? .goods }
}

/// A resource (资源清单): what a partner offers, how much, when and where.
final class PartnerResource: Model, PathScoped, @unchecked Sendable {
    static let schema = "partner_resources"
    static var pathKey: KeyPath<PartnerResource, FieldProperty<PartnerResource, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "partner_id") var partnerID: UUID
    @Field(key: "title") var title: String
    @Field(key: "category") var categoryRaw: String
    @Field(key: "quantity") var quantity: Int
    @Field(key: "unit") var unit: String
    /// Committed to matches so far: what is left to promise is quantity − committed.
    @Field(key: "committed") var committed: Int
    @Field(key: "available_from") var availableFrom: String
    @Field(key: "available_to") var availableTo: String
    @Field(key: "place") var place: String
    /// The partner's area: needs inside it can be matched.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "active") var active: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var category: PartnerCategory { PartnerCategory(rawValue: categoryRaw) ?? .goods }
    var left: Int { quantity - committed }
}

/// A project (项目清单): matches needs with resources, has an owner, a schedule, progress, and the joint meeting's
/// review notes.
final class PartnerProject: Model, PathScoped, @unchecked Sendable {
    static let schema = "partner_projects"
    static var pathKey: KeyPath<PartnerProject, FieldProperty<PartnerProject, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "owner") var owner: String
    @Field(key: "node_path") var nodePath: String
    @Field(key: "start_day") var startDay: String
    @Field(key: "end_day") var endDay: String
    @Field(key: "progress") var progress: Int
    /// Minutes of the monthly joint meeting (联席会议) that last reviewed it.
    @Field(key: "minutes") var minutes: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// One need matched with one resource in a project: a promise (committed) and what has arrived (delivered).
final class PartnerMatch: Model, PathScoped, @unchecked Sendable {
    static let schema = "partner_matches"
    static var pathKey: KeyPath<PartnerMatch, FieldProperty<PartnerMatch, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "project_id") var projectID: UUID
    @Field(key: "need_id") var needID: UUID
    @Field(key: "resource_id") var resourceID: UUID
    @Field(key: "partner_id") var partnerID: UUID
    @Field(key: "committed") var committed: Int
    @Field(key: "delivered") var delivered: Int
    /// The need's path.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "delivered_at") var deliveredAt: Date?

    init() {}
}
