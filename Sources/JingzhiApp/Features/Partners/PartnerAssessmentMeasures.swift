import Fluent
import Foundation
import JingzhiCore

/// Partners' measures for the assessment (docs/assessment.md): micro-wishes fulfilled and needs of the list met,
/// tallied per node path.
enum PartnerAssessmentMeasures {
    /// Wishes posted in [from, to) and not withdrawn: fulfilled ÷ posted.
    static func wishesFulfilled(_ db: any Database, scope: DataScope, from: Date, to: Date) async throws -> AssessmentTally {
        var out = AssessmentTally()
        let wishes = try await Wish.query(on: db).within(scope).filter(\.$createdAt >= from).filter(\.$createdAt < to)
            .filter(\.$stateRaw != WishState.cancelled.rawValue).all()
        for w in wishes { out.add(.path(w.nodePath), w.state == .fulfilled ? 1 : 0, of: 1) }
        return out
    }

    /// Needs due on the days from…to (inclusive) and not cancelled: met in full ÷ due.
    static func needsMet(_ db: any Database, scope: DataScope, from: String, to: String) async throws -> AssessmentTally {
        var out = AssessmentTally()
        let needs = try await Need.query(on: db).within(scope).filter(\.$dueDay >= from).filter(\.$dueDay <= to)
            .filter(\.$stateRaw != NeedState.cancelled.rawValue).all()
        for n in needs { out.add(.path(n.nodePath), n.state == .met ? 1 : 0, of: 1) }
        return out
    }
}

extension AssessmentSources {
    /// 微心愿实现率 and 需求清单满足率.
    static let partners = AssessmentMeasureSource(feature: "partners", measures: [
        AssessmentMeasureInfo(key: "partners.wishes_fulfilled", zh: "微心愿实现率", en: "Micro-wishes fulfilled", share: true, kinds: [.street, .community, .grid]),
        AssessmentMeasureInfo(key: "partners.needs_met", zh: "需求清单满足率", en: "Needs on the list met", share: true, kinds: [.street, .community, .grid]),
    ]) { ctx, _, keys in
        var out: [String: AssessmentTally] = [:]
        if keys.contains("partners.wishes_fulfilled") {
            out["partners.wishes_fulfilled"] = try await PartnerAssessmentMeasures.wishesFulfilled(ctx.db, scope: ctx.scope, from: ctx.start, to: ctx.end)
        }
        if keys.contains("partners.needs_met") {
            out["partners.needs_met"] = try await PartnerAssessmentMeasures.needsMet(ctx.db, scope: ctx.scope, from: ctx.from, to: ctx.to)
        }
        return out
    }
}
