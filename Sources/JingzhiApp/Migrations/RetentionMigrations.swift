import Fluent
import JingzhiCore
import SQLKit

/// Why a resident left the register and when their personal data was anonymised; the retention setting (PIPL).
struct M104AddResidentRetention: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Resident.schema).field("removed_reason", .string).update()
        try await db.schema(Resident.schema).field("anonymised_at", .datetime).update()
        // Reasons were kept only in the audit trail until now ("注销居民 X：迁出").
        try await db.sql.raw("""
            UPDATE residents SET removed_reason = '迁出' WHERE deleted_at IS NOT NULL AND removed_reason IS NULL AND EXISTS (
              SELECT 1 FROM audit_log a WHERE a.entity_id = residents.id AND a.action = 'delete' AND a.summary LIKE '%：迁出')
            """).run()
        // The minute task's question ("moved away before X, not yet anonymised") read from an index, not a scan of the register.
        try await createIndex("residents_removed", on: Resident.schema, ["removed_reason", "anonymised_at", "deleted_at"], db: db)
        try await db.schema(RetentionSetting.schema)
            .id()
            .field("moved_away_months", .int, .required)
            .field("updated_at", .datetime)
            .field("updated_by", .string)
            .field("last_run_at", .datetime)
            .create()
    }
    func revert(on db: any Database) async throws {
        try await db.sql.raw("DROP INDEX IF EXISTS residents_removed").run()
        try await db.schema(RetentionSetting.schema).delete()
        try await db.schema(Resident.schema).deleteField("anonymised_at").update()
        try await db.schema(Resident.schema).deleteField("removed_reason").update()
    }
}

/// Background exports: who asked, the filters, progress, the finished file (kept a day), a heartbeat for takeover.
struct M105CreateExportJobs: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(ExportJob.schema)
            .id()
            .field("kind", .string, .required)
            .field("requested_by", .uuid, .required)
            .field("node_path", .path(on: db), .required)
            .field("params", .string, .required)
            .field("status", .string, .required)
            .field("rows_done", .int, .required)
            .field("rows_total", .int, .required)
            .field("filename", .string)
            .field("bytes", .data)
            .field("error", .string)
            .field("created_at", .datetime, .required)
            .field("heartbeat_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .create()
        try await createIndex("export_jobs_status", on: ExportJob.schema, ["status", "heartbeat_at"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(ExportJob.schema).delete() }
}

/// Cases by their reporter's phone: the retention task erases a moved-away resident's phone from the cases they filed.
struct M116AddCaseReporterPhoneIndex: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await createIndex("cases_reporter_phone", on: Case.schema, ["reporter_phone"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.sql.raw("DROP INDEX IF EXISTS cases_reporter_phone").run() }
}
