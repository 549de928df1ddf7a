import Fluent
import JingzhiCore

/// The personal-data access log (PIPL 个人信息查看记录): rows are only ever added.
struct M101AddPiiAccessLog: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(PersonalDataAccess.schema)
            .id()
            .field("at", .datetime, .required)
            .field("viewer_id", .uuid)
            .field("viewer_name", .string, .required)
            .field("viewer_role", .string, .required)
            .field("subject_kind", .string, .required)
            .field("subject_id", .uuid)
            .field("subject_count", .int, .required)
            .field("fields", .string, .required)
            .field("page", .string, .required)
            .field("node_path", .path(on: db), .required)
            .field("ip", .string, .required)
            .field("request_id", .string)
            .create()
        try await createIndex("pii_access_path_at", on: PersonalDataAccess.schema, ["node_path", "at"], db: db)
        try await createIndex("pii_access_subject", on: PersonalDataAccess.schema, ["subject_id", "at"], db: db)
        try await createIndex("pii_access_viewer", on: PersonalDataAccess.schema, ["viewer_id", "at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(PersonalDataAccess.schema).delete() }
}
