import Fluent
import JingzhiCore
import SQLKit

// The points ledger and supermarket (issue 15). M060–M064 are reserved for them.

struct M060CreatePointsAccounts: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PointsAccount.schema)
            .id()
            .field("key", .string, .required)
            .field("kind", .string, .required)
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("resident_id", .uuid, .references(Resident.schema, "id"))
            .field("balance", .int64, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "key")
            .create()
        try await createIndex("points_accounts_path", on: PointsAccount.schema, ["node_path", "kind"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(PointsAccount.schema).delete() }
}

struct M061CreatePointsEntries: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PointsEntry.schema)
            .id()
            .field("from_account_id", .uuid, .required, .references(PointsAccount.schema, "id"))
            .field("to_account_id", .uuid, .required, .references(PointsAccount.schema, "id"))
            .field("points", .int64, .required)
            .field("kind", .string, .required)
            .field("reason", .string, .required)
            .field("source_ref", .string)
            .field("idempotency_key", .string)
            .field("reverses_id", .uuid, .references(PointsEntry.schema, "id"))
            .field("redemption_id", .uuid)
            .field("node_path", .path(on: db), .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "source_ref")
            .unique(on: "idempotency_key")
            .unique(on: "reverses_id")
            .create()
        try await createIndex("points_entries_from", on: PointsEntry.schema, ["from_account_id", "created_at"], db: db)
        try await createIndex("points_entries_to", on: PointsEntry.schema, ["to_account_id", "created_at"], db: db)
        try await createIndex("points_entries_path", on: PointsEntry.schema, ["node_path", "created_at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(PointsEntry.schema).delete() }
}

struct M062CreatePointsGoods: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PointsGoods.schema)
            .id()
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("name", .string, .required)
            .field("description", .string, .required)
            .field("price_points", .int64, .required)
            .field("stock", .int64, .required)
            .field("monthly_limit", .int64)
            .field("active", .bool, .required)
            .field("created_at", .datetime, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await createIndex("points_goods_path", on: PointsGoods.schema, ["node_path", "name"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(PointsGoods.schema).delete() }
}

struct M063CreatePointsRedemptions: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PointsRedemption.schema)
            .id()
            .field("goods_id", .uuid, .required, .references(PointsGoods.schema, "id"))
            .field("goods_name", .string, .required)
            .field("resident_id", .uuid, .required, .references(Resident.schema, "id"))
            .field("account_id", .uuid, .required, .references(PointsAccount.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("quantity", .int64, .required)
            .field("points", .int64, .required)
            .field("code", .string, .required)
            .field("state", .string, .required)
            .field("version", .int64, .required)
            .field("month", .string, .required)
            .field("idempotency_key", .string)
            .field("created_at", .datetime, .required)
            .field("closed_at", .datetime)
            .unique(on: "code")
            .unique(on: "idempotency_key")
            .create()
        try await createIndex("points_redemptions_resident", on: PointsRedemption.schema, ["resident_id", "goods_id", "month"], db: db)
        try await createIndex("points_redemptions_path", on: PointsRedemption.schema, ["node_path", "state", "created_at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(PointsRedemption.schema).delete() }
}

struct M064CreateVolunteerActivities: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(VolunteerActivity.schema)
            .id()
            .field("community_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("place_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("place_name", .string, .required)
            .field("title", .string, .required)
            .field("starts_at", .datetime, .required)
            .field("ends_at", .datetime, .required)
            .field("capacity", .int64, .required)
            .field("points_per_hour", .int64)
            .field("points_per_attendance", .int64)
            .field("secret", .string, .required)
            .field("settled_at", .datetime)
            .field("created_by", .string, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex("volunteer_activities_path", on: VolunteerActivity.schema, ["node_path", "starts_at"], db: db)
        try await db.schema(ActivityAttendance.schema)
            .id()
            .field("activity_id", .uuid, .required, .references(VolunteerActivity.schema, "id"))
            .field("resident_id", .uuid, .required, .references(Resident.schema, "id"))
            .field("resident_name", .string, .required)
            .field("node_path", .path(on: db), .required)
            .field("state", .string, .required)
            .field("signed_up_at", .datetime, .required)
            .field("promoted_at", .datetime)
            .field("checked_in_at", .datetime)
            .field("checked_out_at", .datetime)
            .field("minutes", .int64)
            .field("points", .int64)
            .field("entry_id", .uuid, .references(PointsEntry.schema, "id"))
            .field("updated_at", .datetime, .required)
            .unique(on: "activity_id", "resident_id")
            .create()
        try await createIndex("volunteer_attendances_resident", on: ActivityAttendance.schema, ["resident_id", "signed_up_at"], db: db)
    }
    func revert(on db: any Database) async throws {
        try await db.schema(ActivityAttendance.schema).delete()
        try await db.schema(VolunteerActivity.schema).delete()
    }
}
