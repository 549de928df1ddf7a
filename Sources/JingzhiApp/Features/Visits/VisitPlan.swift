import Fluent
import Foundation
import JingzhiCore

/// A care-visit plan (民情走访 / 敲门行动计划): every household under `node` where someone carries `tag` is visited
/// once each `period` (e.g. 独居老人 weekly, 困难家庭 monthly).
final class VisitPlan: Model, PathScoped, @unchecked Sendable {
    static let schema = "visit_plans"
    static var pathKey: KeyPath<VisitPlan, FieldProperty<VisitPlan, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "node_id") var nodeID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "node_name") var nodeName: String
    @Field(key: "tag") var tag: String
    /// week, month or quarter.
    @Field(key: "period") var periodRaw: String
    /// First day of the plan (YYYY-MM-DD); the first period counted is the first to start on or after it.
    @Field(key: "starts_on") var startsOn: String
    @Field(key: "active") var active: Bool
    @OptionalField(key: "created_by") var createdBy: UUID?
    @Field(key: "created_at") var createdAt: Date

    init() {}

    var period: VisitPeriod { VisitPeriod(rawValue: periodRaw) ?? .month }
}

/// Calendar periods of a plan, on Shanghai days written YYYY-MM-DD: ISO weeks (Monday to Sunday), months, quarters.
enum VisitPeriod: String, CaseIterable, Sendable {
    case week, month, quarter

    func label(_ lang: Lang) -> String {
        switch self {
        case .week: lang.t("每周", "weekly")
        case .month: lang.t("每月", "monthly")
        case .quarter: lang.t("每季度", "quarterly")
        }
    }

    /// The first day of the period holding `day`.
    func start(of day: String) -> String {
        switch self {
        case .week: ShanghaiTime.weekStart(of: day)
        case .month: ShanghaiTime.dayNumber(day) == nil ? day : String(day.prefix(8)) + "01"
        case .quarter: ShanghaiTime.dayNumber(day) == nil ? day : ShanghaiTime.quarterStart(of: day)
        }
    }

    /// The first day of the next period.
    func next(_ start: String) -> String { step(start, by: 1) }

    func previous(_ start: String) -> String { step(start, by: -1) }

    private func step(_ start: String, by n: Int) -> String {
        guard ShanghaiTime.dayNumber(start) != nil else { return start }
        switch self {
        case .week: return ShanghaiTime.add(7 * n, to: start)
        case .month: return ShanghaiTime.month(start, plus: n) + "-01"
        case .quarter: return ShanghaiTime.month(start, plus: 3 * n) + "-01"
        }
    }

    /// The first period counted for a plan starting on `day`: the period holding it if it starts that day, else the next.
    func firstCounted(from day: String) -> String {
        let s = start(of: day)
        return s == day ? s : next(s)
    }

    static func dayBefore(_ day: String) -> String { ShanghaiTime.add(-1, to: day) }
}

