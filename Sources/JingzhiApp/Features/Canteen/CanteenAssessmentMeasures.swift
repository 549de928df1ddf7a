import Fluent
import Foundation
import JingzhiCore

/// The canteen's measure for the assessment (docs/assessment.md): meals to be delivered home (送餐上门) that were
/// delivered, per order's node path. Orders of today or later not delivered yet are not due and not counted.
enum CanteenAssessmentMeasures {
    static func delivered(_ db: any Database, scope: DataScope, from: String, to: String, today: String) async throws -> AssessmentTally {
        var out = AssessmentTally()
        let orders = try await CanteenOrder.query(on: db).within(scope).filter(\.$day >= from).filter(\.$day <= to)
            .filter(\.$delivery == true).filter(\.$state != "cancelled").all()
        for o in orders where o.state == "delivered" || o.day < today {
            out.add(.path(o.nodePath), o.state == "delivered" ? 1 : 0, of: 1)
        }
        return out
    }
}

extension AssessmentSources {
    /// 助餐送餐完成率.
    static let canteen = AssessmentMeasureSource(feature: "canteen", measures: [
        AssessmentMeasureInfo(key: "canteen.delivered", zh: "助餐送餐上门完成率", en: "Meals delivered home", share: true, kinds: [.street, .community, .grid]),
    ]) { ctx, _, _ in
        ["canteen.delivered": try await CanteenAssessmentMeasures.delivered(ctx.db, scope: ctx.scope, from: ctx.from, to: ctx.to, today: ShanghaiTime.today(ctx.now))]
    }
}
