import Fluent
import Foundation
import JingzhiCore

/// Activities' measure for the assessment (docs/assessment.md): of the people holding a seat at an activity that
/// started in the period, how many came (checked in), tallied per activity's node path.
enum ActivityAssessmentMeasures {
    static let came: Set<AttendanceState> = [.checkedIn, .checkedOut, .verified]
    /// Seats held when the activity ran: signed up, came, or did not come (waiting, offered and cancelled do not count).
    static let held: Set<AttendanceState> = [.signedUp, .checkedIn, .checkedOut, .verified, .noShow]

    static func attendance(_ db: any Database, scope: DataScope, from: Date, to: Date) async throws -> AssessmentTally {
        var out = AssessmentTally()
        let activities = try await VolunteerActivity.query(on: db).within(scope).filter(\.$startsAt >= from).filter(\.$startsAt < to).all()
        var paths: [UUID: String] = [:]
        for a in activities { paths[a.id!] = a.nodePath }
        for chunk in Array(paths.keys).chunked(500) {
            for row in try await ActivityAttendance.query(on: db).filter(\.$activityID ~~ chunk).all() {
                guard let state = AttendanceState(rawValue: row.stateRaw), held.contains(state), let path = paths[row.activityID] else { continue }
                out.add(.path(path), came.contains(state) ? 1 : 0, of: 1)
            }
        }
        return out
    }
}

extension AssessmentSources {
    /// 活动到场率: came ÷ seats held, for activities that started in the period.
    static let activities = AssessmentMeasureSource(feature: "activities", measures: [
        AssessmentMeasureInfo(key: "activities.attendance", zh: "活动报名到场率", en: "Activity attendance", share: true, kinds: [.street, .community, .grid]),
    ]) { ctx, _, _ in
        ["activities.attendance": try await ActivityAssessmentMeasures.attendance(ctx.db, scope: ctx.scope, from: ctx.start, to: ctx.end)]
    }
}
