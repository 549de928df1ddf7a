import Fluent
import Foundation
import JingzhiCore

/// A kind of request (诉求类别), with who handles it by default and how fast.
final class CaseCategory: Model, @unchecked Sendable {
    static let schema = "case_categories"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @OptionalField(key: "parent_id") var parentID: UUID?
    @Field(key: "default_level") var defaultLevelRaw: String
    @OptionalField(key: "default_department_id") var defaultDepartmentID: UUID?
    /// Hours to the first response (受理/响应).
    @Field(key: "response_hours") var responseHours: Int
    /// Hours to the reply (办结).
    @Field(key: "resolution_hours") var resolutionHours: Int
    /// Deadlines count working hours (Mon–Fri 8:30–17:30) instead of calendar hours.
    @Field(key: "working_hours") var workingHours: Bool
    /// Overdue cases of this category climb the ladder on their own.
    @Field(key: "auto_escalate") var autoEscalate: Bool
    @Field(key: "active") var active: Bool

    init() {}

    var defaultLevel: HandlerLevel { HandlerLevel(rawValue: defaultLevelRaw) ?? .community }
}

/// A county department (职能部门) that answers escalated cases ("街呼县应").
final class Department: Model, @unchecked Sendable {
    static let schema = "departments"

    @ID(key: .id) var id: UUID?
    @Field(key: "code") var code: String
    @Field(key: "name") var name: String
    @Field(key: "active") var active: Bool

    init() {}

    init(code: String, name: String) {
        self.code = code
        self.name = name
        self.active = true
    }
}

/// A resident's request or an event found on patrol (诉求/事件/工单), from intake to closing.
final class Case: Model, PathScoped, @unchecked Sendable {
    static let schema = "cases"
    static var pathKey: KeyPath<Case, FieldProperty<Case, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    /// The number residents quote, e.g. `YT20261125-0007`.
    @Field(key: "number") var number: String
    @Field(key: "category_id") var categoryID: UUID
    @Field(key: "category_code") var categoryCode: String
    /// Where it is: a compound, building or other node.
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @OptionalField(key: "latitude") var latitude: Double?
    @OptionalField(key: "longitude") var longitude: Double?
    @Field(key: "description") var description: String
    /// web, qr, hotline, patrol, device, deliberation, open311, api.
    @Field(key: "channel") var channel: String
    @OptionalField(key: "reporter_id") var reporterID: UUID?
    @OptionalField(key: "reporter_name") var reporterName: String?
    @OptionalField(key: "reporter_phone") var reporterPhone: String?
    @Field(key: "state") var stateRaw: String
    @Field(key: "handler_level") var handlerLevelRaw: String
    /// The handling unit: a node (grid, community, street, compound for property) or a department.
    @OptionalField(key: "handler_node_id") var handlerNodeID: UUID?
    @OptionalField(key: "handler_department_id") var handlerDepartmentID: UUID?
    @OptionalField(key: "response_due_at") var responseDueAt: Date?
    @OptionalField(key: "resolution_due_at") var resolutionDueAt: Date?
    @OptionalField(key: "responded_at") var respondedAt: Date?
    @OptionalField(key: "replied_at") var repliedAt: Date?
    @OptionalField(key: "closed_at") var closedAt: Date?
    @OptionalField(key: "rating") var rating: String?
    @OptionalField(key: "rating_comment") var ratingComment: String?
    @Field(key: "reopened_count") var reopenedCount: Int
    @OptionalField(key: "merged_into_id") var mergedIntoID: UUID?
    /// When the scheduler warned that the reply is due soon, and when it marked each deadline missed.
    @OptionalField(key: "due_soon_noticed_at") var dueSoonNoticedAt: Date?
    @OptionalField(key: "response_overdue_at") var responseOverdueAt: Date?
    @OptionalField(key: "resolution_overdue_at") var resolutionOverdueAt: Date?
    /// Bumped by every change; a writer holding an older version is told the case changed.
    @Field(key: "version") var version: Int
    /// Set from the app clock, not by Fluent: deadlines and measures count from it, and tests move the clock.
    @OptionalField(key: "created_at") var createdAt: Date?
    @Timestamp(key: "updated_at", on: .update) var updatedAt: Date?

    init() {}

    var state: CaseState { CaseState(rawValue: stateRaw) ?? .submitted }
    var handlerLevel: HandlerLevel { HandlerLevel(rawValue: handlerLevelRaw) ?? .community }
}

/// One step in a case's history: who moved it from which state to which, with a note.
final class CaseEvent: Model, @unchecked Sendable {
    static let schema = "case_events"

    @ID(key: .id) var id: UUID?
    @Field(key: "case_id") var caseID: UUID
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: UUID?
    @Field(key: "actor_name") var actorName: String
    @Field(key: "action") var action: String
    @Field(key: "from_state") var fromState: String
    @Field(key: "to_state") var toState: String
    @OptionalField(key: "note") var note: String?

    init() {}
}

/// An in-app message to one user: a new or returned case, a deadline, a step of a resident's own case.
final class Notification: Model, @unchecked Sendable {
    static let schema = "notifications"

    @ID(key: .id) var id: UUID?
    @Field(key: "user_id") var userID: UUID
    @OptionalField(key: "case_id") var caseID: UUID?
    /// new_case, returned, due_soon, overdue, supervision, step.
    @Field(key: "kind") var kind: String
    @Field(key: "text") var text: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "read_at") var readAt: Date?

    init() {}
}

/// A submission already made under an `Idempotency-Key`, so a retry gets the first answer, not a second case.
final class IdempotencyRecord: Model, @unchecked Sendable {
    static let schema = "idempotency_keys"

    @ID(key: .id) var id: UUID?
    /// The key, prefixed by who sent it (user id or phone) so keys of different callers never collide.
    @Field(key: "key") var key: String
    @Field(key: "case_id") var caseID: UUID
    @Timestamp(key: "created_at", on: .create) var createdAt: Date?

    init() {}
}

extension Case: LifecycleRecord {
    var lifecycleState: String {
        get { stateRaw }
        set { stateRaw = newValue }
    }
}
