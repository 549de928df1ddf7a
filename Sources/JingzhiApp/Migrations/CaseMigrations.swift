import Fluent
import JingzhiCore
import SQLKit

struct M013CreateDepartments: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Department.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("active", .bool, .required)
            .unique(on: "code")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(Department.schema).delete() }
}

struct M014CreateCaseCategories: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(CaseCategory.schema)
            .id()
            .field("code", .string, .required)
            .field("name", .string, .required)
            .field("parent_id", .uuid, .references(CaseCategory.schema, "id"))
            .field("default_level", .string, .required)
            .field("default_department_id", .uuid, .references(Department.schema, "id"))
            .field("response_hours", .int, .required)
            .field("resolution_hours", .int, .required)
            .field("working_hours", .bool, .required)
            .field("auto_escalate", .bool, .required)
            .field("active", .bool, .required)
            .unique(on: "code")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(CaseCategory.schema).delete() }
}

struct M015CreateCases: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Case.schema)
            .id()
            .field("number", .string, .required)
            .field("category_id", .uuid, .required, .references(CaseCategory.schema, "id"))
            .field("category_code", .string, .required)
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("latitude", .double)
            .field("longitude", .double)
            .field("description", .string, .required)
            .field("channel", .string, .required)
            .field("reporter_id", .uuid)
            .field("reporter_name", .string)
            .field("reporter_phone", .string)
            .field("state", .string, .required)
            .field("handler_level", .string, .required)
            .field("handler_node_id", .uuid)
            .field("handler_department_id", .uuid)
            .field("response_due_at", .datetime)
            .field("resolution_due_at", .datetime)
            .field("responded_at", .datetime)
            .field("replied_at", .datetime)
            .field("closed_at", .datetime)
            .field("rating", .string)
            .field("rating_comment", .string)
            .field("reopened_count", .int, .required)
            .field("merged_into_id", .uuid)
            .field("due_soon_noticed_at", .datetime)
            .field("response_overdue_at", .datetime)
            .field("resolution_overdue_at", .datetime)
            .field("version", .int, .required)
            .field("created_at", .datetime)
            .field("updated_at", .datetime)
            .unique(on: "number")
            .create()
        try await createIndex("cases_path_created", on: Case.schema, ["node_path", "created_at"], db: db)
        try await createIndex("cases_state_due", on: Case.schema, ["state", "resolution_due_at"], db: db)
        try await createIndex("cases_reporter", on: Case.schema, ["reporter_id"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(Case.schema).delete() }
}

struct M016CreateCaseEvents: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(CaseEvent.schema)
            .id()
            .field("case_id", .uuid, .required, .references(Case.schema, "id"))
            .field("at", .datetime, .required)
            .field("actor_id", .uuid)
            .field("actor_name", .string, .required)
            .field("action", .string, .required)
            .field("from_state", .string, .required)
            .field("to_state", .string, .required)
            .field("note", .string)
            .create()
        try await createIndex("case_events_case", on: CaseEvent.schema, ["case_id", "at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(CaseEvent.schema).delete() }
}

struct M017CreateIdempotencyKeys: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(IdempotencyRecord.schema)
            .id()
            .field("key", .string, .required)
            .field("case_id", .uuid, .required, .references(Case.schema, "id"))
            .field("created_at", .datetime)
            .unique(on: "key")
            .create()
    }
    func revert(on db: any Database) async throws { try await db.schema(IdempotencyRecord.schema).delete() }
}

/// The category tree and departments a county starts with; admins edit them afterwards.
struct M018SeedCaseCatalog: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await CaseCatalog.install(on: db)
    }
    func revert(on db: any Database) async throws {
        try await CaseCategory.query(on: db).delete()
        try await Department.query(on: db).delete()
    }
}

struct M019CreateNotifications: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Notification.schema)
            .id()
            .field("user_id", .uuid, .required, .references(User.schema, "id"))
            .field("case_id", .uuid, .references(Case.schema, "id"))
            .field("kind", .string, .required)
            .field("text", .string, .required)
            .field("created_at", .datetime, .required)
            .field("read_at", .datetime)
            .create()
        try await createIndex("notifications_user", on: Notification.schema, ["user_id", "read_at", "created_at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(Notification.schema).delete() }
}

struct M021CreateCasePhotos: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(CasePhoto.schema)
            .id()
            .field("case_id", .uuid, .required, .references(Case.schema, "id"))
            .field("uploaded_by", .uuid)
            .field("content_type", .string, .required)
            .field("size", .int, .required)
            .field("bytes", .data, .required)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex("case_photos_case", on: CasePhoto.schema, ["case_id", "created_at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(CasePhoto.schema).delete() }
}

struct M024AddUserDepartmentAndSessionVersion: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(User.schema).field("department_id", .uuid, .references(Department.schema, "id")).update()
        try await db.schema(User.schema).field("session_version", .int, .required, .sql(.default(0))).update()
    }
    func revert(on db: any Database) async throws {
        try await db.schema(User.schema).deleteField("department_id").update()
        try await db.schema(User.schema).deleteField("session_version").update()
    }
}

struct M025CreateCaseHandlings: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(CaseHandlings.table)
            .field("case_id", .uuid, .required, .references(Case.schema, "id"))
            .field("level", .string, .required)
            .field("node_id", .uuid)
            .field("node_path", .path(on: db))
            .field("department_id", .uuid)
            .field("since", .datetime, .required)
            .create()
        try await db.sql.create(index: "case_handlings_node").unique().on(CaseHandlings.table).column("case_id").column("node_id").run()
        try await db.sql.create(index: "case_handlings_department").unique().on(CaseHandlings.table).column("case_id").column("department_id").run()
        try await createIndex("case_handlings_by_department", on: CaseHandlings.table, ["department_id", "case_id"], db: db)
        try await createIndex("case_handlings_by_path", on: CaseHandlings.table, ["node_path", "case_id"], db: db)
        try await CaseHandlings.backfill(on: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(CaseHandlings.table).delete() }
}

/// A row per assignment instead of one per unit, so a case handed A → B → A counts for A again in the measures.
struct M139CaseHandlingsPerAssignment: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.sql.drop(index: "case_handlings_node").ifExists().run()
        try await db.sql.drop(index: "case_handlings_department").ifExists().run()
        try await createIndex("case_handlings_case", on: CaseHandlings.table, ["case_id", "since"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.sql.drop(index: "case_handlings_case").run()
    }
}
