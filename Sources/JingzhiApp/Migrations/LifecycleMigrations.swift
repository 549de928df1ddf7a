import Fluent
import JingzhiCore
import SQLKit

/// The shared history of records that keep none of their own, read per record.
struct M052CreateLifecycleEvents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(LifecycleEvent.schema)
            .id()
            .field("entity", .string, .required)
            .field("entity_id", .uuid, .required)
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("from_state", .string, .required)
            .field("to_state", .string, .required)
            .field("note", .string)
            .field("node_path", .path(on: db), .required)
            .create()
        try await createIndex("lifecycle_events_record", on: LifecycleEvent.schema, ["entity", "entity_id", "at"], db: db)
        try await createIndex("lifecycle_events_path", on: LifecycleEvent.schema, ["node_path"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(LifecycleEvent.schema).delete() }
}

/// Property contracts, bills and improvement tasks move through lifecycles: a version each move claims, and a task
/// state (open / done) of its own instead of "has a done time".
struct M053AddPropertyLifecycles: AsyncMigration {
    static let tables = ["property_contracts", "property_bills", "compound_improvement_tasks"]

    func prepare(on db: any Database) async throws {
        for t in Self.tables {
            try await db.schema(t).field("version", .int, .required, .sql(.default(0))).update()
        }
        try await db.schema("compound_improvement_tasks").field("status", .string, .required, .sql(.default("open"))).update()
        try await db.sql.raw("UPDATE compound_improvement_tasks SET status = 'done' WHERE done_at IS NOT NULL").run()
    }
    func revert(on db: any Database) async throws {
        try await db.schema("compound_improvement_tasks").deleteField("status").update()
        for t in Self.tables { try await db.schema(t).deleteField("version").update() }
    }
}

/// Residents' link requests are decided through their lifecycle: a version the decision claims.
struct M054AddLinkRequestVersion: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema("link_requests").field("version", .int, .required, .sql(.default(0))).update()
    }
    func revert(on db: any Database) async throws { try await db.schema("link_requests").deleteField("version").update() }
}
