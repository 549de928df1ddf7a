import Fluent
import Foundation
import JingzhiCore

/// A volunteer team (志愿服务队) of a community, e.g. 党员先锋队; volunteers may belong to one.
final class VolunteerTeam: Model, PathScoped, @unchecked Sendable {
    static let schema = "volunteer_teams"
    static var pathKey: KeyPath<VolunteerTeam, FieldProperty<VolunteerTeam, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "community_id") var communityID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "name") var name: String
    @Field(key: "description") var description: String
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A resident's volunteer registration (志愿者注册): skills, availability, team or organisation; staff approve it.
final class Volunteer: Model, PathScoped, LifecycleRecord, @unchecked Sendable {
    static let schema = "volunteers"
    static var pathKey: KeyPath<Volunteer, FieldProperty<Volunteer, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    /// Unique: a resident registers once.
    @Field(key: "resident_id") var residentID: UUID
    @Field(key: "resident_name") var residentName: String
    @Field(key: "community_id") var communityID: UUID
    /// The resident's community's path: its staff decide.
    @Field(key: "node_path") var nodePath: String
    @Field(key: "skills") var skills: String
    @Field(key: "availability") var availability: String
    @OptionalField(key: "team_id") var teamID: UUID?
    /// The unit, party branch or partner the volunteer comes from (所在单位/组织), as they write it.
    @Field(key: "organisation") var organisation: String
    @Field(key: "state") var state: String
    @Field(key: "version") var version: Int
    @OptionalField(key: "decision_note") var decisionNote: String?
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    var lifecycleState: String {
        get { state }
        set { state = newValue }
    }
    var volunteerState: VolunteerState { VolunteerState(rawValue: state) ?? .pending }
}

/// A volunteer post (志愿岗位, e.g. 楼栋长, 文明劝导员): open until an approved volunteer claims it (认领); the holder
/// or staff release it.
final class VolunteerPost: Model, PathScoped, LifecycleRecord, @unchecked Sendable {
    static let schema = "volunteer_posts"
    static var pathKey: KeyPath<VolunteerPost, FieldProperty<VolunteerPost, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "community_id") var communityID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "title") var title: String
    /// Where the post serves, as staff write it (e.g. 3号楼).
    @Field(key: "place") var place: String
    @Field(key: "duties") var duties: String
    @Field(key: "state") var state: String
    @Field(key: "version") var version: Int
    @OptionalField(key: "volunteer_id") var volunteerID: UUID?
    @OptionalField(key: "holder_name") var holderName: String?
    @OptionalField(key: "claimed_at") var claimedAt: Date?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var lifecycleState: String {
        get { state }
        set { state = newValue }
    }
    var postState: VolunteerPostState { VolunteerPostState(rawValue: state) ?? .open }
}

enum VolunteerState: String, LifecycleState {
    case pending, approved, declined

    var zh: String {
        switch self {
        case .pending: "待审核"
        case .approved: "已通过"
        case .declined: "未通过"
        }
    }
    var en: String {
        switch self {
        case .pending: "awaiting approval"
        case .approved: "approved"
        case .declined: "declined"
        }
    }
}

enum VolunteerAction: String, LifecycleAction { case approve, decline, resubmit }

enum VolunteerPostState: String, LifecycleState {
    case open, claimed

    var zh: String { self == .open ? "待认领" : "已认领" }
    var en: String { self == .open ? "open" : "claimed" }
}

enum VolunteerPostAction: String, LifecycleAction { case claim, release }

/// Who moves a registration or a post: the volunteer (a resident) or community staff.
enum VolunteerParty: Hashable, Sendable { case volunteer, staff }

enum VolunteerLifecycle {
    static let registration = Lifecycle<VolunteerState, VolunteerAction, VolunteerParty>(
        entity: "volunteer", zh: "志愿者注册", en: "volunteer registration", auditsNotes: false
    ) { action in
        switch action {
        case .approve: .init(from: [.pending], to: .approved, roles: [.staff])
        case .decline: .init(from: [.pending], to: .declined, roles: [.staff])
        case .resubmit: .init(from: [.declined], to: .pending, roles: [.volunteer])
        }
    }

    static let post = Lifecycle<VolunteerPostState, VolunteerPostAction, VolunteerParty>(
        entity: "volunteer_post", zh: "志愿岗位", en: "volunteer post"
    ) { action in
        switch action {
        case .claim: .init(from: [.open], to: .claimed, roles: [.volunteer])
        case .release: .init(from: [.claimed], to: .open, roles: [.volunteer, .staff])
        }
    }
}
