import Fluent
import JingzhiCore
import SQLKit

/// Partners (five kinds, agreement with term, review state) and party members registered to communities (双报到).
struct M085CreatePartners: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Partner.schema).id()
            .field("name", .string, .required).field("kind", .string, .required).field("credit_code", .string, .required)
            .field("offers", .string, .required).field("contact_name", .string, .required).field("contact_phone", .string, .required)
            .field("party_branch", .string, .required)
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id")).field("node_path", .path(on: db), .required)
            .field("state", .string, .required).field("state_reason", .string)
            .field("agreement_categories", .string, .required).field("agreement_from", .string).field("agreement_to", .string)
            .field("user_id", .uuid, .references(User.schema, "id", onDelete: .setNull))
            .field("version", .int, .required).field("created_at", .datetime, .required)
            .unique(on: "credit_code", "node_id")
            .create()
        try await createIndex("partners_path", on: Partner.schema, ["node_path", "kind"], db: db)
        try await createIndex("partners_user", on: Partner.schema, ["user_id"], db: db)
        try await db.schema(PartyMember.schema).id()
            .field("user_id", .uuid, .required, .references(User.schema, "id", onDelete: .cascade)).field("resident_id", .uuid)
            .field("name", .string, .required).field("kind", .string, .required).field("unit", .string, .required)
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id")).field("node_path", .path(on: db), .required)
            .field("active", .bool, .required).field("registered_at", .datetime, .required)
            .unique(on: "user_id")
            .create()
        try await createIndex("party_members_path", on: PartyMember.schema, ["node_path"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PartyMember.schema).delete()
        try await db.schema(Partner.schema).delete()
    }
}

/// The three lists: needs, resources, projects, and the matches with committed and delivered quantities.
struct M086CreatePartnerLists: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Need.schema).id()
            .field("title", .string, .required).field("category", .string, .required).field("quantity", .int, .required)
            .field("unit", .string, .required).field("for_whom", .string, .required)
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id")).field("node_path", .path(on: db), .required)
            .field("due_day", .string, .required).field("source", .string, .required).field("state", .string, .required)
            .field("committed", .int, .required).field("delivered", .int, .required).field("created_by", .string, .required)
            .field("version", .int, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("partner_needs_path", on: Need.schema, ["node_path", "state"], db: db)
        try await createIndex("partner_needs_due", on: Need.schema, ["state", "due_day"], db: db)
        try await db.schema(PartnerResource.schema).id()
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id"))
            .field("title", .string, .required).field("category", .string, .required).field("quantity", .int, .required)
            .field("unit", .string, .required).field("committed", .int, .required)
            .field("available_from", .string, .required).field("available_to", .string, .required).field("place", .string, .required)
            .field("node_path", .path(on: db), .required).field("active", .bool, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("partner_resources_match", on: PartnerResource.schema, ["category", "active", "node_path"], db: db)
        try await createIndex("partner_resources_partner", on: PartnerResource.schema, ["partner_id"], db: db)
        try await db.schema(PartnerProject.schema).id()
            .field("title", .string, .required).field("owner", .string, .required).field("node_path", .path(on: db), .required)
            .field("start_day", .string, .required).field("end_day", .string, .required).field("progress", .int, .required)
            .field("minutes", .string, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("partner_projects_path", on: PartnerProject.schema, ["node_path"], db: db)
        try await db.schema(PartnerMatch.schema).id()
            .field("project_id", .uuid, .required, .references(PartnerProject.schema, "id"))
            .field("need_id", .uuid, .required, .references(Need.schema, "id"))
            .field("resource_id", .uuid, .required, .references(PartnerResource.schema, "id"))
            .field("partner_id", .uuid, .required, .references(Partner.schema, "id"))
            .field("committed", .int, .required).field("delivered", .int, .required)
            .field("node_path", .path(on: db), .required).field("created_at", .datetime, .required).field("delivered_at", .datetime)
            .create()
        try await createIndex("partner_matches_need", on: PartnerMatch.schema, ["need_id"], db: db)
        try await createIndex("partner_matches_project", on: PartnerMatch.schema, ["project_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(PartnerMatch.schema).delete()
        try await db.schema(PartnerProject.schema).delete()
        try await db.schema(PartnerResource.schema).delete()
        try await db.schema(Need.schema).delete()
    }
}

/// Micro-wishes, their claims (reservations with deadlines) and photo proofs.
struct M087CreateWishes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Wish.schema).id()
            .field("title", .string, .required).field("story", .string, .required).field("category", .string, .required)
            .field("value_fen", .int, .required).field("beneficiary_resident_id", .uuid)
            .field("beneficiary_name", .string, .required).field("beneficiary_note", .string, .required)
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id")).field("node_path", .path(on: db), .required)
            .field("state", .string, .required).field("claim_id", .uuid).field("claimer_name", .string)
            .field("show_claimer", .bool, .required).field("claim_deadline", .datetime)
            .field("fulfilled_at", .datetime).field("confirmed_at", .datetime).field("thanks", .string)
            .field("version", .int, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("wishes_path", on: Wish.schema, ["node_path", "state"], db: db)
        try await createIndex("wishes_deadline", on: Wish.schema, ["state", "claim_deadline"], db: db)
        try await db.schema(WishClaim.schema).id()
            .field("wish_id", .uuid, .required, .references(Wish.schema, "id"))
            .field("user_id", .uuid, .required).field("partner_id", .uuid).field("member_id", .uuid)
            .field("claimer_name", .string, .required).field("unit", .string, .required)
            .field("claimed_at", .datetime, .required).field("deadline", .datetime, .required)
            .field("outcome", .string, .required).field("ended_at", .datetime).field("node_path", .path(on: db), .required)
            .create()
        try await createIndex("wish_claims_wish", on: WishClaim.schema, ["wish_id"], db: db)
        try await createIndex("wish_claims_user", on: WishClaim.schema, ["user_id", "outcome"], db: db)
        try await db.schema(WishPhoto.schema).id()
            .field("wish_id", .uuid, .required, .references(Wish.schema, "id", onDelete: .cascade))
            .field("content_type", .string, .required).field("bytes", .data, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("wish_photos_wish", on: WishPhoto.schema, ["wish_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(WishPhoto.schema).delete()
        try await db.schema(WishClaim.schema).delete()
        try await db.schema(Wish.schema).delete()
    }
}

/// Service logged by partners and party members, confirmed by the community.
struct M088CreateServiceLogs: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ServiceLog.schema).id()
            .field("user_id", .uuid, .required).field("partner_id", .uuid).field("member_id", .uuid)
            .field("unit", .string, .required).field("who", .string, .required).field("what", .string, .required)
            .field("day", .string, .required).field("tenths", .int, .required).field("for_whom", .string, .required)
            .field("node_path", .path(on: db), .required).field("state", .string, .required)
            .field("version", .int, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("partner_service_logs_path", on: ServiceLog.schema, ["node_path", "day"], db: db)
        try await createIndex("partner_service_logs_user", on: ServiceLog.schema, ["user_id"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(ServiceLog.schema).delete() }
}
