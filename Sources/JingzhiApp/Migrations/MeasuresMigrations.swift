import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// The tallies, the duration bins and each case's durations, filled from the cases already there.
struct M022CreateCaseTallies: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Case.schema).field("respond_hours", .double).update()
        try await db.schema(Case.schema).field("resolve_hours", .double).update()
        var tallies = db.schema(CaseTallies.table)
            .field("depth", .int, .required)
            .field("month", .string, .required)
            .field("area_path", .path(on: db), .required)
            .field("category_code", .string, .required)
            .field("department_id", .uuid, .required)
        for c in CaseTallies.counters { tallies = tallies.field(.definition(name: .key(.string(c.column)), dataType: .int, constraints: [.required, .sql(.default(0))])) }
        try await tallies.unique(on: "depth", "month", "area_path", "category_code", "department_id").create()
        try await createIndex("case_tallies_area", on: CaseTallies.table, ["depth", "area_path", "month"], db: db)
        try await db.schema(CaseTallies.binsTable)
            .field("depth", .int, .required)
            .field("month", .string, .required)
            .field("area_path", .path(on: db), .required)
            .field("measure", .string, .required)
            .field("bin", .int, .required)
            .field("n", .int, .required)
            .unique(on: "depth", "month", "area_path", "measure", "bin")
            .create()
        try await createIndex("cases_respond_hours", on: Case.schema, ["respond_hours", "created_at", "node_path"], db: db)
        try await createIndex("cases_resolve_hours", on: Case.schema, ["resolve_hours", "created_at", "node_path"], db: db)
        try await CaseTallies.rebuild(under: nil, on: db)
    }

    func revert(on db: any Database) async throws {
        try await db.schema(CaseTallies.binsTable).delete()
        try await db.schema(CaseTallies.table).delete()
        try await db.sql.raw("DROP INDEX cases_respond_hours").run()
        try await db.sql.raw("DROP INDEX cases_resolve_hours").run()
        try await db.schema(Case.schema).deleteField("respond_hours").update()
        try await db.schema(Case.schema).deleteField("resolve_hours").update()
    }
}

/// An index for the measures' deadline-dependent counts: open cases under a node. (Periods over a whole county
/// read `cases_created_cover`, M050.)
struct M023IndexCasesForMeasures: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await createIndex("cases_state_path", on: Case.schema, ["state", "node_path", "created_at"], db: db)
    }

    func revert(on db: any Database) async throws {
        try await db.sql.raw("DROP INDEX cases_state_path").run()
    }
}
