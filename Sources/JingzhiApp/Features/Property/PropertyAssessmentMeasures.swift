import Fluent
import Foundation
import JingzhiCore

/// Property's measures for the assessment (docs/assessment.md): how the communities' monthly inspections scored the
/// compounds, and the residents' star ratings of their companies — per compound path and per company.
enum PropertyAssessmentMeasures {
    /// Inspection points given ÷ points possible, for the months given, under `scope`.
    static func inspections(_ db: any Database, scope: DataScope, months: [String]) async throws -> AssessmentTally {
        var out = AssessmentTally()
        guard !months.isEmpty else { return out }
        for i in try await PropertyInspection.query(on: db).within(scope).filter(\.$month ~~ months).all() {
            out.add(.path(i.nodePath), Double(i.total), of: Double(i.maxTotal))
            if let c = i.companyID { out.add(.unit(c), Double(i.total), of: Double(i.maxTotal)) }
        }
        return out
    }

    /// Stars given ÷ the most that could be given (5 a rating), for the months given, under `scope`.
    static func stars(_ db: any Database, scope: DataScope, months: [String]) async throws -> AssessmentTally {
        var out = AssessmentTally()
        guard !months.isEmpty else { return out }
        for r in try await ResidentCompanyRating.query(on: db).within(scope).filter(\.$month ~~ months).all() {
            out.add(.path(r.nodePath), Double(r.stars), of: 5)
            out.add(.unit(r.companyID), Double(r.stars), of: 5)
        }
        return out
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
