import Fluent
import Foundation
import JingzhiCore

extension AssessmentSources {
    /// The case measures of each county department (街呼县应), over the cases it held at the period's end (or now, if
    /// sooner) by the Cases feature's handling records — a case handed on later still counts for the department that
    /// had it then — created in the period under the round's node: response, resolution, on time and satisfaction as in
    /// docs/measures.md, each a numerator and denominator for the department as a unit.
    static let departmentCases = AssessmentMeasureSource(feature: "measures", measures: [
        AssessmentMeasureInfo(key: "departments.response", zh: "部门按时响应率", en: "Department response rate", share: true, kinds: [.department]),
        AssessmentMeasureInfo(key: "departments.resolution", zh: "部门解决率", en: "Department resolution rate", share: true, kinds: [.department]),
        AssessmentMeasureInfo(key: "departments.on_time", zh: "部门按时办结率", en: "Department on-time rate", share: true, kinds: [.department]),
        AssessmentMeasureInfo(key: "departments.satisfaction", zh: "部门群众满意率", en: "Department satisfaction rate", share: true, kinds: [.department]),
    ]) { ctx, units, keys in
        var out: [String: AssessmentTally] = [:]
        let service = CaseMeasuresService(db: ctx.db, now: ctx.now)
        let heldAt = min(ctx.end, ctx.now)
        for u in units where u.kind == .department {
            guard let d = try await Department.find(u.id, on: ctx.db) else { continue }
            let b = try await service.measures(CaseMeasuresQuery(node: ctx.root, from: ctx.from, to: ctx.to, department: d, heldAt: heldAt)).basis
            let pick: [String: CaseMeasures.Fraction] = [
                "departments.response": b.response, "departments.resolution": b.resolution,
                "departments.on_time": b.onTime, "departments.satisfaction": b.satisfaction,
            ]
            for (k, f) in pick where keys.contains(k) { out[k, default: [:]].add(.unit(u.id), Double(f.numerator), of: Double(f.denominator)) }
        }
        return out
    }
}
