import Fluent
import JingzhiCore
import Vapor

/// A topic residents or staff raise for the community to deliberate (议题), moved through `TopicLifecycle`.
final class Topic: Model, PathScoped, @unchecked Sendable {
    static let schema = "topics"
    static var pathKey: KeyPath<Topic, FieldProperty<Topic, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "title") var title: String
    @Field(key: "description") var description: String
    /// The compound, grid or community it concerns.
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    /// The community whose staff review it and whose threshold counts.
    @Field(key: "community_id") var communityID: UUID
    @Field(key: "stage") var stageRaw: String
    /// `TopicProcedure`: five_steps (五步议事) or four_two (四议两公开).
    @Field(key: "procedure") var procedureRaw: String
    @OptionalField(key: "raised_by") var raisedBy: UUID?
    /// Who raised it, as a role (居民, 网格员 …): pages never name a resident.
    @Field(key: "raiser_role") var raiserRole: String
    /// Distinct households that support it.
    @Field(key: "support_count") var supportCount: Int
    /// The latest public answer of review (a decline's reason, a merge's target, the case it became).
    @OptionalField(key: "answer") var answer: String?
    @OptionalField(key: "merged_into_id") var mergedIntoID: UUID?
    /// Where it was raised from (M112, `TopicOrigin`: visit, case, meeting) and that record's id; nil: raised directly.
    @OptionalField(key: "origin") var originRaw: String?
    @OptionalField(key: "origin_id") var originID: UUID?
    @Field(key: "version") var version: Int
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "reviewed_at") var reviewedAt: Date?

    init() {}

    var stage: TopicStage { TopicStage(rawValue: stageRaw) ?? .collect }
    var procedure: TopicProcedure { TopicProcedure(rawValue: procedureRaw) ?? .fiveSteps }
}

/// One resident's support (附议) of a topic; the unique index on (topic, user) keeps it to one.
final class TopicSupport: Model, @unchecked Sendable {
    static let schema = "topic_supports"

    @ID(key: .id) var id: UUID?
    @Field(key: "topic_id") var topicID: UUID
    @Field(key: "user_id") var userID: UUID
    /// The supporter's household in the register: the threshold counts households.
    @Field(key: "household_id") var householdID: UUID
    @Field(key: "at") var at: Date

    init() {}
}

/// A case that came out of a topic: the topic links to its cases, and a case's topic is found here.
final class TopicCaseLink: Model, @unchecked Sendable {
    static let schema = "topic_cases"

    @ID(key: .id) var id: UUID?
    @Field(key: "topic_id") var topicID: UUID
    @Field(key: "case_id") var caseID: UUID
    /// The consultation item the case carries out, when it came from one (M068).
    @OptionalField(key: "item_id") var itemID: UUID?
    @Field(key: "at") var at: Date

    init() {}
}

/// A retried `POST /api/v1/topics` under the same Idempotency-Key answers with the topic made the first time.
final class TopicIdempotencyKey: Model, @unchecked Sendable {
    static let schema = "topic_idempotency_keys"

    @ID(key: .id) var id: UUID?
    @Field(key: "key") var key: String
    @Field(key: "topic_id") var topicID: UUID

    init() {}
}

/// A community's deliberation settings; a community without a row uses the defaults.
final class DeliberationSetting: Model, @unchecked Sendable {
    static let schema = "deliberation_settings"
    static let defaultThreshold = 20
    static let defaultNoticeDays = 3

    @ID(key: .id) var id: UUID?
    @Field(key: "community_id") var communityID: UUID
    /// Households whose support sends a topic to review.
    @Field(key: "support_threshold") var supportThreshold: Int
    /// Days a meeting must be announced ahead.
    @Field(key: "notice_days") var noticeDays: Int
    /// Points paid through the points ledger to the raiser of a topic accepted, and to each resident who rates an
    /// outcome (0: none; M072).
    @Field(key: "points_accepted") var pointsAccepted: Int
    @Field(key: "points_evaluation") var pointsEvaluation: Int
    /// Points to each resident whose ballot counts in a vote (M111; 0: none).
    @Field(key: "points_vote") var pointsVote: Int
    @Field(key: "updated_at") var updatedAt: Date

    init() {}

    static func of(_ communityID: UUID, on db: any Database) async throws -> (threshold: Int, noticeDays: Int) {
        let s = try await query(on: db).filter(\.$communityID == communityID).first()
        return (s?.supportThreshold ?? defaultThreshold, s?.noticeDays ?? defaultNoticeDays)
    }

    static func points(_ communityID: UUID, on db: any Database) async throws -> (accepted: Int, evaluation: Int, vote: Int) {
        let s = try await query(on: db).filter(\.$communityID == communityID).first()
        return (s?.pointsAccepted ?? 0, s?.pointsEvaluation ?? 0, s?.pointsVote ?? 0)
    }
}
