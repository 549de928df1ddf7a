import Fluent
import JingzhiCore
import SQLKit

/// Deliberation topics, their supports (one per resident), the cases they became, idempotency keys, community settings.
struct M065CreateTopics: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Topic.schema).id()
            .field("title", .string, .required).field("description", .string, .required)
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("stage", .string, .required).field("procedure", .string, .required)
            .field("raised_by", .uuid).field("raiser_role", .string, .required)
            .field("support_count", .int, .required).field("answer", .string).field("merged_into_id", .uuid)
            .field("version", .int, .required).field("created_at", .datetime, .required).field("reviewed_at", .datetime)
            .create()
        try await createIndex("topics_path", on: Topic.schema, ["node_path", "created_at"], db: db)
        try await createIndex("topics_community_stage", on: Topic.schema, ["community_id", "stage"], db: db)
        try await db.schema(TopicSupport.schema).id()
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required).field("household_id", .uuid, .required).field("at", .datetime, .required)
            .unique(on: "topic_id", "user_id").create()
        try await createIndex("topic_supports_household", on: TopicSupport.schema, ["topic_id", "household_id"], db: db)
        try await db.schema(TopicCaseLink.schema).id()
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .field("case_id", .uuid, .required).field("at", .datetime, .required)
            .unique(on: "case_id").create()
        try await createIndex("topic_cases_topic", on: TopicCaseLink.schema, ["topic_id"], db: db)
        try await db.schema(TopicIdempotencyKey.schema).id()
            .field("key", .string, .required).field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .unique(on: "key").create()
        try await db.schema(DeliberationSetting.schema).id()
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id", onDelete: .cascade))
            .field("support_threshold", .int, .required).field("notice_days", .int, .required).field("updated_at", .datetime, .required)
            .unique(on: "community_id").create()
    }

    func revert(on db: any Database) async throws {
        for schema in [DeliberationSetting.schema, TopicIdempotencyKey.schema, TopicCaseLink.schema, TopicSupport.schema, Topic.schema] {
            try await db.schema(schema).delete()
        }
    }
}

/// Meetings with their agenda, votes on topics, ballots (one per household or resident: unique voter per vote) and the
/// choices of secret votes kept apart from the voters.
struct M066CreateMeetingsAndVotes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Meeting.schema).id()
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("title", .string, .required).field("place", .string, .required)
            .field("starts_at", .datetime, .required).field("announced_at", .datetime, .required).field("announced_by", .uuid)
            .create()
        try await createIndex("topic_meetings_path", on: Meeting.schema, ["node_path", "starts_at"], db: db)
        try await db.schema(MeetingAgendaItem.schema).id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id", onDelete: .cascade))
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .field("position", .int, .required)
            .unique(on: "meeting_id", "topic_id").create()
        try await createIndex("topic_meeting_agenda_topic", on: MeetingAgendaItem.schema, ["topic_id"], db: db)
        try await db.schema(TopicVote.schema).id()
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .field("meeting_id", .uuid, .references(Meeting.schema, "id"))
            .field("node_path", .path(on: db), .required).field("community_path", .path(on: db), .required)
            .field("question", .string, .required).field("basis", .string, .required).field("rule", .string, .required)
            .field("quorum_percent", .int, .required).field("secret", .bool, .required)
            .field("opens_at", .datetime, .required).field("closes_at", .datetime, .required).field("eligible", .int, .required)
            .field("state", .string, .required).field("outcome", .string)
            .field("yes", .int, .required).field("no", .int, .required).field("abstain", .int, .required)
            .field("closed_at", .datetime).field("version", .int, .required)
            .create()
        try await createIndex("topic_votes_topic", on: TopicVote.schema, ["topic_id"], db: db)
        try await db.schema(TopicBallot.schema).id()
            .field("vote_id", .uuid, .required, .references(TopicVote.schema, "id", onDelete: .cascade))
            .field("voter_key", .string, .required).field("user_id", .uuid).field("choice", .string)
            .field("channel", .string, .required).field("at", .datetime, .required)
            .unique(on: "vote_id", "voter_key").create()
        try await db.schema(TopicSecretChoice.schema).id()
            .field("vote_id", .uuid, .required, .references(TopicVote.schema, "id", onDelete: .cascade))
            .field("choice", .string, .required)
            .create()
        try await createIndex("topic_secret_choices_vote", on: TopicSecretChoice.schema, ["vote_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        for schema in [TopicSecretChoice.schema, TopicBallot.schema, TopicVote.schema, MeetingAgendaItem.schema, Meeting.schema] {
            try await db.schema(schema).delete()
        }
    }
}

struct M067CreateMeetingMinutes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(MeetingMinutes.schema).id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id", onDelete: .cascade))
            .field("node_path", .path(on: db), .required).field("version", .int, .required)
            .field("attendees", .string, .required).field("organisations", .string, .required)
            .field("contributions", .string, .required).field("decisions", .string, .required).field("attachments", .string)
            .field("published_at", .datetime, .required).field("objections_until", .datetime, .required).field("published_by", .uuid)
            .unique(on: "meeting_id", "version").create()
        try await db.schema(MinutesObjection.schema).id()
            .field("minutes_id", .uuid, .required, .references(MeetingMinutes.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("words", .string, .required).field("at", .datetime, .required)
            .unique(on: "minutes_id", "user_id").create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(MinutesObjection.schema).delete()
        try await db.schema(MeetingMinutes.schema).delete()
    }
}

