import Fluent
import JingzhiCore
import SQLKit

/// The org tree's version, one row that every server reads, so a tree change on one server redraws every server's
/// command centre (it was a counter in each process).
struct M107CreateOrgTreeVersion: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(OrgTreeVersion.schema)
            .field("id", .int, .identifier(auto: false))
            .field("version", .int64, .required)
            .create()
        try await db.sql.insert(into: OrgTreeVersion.schema).columns("id", "version").values(SQLBind(1), SQLBind(0)).run()
    }
    func revert(on db: any Database) async throws { try await db.schema(OrgTreeVersion.schema).delete() }
}

/// Open311 submissions per api_key in the sliding window, shared by every server (they were counted in memory).
struct M108CreateOpen311Hits: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Open311Hit.schema)
            .id()
            .field("key_id", .uuid, .required, .references(APIKey.schema, "id", onDelete: .cascade))
            .field("at", .datetime, .required)
            .create()
        try await createIndex("open311_hits_key_at", on: Open311Hit.schema, ["key_id", "at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(Open311Hit.schema).delete() }
}
