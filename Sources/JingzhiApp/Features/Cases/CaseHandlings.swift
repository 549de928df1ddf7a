import Fluent
import SQLKit
import Vapor

/// Every unit that has handled a case: a row per node or department it was assigned to, written with each
/// assignment. A department or property company reads the cases it handles now or handled before.
enum CaseHandlings {
    static let table = "case_handlings"

    struct Unit: Sendable, Equatable {
        let level: HandlerLevel
        let nodePath: String?
        let departmentID: UUID?
    }

    /// Records that `c` is now handled by its current unit (nothing when the unit handled it before).
    static func record(_ c: Case, nodePath: String?, on db: any Database, at now: Date) async throws {
        guard c.handlerNodeID != nil || c.handlerDepartmentID != nil else { return }
        try await db.sql.insert(into: table)
            .columns("case_id", "level", "node_id", "node_path", "department_id", "since")
            .values(SQLBind(c.id!), SQLBind(c.handlerLevelRaw), SQLBind(c.handlerNodeID), SQLBind(nodePath), SQLBind(c.handlerDepartmentID), SQLBind(now))
            .ignoringConflicts()
            .run()
    }

    static func units(of caseID: UUID, on db: any Database) async throws -> [Unit] {
        struct Row: Decodable { let level: String; let node_path: String?; let department_id: UUID? }
        return try await db.sql.select().columns("level", "node_path", "department_id").from(table)
            .where("case_id", .equal, SQLBind(caseID)).all(decoding: Row.self)
            .map { Unit(level: HandlerLevel(rawValue: $0.level) ?? .community, nodePath: $0.node_path, departmentID: $0.department_id) }
    }

    /// Adds the current unit of every case that has no row for it yet (after a bulk load, and once on upgrade).
    static func backfill(on db: any Database) async throws {
        try await db.sql.raw("""
            INSERT INTO \(ident: table) (case_id, level, node_id, node_path, department_id, since)
            SELECT c.id, c.handler_level, c.handler_node_id, n.path, c.handler_department_id, COALESCE(c.created_at, CURRENT_TIMESTAMP)
            FROM \(ident: Case.schema) c LEFT JOIN \(ident: OrgNode.schema) n ON n.id = c.handler_node_id
            WHERE (c.handler_node_id IS NOT NULL OR c.handler_department_id IS NOT NULL)
            ON CONFLICT DO NOTHING
            """).run()
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
