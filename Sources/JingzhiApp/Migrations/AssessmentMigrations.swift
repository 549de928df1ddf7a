import Fluent
import JingzhiCore
import SQLKit

/// Indicator systems, one row per version (unique per code and version).
struct M090CreateAssessmentSystems: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AssessmentSystem.schema).id()
            .field("code", .string, .required).field("name", .string, .required).field("version", .int, .required)
            .field("unit_kind", .string, .required).field("definition", .string, .required).field("note", .string)
            .field("node_path", .path(on: db), .required).field("created_by", .string, .required).field("created_at", .datetime, .required)
            .unique(on: "code", "version")
            .create()
        try await createIndex("assessment_systems_path", on: AssessmentSystem.schema, ["node_path"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(AssessmentSystem.schema).delete() }
}

/// Rounds: a system version frozen for one period over a subtree; corrections are further revisions.
struct M091CreateAssessmentRounds: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AssessmentRound.schema).id()
            .field("system_id", .uuid, .required, .references(AssessmentSystem.schema, "id"))
            .field("system_code", .string, .required).field("system_name", .string, .required).field("system_version", .int, .required)
            .field("definition", .string, .required).field("unit_kind", .string, .required)
            .field("period_kind", .string, .required).field("period", .string, .required)
            .field("from_day", .string, .required).field("to_day", .string, .required)
            .field("node_id", .uuid, .required).field("node_path", .path(on: db), .required)
            .field("state", .string, .required).field("revision", .int, .required)
            .field("correction_of", .uuid).field("correction_reason", .string)
            .field("computed_at", .datetime).field("published_at", .datetime)
            .field("version", .int, .required).field("created_at", .datetime, .required)
            .unique(on: "system_code", "node_id", "period", "revision")
            .create()
        try await createIndex("assessment_rounds_path", on: AssessmentRound.schema, ["node_path", "period"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(AssessmentRound.schema).delete() }
}

/// Each unit's result in a round: review step, total, dimensions, rank.
struct M092CreateAssessmentResults: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AssessmentResult.schema).id()
            .field("round_id", .uuid, .required, .references(AssessmentRound.schema, "id", onDelete: .cascade))
            .field("unit_id", .uuid, .required).field("unit_name", .string, .required)
            .field("node_path", .path(on: db), .required).field("state", .string, .required)
            .field("total", .double).field("dimensions", .string, .required).field("vetoed", .bool, .required)
            .field("rank", .int).field("list", .string).field("version", .int, .required)
            .unique(on: "round_id", "unit_id")
            .create()
        try await createIndex("assessment_results_path", on: AssessmentResult.schema, ["node_path"], db: db)
        try await createIndex("assessment_results_unit", on: AssessmentResult.schema, ["unit_id"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(AssessmentResult.schema).delete() }
}

/// Each unit's value per indicator: numerator and denominator, or the scores and reasons of a hand-scored one.
struct M093CreateAssessmentEntries: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AssessmentEntry.schema).id()
            .field("round_id", .uuid, .required, .references(AssessmentRound.schema, "id", onDelete: .cascade))
            .field("result_id", .uuid, .required, .references(AssessmentResult.schema, "id", onDelete: .cascade))
            .field("indicator", .string, .required).field("kind", .string, .required).field("node_path", .path(on: db), .required)
            .field("numerator", .double).field("denominator", .double)
            .field("self_score", .double).field("self_note", .string).field("score", .double)
            .field("adjust_reason", .string).field("adjusted_by", .string).field("bonus_state", .string).field("updated_at", .datetime)
            .unique(on: "result_id", "indicator")
            .create()
        try await createIndex("assessment_entries_round", on: AssessmentEntry.schema, ["round_id", "indicator"], db: db)
        try await createIndex("assessment_entries_path", on: AssessmentEntry.schema, ["node_path"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(AssessmentEntry.schema).delete() }
}

/// Photos and PDFs backing hand scores.
struct M094CreateAssessmentEvidence: AsyncMigration {
    func prepare(on db: any Database) async throws {
        try await db.schema(AssessmentEvidence.schema).id()
            .field("entry_id", .uuid, .required, .references(AssessmentEntry.schema, "id", onDelete: .cascade))
            .field("result_id", .uuid, .required).field("node_path", .path(on: db), .required)
            .field("file_name", .string, .required).field("content_type", .string, .required).field("size", .int, .required)
            .field("bytes", .data, .required).field("created_at", .datetime, .required)
            .create()
        try await createIndex("assessment_evidence_entry", on: AssessmentEvidence.schema, ["entry_id"], db: db)
    }

    func revert(on db: any Database) async throws { try await db.schema(AssessmentEvidence.schema).delete() }
}
