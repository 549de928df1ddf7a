import Fluent
import JingzhiCore
import SQLKit

/// A wish's claimer earns service hours (issue 16): the hours they say they spent (`hours_tenths`, entered at the
/// hand-over) and the confirmed service log written once staff confirm (`log_id`, so a retry writes none again).
struct M133AddWishClaimHours: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(WishClaim.schema).field("hours_tenths", .int).update()
        try await db.schema(WishClaim.schema).field("log_id", .uuid).update()
    }

    func revert(on db: any Database) async throws {
        try await db.schema(WishClaim.schema).deleteField("log_id").update()
        try await db.schema(WishClaim.schema).deleteField("hours_tenths").update()
    }
}

/// Photos of a project's progress, kept in the database like wish and case photos.
struct M134CreateProjectPhotos: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ProjectPhoto.schema).id()
            .field("project_id", .uuid, .required, .references(PartnerProject.schema, "id", onDelete: .cascade))
            .field("uploaded_by", .uuid)
            .field("caption", .string, .required)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("bytes", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex("partner_project_photos_project", on: ProjectPhoto.schema, ["project_id", "created_at"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(ProjectPhoto.schema).delete() }
}
