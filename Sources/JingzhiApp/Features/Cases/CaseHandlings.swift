import Fluent
import JingzhiCore
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

    /// SQL true for the cases `department` held at `instant`: its handling record is the last one begun by then (a case
    /// handed on to another unit after `instant` still counts for it; one handed to it later does not). A unit that took
    /// a case back keeps its first `since`, so A → B → A reads as B.
    static func heldByDepartment(_ department: UUID, at instant: Date) -> SQLQueryString {
        """
        \(ident: Case.schema).\(ident: "id") IN (SELECT h.case_id FROM \(ident: table) h WHERE h.department_id = \(bind: department) AND h.since <= \(bind: instant) \
        AND NOT EXISTS (SELECT 1 FROM \(ident: table) l WHERE l.case_id = h.case_id AND l.since > h.since AND l.since <= \(bind: instant)))
        """
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

