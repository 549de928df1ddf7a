import Fluent
import JingzhiCore
import SQLKit

/// 三领 (issue 16): needs marked claimable (small residents' requests), and the claims partners and party members make
/// of volunteer posts and of those requests. `hold_key` is set while a claim is active and unique, so the database lets
/// exactly one active claim hold a post or a request.
struct M122CreateTaskClaims: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Need.schema).field("claimable", .bool, .required, .sql(.default(false))).update()
        try await db.schema(TaskClaim.schema).id()
            .field("kind", .string, .required).field("target_id", .uuid, .required).field("title", .string, .required)
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade))
            .field("partner_id", .uuid).field("member_id", .uuid)
            .field("claimer_name", .string, .required).field("unit", .string, .required)
            .field("claimed_at", .datetime, .required).field("deadline", .datetime, .required)
            .field("outcome", .string, .required).field("ended_at", .datetime).field("note", .string, .required)
            .field("hold_key", .string).field("log_id", .uuid)
            .field("node_path", .path(on: db), .required)
            .unique(on: "hold_key")
            .create()
        try await createIndex("task_claims_path", on: TaskClaim.schema, ["node_path", "claimed_at"], db: db)
        try await createIndex("task_claims_due", on: TaskClaim.schema, ["outcome", "deadline"], db: db)
        try await createIndex("task_claims_user", on: TaskClaim.schema, ["user_id", "claimed_at"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(TaskClaim.schema).delete()
        try await db.schema(Need.schema).deleteField("claimable").update()
    }
}

/// Needs residents raise from the phone (reviewed by the community first) and "for whom" as a group by tag.
struct M123AddNeedReview: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Need.schema).field("for_tag", .string).update()
        try await db.schema(Need.schema).field("raised_by", .uuid).update()
        try await db.schema(Need.schema).field("review_note", .string).update()
        try await createIndex("partner_needs_raised_by", on: Need.schema, ["raised_by", "created_at"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Need.schema).deleteField("review_note").update()
        try await db.schema(Need.schema).deleteField("raised_by").update()
        try await db.schema(Need.schema).deleteField("for_tag").update()
    }
}

/// Who wrote a wish's thanks: the resident themselves, or staff on their behalf (marked so on the wall).
struct M124AddWishThanksBy: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Wish.schema).field("thanks_by", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(Wish.schema).deleteField("thanks_by").update()
    }
}

/// 双报到 registrations ended (moved away, retired, …) with the reason, kept in the record.
struct M125AddPartyMemberEnd: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PartyMember.schema).field("ended_at", .datetime).update()
        try await db.schema(PartyMember.schema).field("end_reason", .string).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PartyMember.schema).deleteField("end_reason").update()
        try await db.schema(PartyMember.schema).deleteField("ended_at").update()
    }
}

/// The monthly joint meeting (联席会议) as a record of its own.
struct M126CreateJointMeetings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(JointMeeting.schema).id()
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id")).field("node_path", .path(on: db), .required)
            .field("day", .string, .required).field("attendees", .string, .required).field("project_ids", .string, .required)
            .field("minutes", .string, .required).field("created_by", .string, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("partner_joint_meetings_path", on: JointMeeting.schema, ["node_path", "day"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(JointMeeting.schema).delete()
    }
}
