import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// Every unit that has handled a case: a row each time it was assigned to a node or department (A → B → A is three
/// rows). A department or property company reads the cases it handles now or handled before.
enum CaseHandlings {
    static let table = "case_handlings"

    struct Unit: Sendable, Equatable {
        let level: HandlerLevel
        let nodePath: String?
        let departmentID: UUID?
    }

    /// Records that `c` is now handled by its current unit: a new row unless its latest row is that unit already (every
    /// move calls this; only a change of unit writes).
    static func record(_ c: Case, nodePath: String?, on db: any Database, at now: Date) async throws {
        guard c.handlerNodeID != nil || c.handlerDepartmentID != nil else { return }
        try await db.sql.raw("""
            INSERT INTO \(ident: table) (case_id, level, node_id, node_path, department_id, since)
            SELECT \(bind: c.id!), \(bind: c.handlerLevelRaw), \(bind: c.handlerNodeID), \(bind: nodePath), \(bind: c.handlerDepartmentID), \(bind: now)
            WHERE NOT EXISTS (SELECT 1 FROM \(ident: table) l WHERE l.case_id = \(bind: c.id!) AND \(same(c, as: "l"))
              AND NOT EXISTS (SELECT 1 FROM \(ident: table) m WHERE m.case_id = l.case_id AND m.since > l.since))
            """).run()
    }

    /// SQL true where the row `alias` names the case's current unit.
    private static func same(_ c: Case, as alias: String) -> SQLQueryString {
        let node: SQLQueryString = c.handlerNodeID.map { "\(ident: alias).node_id = \(bind: $0)" } ?? "\(ident: alias).node_id IS NULL"
        let dept: SQLQueryString = c.handlerDepartmentID.map { "\(ident: alias).department_id = \(bind: $0)" } ?? "\(ident: alias).department_id IS NULL"
        return "\(node) AND \(dept)"
    }

    /// SQL true for the cases `department` held at `instant`: its handling record is the last one begun by then (a case
    /// handed on to another unit after `instant` still counts for it; one handed to it later does not; A → B → A counts
    /// for A, B and A again in turn).
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
              AND NOT EXISTS (SELECT 1 FROM \(ident: table) h WHERE h.case_id = c.id
                AND (h.node_id = c.handler_node_id OR (h.node_id IS NULL AND c.handler_node_id IS NULL))
                AND (h.department_id = c.handler_department_id OR (h.department_id IS NULL AND c.handler_department_id IS NULL)))
            """).run()
    }
}

