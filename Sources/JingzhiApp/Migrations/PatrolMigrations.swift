import Fluent
import JingzhiCore

struct M040CreatePatrols: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Patrol.schema)
            .id()
            .field("worker_id", .uuid, .required, .references(User.schema, "id"))
            .field("worker_name", .string, .required)
            .field("grid_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("state", .string, .required)
            .field("open_worker_id", .uuid)
            .field("started_at", .datetime, .required)
            .field("ended_at", .datetime)
            .field("last_activity_at", .datetime, .required)
            .field("distance_m", .double, .required)
            .field("fix_count", .int, .required)
            .field("flagged_count", .int, .required)
            .field("buildings_covered", .int, .required)
            .field("event_count", .int, .required)
            .field("last_latitude", .double)
            .field("last_longitude", .double)
            .field("last_fix_at", .datetime)
            .unique(on: "open_worker_id")
            .create()
        try await createIndex("patrols_path_started", on: Patrol.schema, ["node_path", "started_at"], db: db)
        try await createIndex("patrols_worker_started", on: Patrol.schema, ["worker_id", "started_at"], db: db)
        try await createIndex("patrols_state_activity", on: Patrol.schema, ["state", "last_activity_at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(Patrol.schema).delete() }
}

struct M041CreatePatrolFixes: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PatrolFix.schema)
            .id()
            .field("patrol_id", .uuid, .required, .references(Patrol.schema, "id"))
            .field("client_key", .string, .required)
            .field("recorded_at", .datetime, .required)
            .field("received_at", .datetime, .required)
            .field("latitude", .double, .required)
            .field("longitude", .double, .required)
            .field("accuracy", .double)
            .field("segment_m", .double, .required)
            .field("jump", .bool, .required)
            .field("low_accuracy", .bool, .required)
            .field("outside_m", .double, .required)
            .field("far_outside", .bool, .required)
            .unique(on: "patrol_id", "client_key")
            .create()
        try await createIndex("patrol_fixes_track", on: PatrolFix.schema, ["patrol_id", "recorded_at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(PatrolFix.schema).delete() }
}

struct M042CreatePatrolCheckins: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PatrolCheckin.schema)
            .id()
            .field("patrol_id", .uuid, .required, .references(Patrol.schema, "id"))
            .field("building_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("building_name", .string, .required)
            .field("at", .datetime, .required)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("note", .string)
            .create()
        try await createIndex("patrol_checkins_patrol", on: PatrolCheckin.schema, ["patrol_id", "at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(PatrolCheckin.schema).delete() }
}

struct M043CreatePatrolEvents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PatrolEvent.schema)
            .id()
            .field("patrol_id", .uuid, .required, .references(Patrol.schema, "id"))
            .field("case_id", .uuid, .required, .references(Case.schema, "id"))
            .field("at", .datetime, .required)
            .field("latitude", .double)
            .field("longitude", .double)
            .unique(on: "case_id")
            .create()
        try await createIndex("patrol_events_patrol", on: PatrolEvent.schema, ["patrol_id", "at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(PatrolEvent.schema).delete() }
}
