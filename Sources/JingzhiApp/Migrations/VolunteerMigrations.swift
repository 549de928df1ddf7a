import Fluent
import JingzhiCore

// Volunteers (issue 15, second round). M073–M076 are theirs.

struct M073CreateVolunteers: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(VolunteerTeam.schema)
            .id()
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "community_id", "name")
            .create()
        try await db.schema(Volunteer.schema)
            .id()
            .field("resident_id", .uuid, .required, .references(Resident.schema, "id"))
            .field("resident_name", .string, .required)
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("skills", .string, .required)
            .field("availability", .string, .required)
            .field("team_id", .uuid, .references(VolunteerTeam.schema, "id"))
            .field("organisation", .string, .required)
            .field("state", .string, .required)
            .field("version", .int64, .required)
            .field("decision_note", .string)
            .field("decided_at", .datetime)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "resident_id")
            .create()
        try await createIndex("volunteers_path", on: Volunteer.schema, ["node_path", "state"], db: db)
        try await db.schema(VolunteerPost.schema)
            .id()
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("title", .string, .required)
            .field("place", .string, .required)
            .field("duties", .string, .required)
            .field("state", .string, .required)
            .field("version", .int64, .required)
            .field("volunteer_id", .uuid, .references(Volunteer.schema, "id"))
            .field("holder_name", .string)
            .field("claimed_at", .datetime)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex("volunteer_posts_path", on: VolunteerPost.schema, ["node_path", "state"], db: db)
    }
    func revert(on db: any Database) async throws {
        try await db.schema(VolunteerPost.schema).delete()
        try await db.schema(Volunteer.schema).delete()
        try await db.schema(VolunteerTeam.schema).delete()
    }
}

/// Activities: seats held for volunteers, who may sign up (tags, ages), the organising team; a promoted seat's offer
/// and whether a seat is a reserved one.
struct M074AddActivityConditions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        // One column per ALTER: SQLite adds a single column at a time.
        let a = VolunteerActivity.schema
        try await db.schema(a).field("reserved_seats", .int64, .required, .sql(.default(0))).update()
        try await db.schema(a).field("required_tags", .string, .required, .sql(.default(""))).update()
        try await db.schema(a).field("min_age", .int64).update()
        try await db.schema(a).field("max_age", .int64).update()
        try await db.schema(a).field("team_id", .uuid, .references(VolunteerTeam.schema, "id")).update()
        let t = ActivityAttendance.schema
        try await db.schema(t).field("reserved", .bool, .required, .sql(.default(false))).update()
        try await db.schema(t).field("offer_expires_at", .datetime).update()
        try await createIndex("volunteer_attendances_offers", on: t, ["state", "offer_expires_at"], db: db)
    }
    func revert(on db: any Database) async throws {
        try await db.sql.drop(index: "volunteer_attendances_offers").run()
        for f in ["offer_expires_at", "reserved"] { try await db.schema(ActivityAttendance.schema).deleteField(.string(f)).update() }
        for f in ["team_id", "max_age", "min_age", "required_tags", "reserved_seats"] {
            try await db.schema(VolunteerActivity.schema).deleteField(.string(f)).update()
        }
    }
}

/// A community's earning rules per path: points per event and a monthly cap per resident.
struct M075CreatePointsRules: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PointsRule.schema)
            .id()
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("source", .string, .required)
            .field("points", .int64)
            .field("monthly_cap", .int64)
            .field("updated_by", .string, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "community_id", "source")
            .create()
        // The month's awards to one account, read under its lock by each award.
        try await createIndex("points_entries_to_kind", on: PointsEntry.schema, ["to_account_id", "kind", "created_at"], db: db)
    }
    func revert(on db: any Database) async throws {
        try await db.sql.drop(index: "points_entries_to_kind").run()
        try await db.schema(PointsRule.schema).delete()
    }
}

/// The yearly points expiry's runs, one per year, claimed by the server that inserts it.
struct M076CreatePointsExpiryRuns: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PointsExpiryRun.schema)
            .id()
            .field("year", .int64, .required)
            .field("started_at", .datetime, .required)
            .field("finished_at", .datetime)
            .field("accounts", .int64, .required)
            .field("points", .int64, .required)
            .unique(on: "year")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(PointsExpiryRun.schema).delete() }
}

/// A cap per resident and day on an earning path, beside the monthly one.
struct M100AddPointsDailyCap: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PointsRule.schema).field("daily_cap", .int64).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(PointsRule.schema).deleteField("daily_cap").update()
    }
}

/// Activities a partner (红色合伙人) organises: the partner and its name as shown; nil for a community's or a team's.
struct M113AddActivityPartner: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(VolunteerActivity.schema).field("partner_id", .uuid).update()
        try await db.schema(VolunteerActivity.schema).field("partner_name", .string).update()
        try await createIndex("volunteer_activities_partner", on: VolunteerActivity.schema, ["partner_id", "starts_at"], db: db)
    }
    func revert(on db: any Database) async throws {
        try await db.sql.drop(index: "volunteer_activities_partner").run()
        try await db.schema(VolunteerActivity.schema).deleteField("partner_name").update()
        try await db.schema(VolunteerActivity.schema).deleteField("partner_id").update()
    }
}

/// Goods a partner donated (捐赠) to a community's supermarket: the partner and its name as shown; nil when bought.
struct M114AddGoodsDonor: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PointsGoods.schema).field("donor_partner_id", .uuid).update()
        try await db.schema(PointsGoods.schema).field("donor_name", .string).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(PointsGoods.schema).deleteField("donor_name").update()
        try await db.schema(PointsGoods.schema).deleteField("donor_partner_id").update()
    }
}
