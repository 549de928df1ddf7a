import Fluent
import Foundation
import JingzhiCore

/// Devices' safety measure for the assessment (docs/assessment.md): smoke and gas alarms raised in the period that
/// were cleared within 24 hours, per alarm's node path. An alarm still inside its 24 hours is not counted yet.
enum DeviceAssessmentMeasures {
    static let window: TimeInterval = 24 * 3600
    static let safetyKinds: Set<String> = [DeviceKind.smokeSensor.rawValue, DeviceKind.gasSensor.rawValue]

    static func safetyCleared(_ db: any Database, scope: DataScope, from: Date, to: Date, now: Date) async throws -> AssessmentTally {
        var out = AssessmentTally()
        let alarms = try await DeviceAlarm.query(on: db).within(scope).filter(\.$raisedAt >= from).filter(\.$raisedAt < to).all()
        var kinds: [UUID: String] = [:]
        for chunk in Array(Set(alarms.map(\.deviceID))).chunked(500) {
            for d in try await Device.query(on: db).filter(\.$id ~~ chunk).all() { kinds[d.id!] = d.kind }
        }
        for a in alarms where safetyKinds.contains(kinds[a.deviceID] ?? "") {
            let inTime = a.clearedAt.map { $0.timeIntervalSince(a.raisedAt) <= window } ?? false
            guard inTime || a.raisedAt.addingTimeInterval(window) <= now else { continue }
            out.add(.path(a.nodePath), inTime ? 1 : 0, of: 1)
        }
        return out
    }
}

extension AssessmentSources {
    /// 烟感燃气告警 24 小时处置率.
    static let deviceSafety = AssessmentMeasureSource(feature: "devices", measures: [
        AssessmentMeasureInfo(key: "devices.safety_cleared", zh: "烟感燃气告警24小时处置率", en: "Smoke and gas alarms cleared within 24 h",
                              share: true, kinds: [.street, .community, .grid]),
    ]) { ctx, _, _ in
        ["devices.safety_cleared": try await DeviceAssessmentMeasures.safetyCleared(ctx.db, scope: ctx.scope, from: ctx.start, to: ctx.end, now: ctx.now)]
    }
}
