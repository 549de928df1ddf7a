import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// Writes demo rows with multi-row `INSERT`s. Values are bound as the same Swift types Fluent binds for
/// the models (UUID, String, Int, Date), so each driver stores them exactly as Fluent would and the
/// models read them back: on SQLite UUIDs become text and dates seconds since 1970, on PostgreSQL
/// `uuid` and `timestamptz`.
struct DemoBulkInsert {
    let db: any SQLDatabase
    /// Rows per statement; PostgreSQL allows at most 65,535 bound parameters per statement.
    static let rowsPerStatement = 500
    static let maxBinds = 60_000

    init(_ db: any Database) { self.db = db as! any SQLDatabase }

    func insert<Row>(_ table: String, _ columns: [String], _ rows: [Row],
                     _ values: (Row) -> [any SQLExpression]) async throws {
        let perStatement = max(1, min(Self.rowsPerStatement, Self.maxBinds / columns.count))
        var start = 0
        while start < rows.count {
            let end = min(rows.count, start + perStatement)
            let builder = db.insert(into: table).columns(columns)
            for row in rows[start..<end] { builder.values(values(row)) }
            try await builder.run()
            start = end
        }
    }

    /// Writes a batch in foreign-key order: nodes, workers, households, residents, tags, visits; nodes and people dated `createdAt`.
    func write(_ batch: DemoBatch, createdAt: Date) async throws {
        let at = SQLBind(createdAt)
        try await insert(OrgNode.schema, ["id", "parent_id", "kind", "code", "name", "path", "segment", "depth", "boundary",
                                          "address", "party_org_name", "party_secretary", "party_contact", "created_at", "updated_at"],
                         batch.nodes) { n in
            [SQLBind(n.id), bind(n.parentID), SQLBind(n.kind.rawValue), SQLBind(n.code), SQLBind(n.name), SQLBind(n.path),
             SQLBind(n.segment), SQLBind(n.depth), bind(n.boundary), bind(n.address), bind(n.partyOrgName),
             bind(n.partySecretary), bind(n.partyContact), at, at]
        }
        try await insert(GridWorker.schema, ["id", "grid_id", "node_path", "name", "phone", "duty", "created_at"], batch.workers) { w in
            [SQLBind(w.id), SQLBind(w.gridID), SQLBind(w.nodePath), SQLBind(w.name), SQLBind(w.phone), SQLBind(w.duty), at]
        }
        try await insert(Household.schema, ["id", "node_id", "node_path", "room", "address", "occupancy", "created_at", "updated_at"],
                         batch.households) { h in
            [SQLBind(h.id), SQLBind(h.nodeID), SQLBind(h.nodePath), SQLBind(h.room), SQLBind(h.address), SQLBind(h.occupancy), at, at]
        }
        try await insert(Resident.schema, ["id", "household_id", "node_id", "node_path", "name", "gender", "birth_date", "id_number",
                                           "phone", "relation", "tags", "note", "import_key", "created_at", "updated_at"],
                         batch.residents) { r in
            [SQLBind(r.id), SQLBind(r.householdID), SQLBind(r.nodeID), SQLBind(r.nodePath), SQLBind(r.name),
             SQLBind(r.male ? "男" : "女"), SQLBind(r.birthDate), SQLBind(r.idNumber), bind(r.phone), SQLBind(r.relation),
             SQLBind(r.tags.joined(separator: ",")), bind(r.note), SQLBind(r.importKey), at, at]
        }
        try await insert(ResidentTag.schema, ["id", "resident_id", "tag", "node_path"], batch.tags) { t in
            [SQLBind(t.id), SQLBind(t.residentID), SQLBind(t.tag), SQLBind(t.nodePath)]
        }
        try await insert(Visit.schema, ["id", "household_id", "node_path", "visitor_name", "visited_on", "kind", "notes", "created_at"],
                         batch.visits) { v in
            [SQLBind(v.id), SQLBind(v.householdID), SQLBind(v.nodePath), SQLBind(v.visitorName), SQLBind(v.visitedOn),
             SQLBind(v.kind), SQLBind(v.notes), SQLBind(v.createdAt)]
        }
    }

    private func bind(_ value: String?) -> any SQLExpression { value.map { SQLBind($0) } ?? SQLLiteral.null }
    private func bind(_ value: UUID?) -> any SQLExpression { value.map { SQLBind($0) } ?? SQLLiteral.null }
}