struct M068CreateConsultationItems: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ConsultationItem.schema).id()
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .field("node_path", .path(on: db), .required).field("title", .string, .required).field("owner", .string, .required)
            .field("deadline", .datetime, .required).field("done_at", .datetime).field("created_at", .datetime, .required)
            .create()
        try await createIndex("topic_items_topic", on: ConsultationItem.schema, ["topic_id"], db: db)
        try await db.schema(ItemProgressNote.schema).id()
            .field("item_id", .uuid, .required, .references(ConsultationItem.schema, "id", onDelete: .cascade))
            .field("words", .string, .required).field("actor_name", .string, .required).field("at", .datetime, .required)
            .create()
        try await createIndex("topic_item_notes_item", on: ItemProgressNote.schema, ["item_id"], db: db)
        try await db.schema(TopicCaseLink.schema).field("item_id", .uuid, .references(ConsultationItem.schema, "id")).update()
        try await createIndex("topic_cases_item", on: TopicCaseLink.schema, ["item_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(TopicCaseLink.schema).deleteField("item_id").update()
        try await db.schema(ItemProgressNote.schema).delete()
        try await db.schema(ConsultationItem.schema).delete()
    }
}

struct M069CreateTopicEvaluations: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(TopicEvaluation.schema).id()
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("rating", .string, .required).field("comment", .string).field("at", .datetime, .required)
            .unique(on: "topic_id", "user_id").create()
    }

    func revert(on db: any Database) async throws { try await db.schema(TopicEvaluation.schema).delete() }
}

/// A meeting's capacity and the secret of its rotating check-in code; the property company voting as one body on a vote.
struct M070AddMeetingCapacity: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Meeting.schema).field("capacity", .int).update()
        try await db.schema(Meeting.schema).field("checkin_secret", .string).update()
        try await db.schema(TopicVote.schema).field("property_company_id", .uuid).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(TopicVote.schema).deleteField("property_company_id").update()
        try await db.schema(Meeting.schema).deleteField("checkin_secret").update()
        try await db.schema(Meeting.schema).deleteField("capacity").update()
    }
}

/// Registration and attendance of meetings, one row per resident and meeting.
struct M071CreateMeetingAttendance: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(MeetingAttendance.schema).id()
            .field("meeting_id", .uuid, .required, .references(Meeting.schema, "id", onDelete: .cascade))
            .field("resident_id", .uuid, .required, .references(Resident.schema, "id"))
            .field("node_path", .path(on: db), .required).field("state", .string, .required).field("channel", .string)
            .field("registered_at", .datetime).field("attended_at", .datetime).field("version", .int, .required)
            .unique(on: "meeting_id", "resident_id").create()
    }

    func revert(on db: any Database) async throws { try await db.schema(MeetingAttendance.schema).delete() }
}

/// Points a community pays for deliberation (0: none): to the raiser of a topic it accepts, to each resident who
/// rates a topic's outcome.
struct M072AddDeliberationPoints: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(DeliberationSetting.schema).field("points_accepted", .int, .required, .sql(.default(0))).update()
        try await db.schema(DeliberationSetting.schema).field("points_evaluation", .int, .required, .sql(.default(0))).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(DeliberationSetting.schema).deleteField("points_evaluation").update()
        try await db.schema(DeliberationSetting.schema).deleteField("points_accepted").update()
    }
}

/// Points a community pays for each ballot that counts (0: none); where a topic was raised from (a visit, a case or a
/// meeting, with its id).
struct M111AddVotePointsAndTopicOrigin: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(DeliberationSetting.schema).field("points_vote", .int, .required, .sql(.default(0))).update()
        try await db.schema(Topic.schema).field("origin", .string).update()
        try await db.schema(Topic.schema).field("origin_id", .uuid).update()
        try await createIndex("topics_origin", on: Topic.schema, ["origin_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Topic.schema).deleteField("origin_id").update()
        try await db.schema(Topic.schema).deleteField("origin").update()
        try await db.schema(DeliberationSetting.schema).deleteField("points_vote").update()
    }
}

/// A vote's kind (a property evaluation and the company it rates) and the property rating's evaluations by bodies.
struct M112AddPropertyEvaluationVotes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(TopicVote.schema).field("kind", .string).update()
        try await db.schema(TopicVote.schema).field("rated_company_id", .uuid).update()
        try await db.schema(PropertyBodyRating.schema).id()
            .field("company_id", .uuid, .required).field("compound_id", .uuid, .required).field("node_path", .path(on: db), .required)
            .field("month", .string, .required).field("ratings", .int, .required).field("stars", .int, .required)
            .field("source_ref", .string, .required).field("summary", .string, .required).field("at", .datetime, .required)
            .unique(on: "source_ref").create()
        try await createIndex("property_body_ratings_month", on: PropertyBodyRating.schema, ["month", "node_path"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PropertyBodyRating.schema).delete()
        try await db.schema(TopicVote.schema).deleteField("rated_company_id").update()
        try await db.schema(TopicVote.schema).deleteField("kind").update()
    }
}

/// Photos residents attach to the topics they raise.
struct M110CreateTopicPhotos: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(TopicPhoto.schema).id()
            .field("topic_id", .uuid, .required, .references(Topic.schema, "id", onDelete: .cascade))
            .field("uploaded_by", .uuid).field("content_type", .string, .required).field("size", .int, .required)
            .field("bytes", .data, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("topic_photos_topic", on: TopicPhoto.schema, ["topic_id", "created_at"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(TopicPhoto.schema).delete() }
}
