import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

struct M044CreateVisitPlans: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(VisitPlan.schema)
            .id()
            .field("node_id", .uuid, .required, .references(OrgNode.schema, "id"))
            .field("node_path", .path(on: db), .required)
            .field("node_name", .string, .required)
            .field("tag", .string, .required)
            .field("period", .string, .required)
            .field("starts_on", .string, .required)
            .field("active", .bool, .required)
            .field("created_by", .uuid)
            .field("created_at", .datetime, .required)
            .create()
        try await createIndex("visit_plans_path", on: VisitPlan.schema, ["node_path"], db: db)
    }
    func revert(on db: any Database) async throws { try await db.schema(VisitPlan.schema).delete() }
}

/// A visit may raise a case: the visit keeps its number.
struct M045AddVisitCase: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(Visit.schema).field("case_id", .uuid).update()
    }
    func revert(on db: any Database) async throws { try await db.schema(Visit.schema).deleteField("case_id").update() }
}
