import Fluent
import JingzhiCore
import SQLKit

/// The catalogue of matters (一窗受理) and the residents' applications with their material photos.
struct M095CreateServiceApplications: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ServiceMatter.schema).id()
            .field("code", .string, .required).field("name", .string, .required).field("description", .string, .required)
            .field("eligibility", .string, .required).field("min_age", .int).field("required_tag", .string)
            .field("materials", .string, .required).field("deadline_days", .int, .required).field("certificate_title", .string)
            .field("active", .bool, .required).field("sort_order", .int, .required).field("version", .int, .required)
            .field("updated_at", .datetime, .required)
            .unique(on: "code").create()
        try await db.schema(ServiceApplication.schema).id()
            .field("number", .string, .required)
            .field("matter_id", .uuid, .required, .references(ServiceMatter.schema, "id"))
            .field("matter_name", .string, .required)
            .field("resident_id", .uuid, .required, .references(Resident.schema, "id"))
            .field("resident_name", .string, .required).field("node_path", .path(on: db), .required)
            .field("applicant_user_id", .uuid, .required).field("proxy", .bool, .required).field("note", .string, .required)
            .field("state", .string, .required).field("version", .int, .required)
            .field("submitted_at", .datetime, .required).field("due_at", .datetime, .required).field("overdue_at", .datetime)
            .field("decided_at", .datetime).field("missing", .string, .required).field("decision_note", .string)
            .field("certificate_number", .string).field("verify_token", .string).field("created_at", .datetime, .required)
            .unique(on: "number").unique(on: "certificate_number").unique(on: "verify_token")
            .create()
        try await createIndex("service_applications_path", on: ServiceApplication.schema, ["node_path", "submitted_at"], db: db)
        try await createIndex("service_applications_state_due", on: ServiceApplication.schema, ["state", "due_at"], db: db)
        try await createIndex("service_applications_resident", on: ServiceApplication.schema, ["resident_id", "matter_id"], db: db)
        try await createIndex("service_applications_matter", on: ServiceApplication.schema, ["matter_id", "submitted_at"], db: db)
        try await db.schema(ServiceMaterial.schema).id()
            .field("application_id", .uuid, .required, .references(ServiceApplication.schema, "id", onDelete: .cascade))
            .field("material", .string, .required).field("uploaded_by", .uuid)
            .field("content_type", .string, .required).field("size", .int, .required).field("bytes", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex("service_materials_application", on: ServiceMaterial.schema, ["application_id"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(ServiceMaterial.schema).delete()
        try await db.schema(ServiceApplication.schema).delete()
        try await db.schema(ServiceMatter.schema).delete()
    }
}

/// The 15-minute services directory: places with hours and position, their closed days, the county's holidays.
struct M096CreateServicePlaces: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ServicePlace.schema).id()
            .field("name", .string, .required).field("kind", .string, .required).field("node_path", .path(on: db), .required)
            .field("address", .string, .required).field("phone", .string, .required)
            .field("lat", .double, .required).field("lon", .double, .required)
            .field("hours", .string, .required).field("keeps_holidays", .bool, .required).field("online_url", .string)
            .field("description", .string, .required).field("active", .bool, .required).field("version", .int, .required)
            .field("updated_at", .datetime, .required)
            .create()
        try await createIndex("service_places_position", on: ServicePlace.schema, ["lat", "lon"], db: db)
        try await createIndex("service_places_path", on: ServicePlace.schema, ["node_path"], db: db)
        try await db.schema(PlaceClosure.schema).id()
            .field("place_id", .uuid, .required, .references(ServicePlace.schema, "id", onDelete: .cascade))
            .field("day", .string, .required).field("reason", .string, .required)
            .unique(on: "place_id", "day").create()
        try await db.schema(HolidayDay.schema).id()
            .field("day", .string, .required).field("kind", .string, .required).field("name", .string, .required)
            .unique(on: "day").create()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(HolidayDay.schema).delete()
        try await db.schema(PlaceClosure.schema).delete()
        try await db.schema(ServicePlace.schema).delete()
    }
}

/// Matters of one community or street (社区自有事项): the subtree a matter serves; "" is the county's catalogue.
struct M120AddServiceMatterScope: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ServiceMatter.schema).field("node_id", .uuid).update()
        try await db.schema(ServiceMatter.schema).field("node_path", .path(on: db), .sql(.default(""))).update()
        try await db.sql.raw("UPDATE service_matters SET node_path = '' WHERE node_path IS NULL").run()
        try await createIndex("service_matters_path", on: ServiceMatter.schema, ["node_path"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.sql.raw("DROP INDEX IF EXISTS service_matters_path").run()
        try await db.schema(ServiceMatter.schema).deleteField("node_path").update()
        try await db.schema(ServiceMatter.schema).deleteField("node_id").update()
    }
}
