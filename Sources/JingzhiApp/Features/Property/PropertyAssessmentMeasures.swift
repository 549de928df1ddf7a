import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// Property's measures for the assessment (docs/assessment.md): how the communities' monthly inspections scored the
/// compounds, and the residents' star ratings of their companies — per compound path and per company.
enum PropertyAssessmentMeasures {
    /// Inspection points given ÷ points possible, for the months given, under `scope`.
    static func inspections(_ db: any Database, scope: DataScope, months: [String]) async throws -> AssessmentTally {
        try await grouped(db, PropertyInspection.schema, numerator: "CAST(SUM(total) AS BIGINT)", denominator: "CAST(SUM(max_total) AS BIGINT)", scope: scope, months: months)
    }

    /// Stars given ÷ the most that could be given (5 a rating), for the months given, under `scope`.
    static func stars(_ db: any Database, scope: DataScope, months: [String]) async throws -> AssessmentTally {
        try await grouped(db, ResidentCompanyRating.schema, numerator: "CAST(SUM(stars) AS BIGINT)", denominator: "CAST(5 * COUNT(*) AS BIGINT)", scope: scope, months: months)
    }

    /// One grouped query (a county's month has tens of thousands of ratings): sums per compound path and company,
    /// added under the path and under the company.
    private static func grouped(_ db: any Database, _ table: String, numerator: String, denominator: String, scope: DataScope,
                                months: [String]) async throws -> AssessmentTally {
        var out = AssessmentTally()
        guard !months.isEmpty else { return out }
        var q = db.sql.select().column("node_path").column("company_id")
            .column(SQLRaw(numerator), as: "n").column(SQLRaw(denominator), as: "d")
            .from(table).where("month", .in, SQLBind.group(months))
        if !scope.rootPath.isEmpty {
            q = q.where("node_path", .greaterThanOrEqual, SQLBind(scope.rootPath)).where("node_path", .lessThan, SQLBind(scope.upperBound))
        }
        for row in try await q.groupBy("node_path").groupBy("company_id").all() {
            let n = try number(row, "n"), d = try number(row, "d")
            out.add(.path(try row.decode(column: "node_path", as: String.self)), n, of: d)
            if let company = try row.decode(column: "company_id", as: UUID?.self) { out.add(.unit(company), n, of: d) }
        }
        return out
    }

    /// A sum as a number, whichever type the database answers with.
    private static func number(_ row: any SQLRow, _ column: String) throws -> Double {
        if let i = try? row.decode(column: column, as: Int?.self) { return Double(i ?? 0) }
        if let d = try? row.decode(column: column, as: Double?.self) { return d ?? 0 }
        return Double(try row.decode(column: column, as: String.self)) ?? 0
    }
}

extension AssessmentSources {
    private static let areasAndCompanies: Set<AssessmentUnitKind> = [.street, .community, .grid, .propertyCompany]

    /// Property inspections and resident stars (物业服务检查得分率, 居民星级评价得分率).
    static let propertyRatings = AssessmentMeasureSource(feature: "property", measures: [
        AssessmentMeasureInfo(key: "property.inspection", zh: "物业服务检查得分率", en: "Property inspection score", share: true, kinds: areasAndCompanies),
        AssessmentMeasureInfo(key: "property.stars", zh: "居民星级评价得分率", en: "Residents' star rating", share: true, kinds: areasAndCompanies),
    ]) { ctx, _, keys in
        var out: [String: AssessmentTally] = [:]
        if keys.contains("property.inspection") { out["property.inspection"] = try await PropertyAssessmentMeasures.inspections(ctx.db, scope: ctx.scope, months: ctx.months) }
        if keys.contains("property.stars") { out["property.stars"] = try await PropertyAssessmentMeasures.stars(ctx.db, scope: ctx.scope, months: ctx.months) }
        return out
    }
}
