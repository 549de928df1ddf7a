import Fluent
import Foundation

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

    private static var calendar: Calendar {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }

    /// The first day of the period holding `day`.
    func start(of day: String) -> String {
        guard let date = Validate.date(day) else { return day }
        let c = Self.calendar
        switch self {
        case .week:
            let weekday = (c.component(.weekday, from: date) + 5) % 7   // Monday 0 … Sunday 6
            return Self.string(c.date(byAdding: .day, value: -weekday, to: date)!)
        case .month:
            return String(day.prefix(8)) + "01"
        case .quarter:
            let m = c.component(.month, from: date)
            return String(day.prefix(5)) + String(format: "%02d", (m - 1) / 3 * 3 + 1) + "-01"
        }
    }

    /// The first day of the next period.
    func next(_ start: String) -> String {
        guard let date = Validate.date(start) else { return start }
        let c = Self.calendar
        let next = switch self {
        case .week: c.date(byAdding: .day, value: 7, to: date)!
        case .month: c.date(byAdding: .month, value: 1, to: date)!
        case .quarter: c.date(byAdding: .month, value: 3, to: date)!
        }
        return Self.string(next)
    }

    func previous(_ start: String) -> String {
        guard let date = Validate.date(start) else { return start }
        let c = Self.calendar
        let prev = switch self {
        case .week: c.date(byAdding: .day, value: -7, to: date)!
        case .month: c.date(byAdding: .month, value: -1, to: date)!
        case .quarter: c.date(byAdding: .month, value: -3, to: date)!
        }
        return Self.string(prev)
    }

    /// The first period counted for a plan starting on `day`: the period holding it if it starts that day, else the next.
    func firstCounted(from day: String) -> String {
        let s = start(of: day)
        return s == day ? s : next(s)
    }

    static func string(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    static func dayBefore(_ day: String) -> String {
        guard let date = Validate.date(day) else { return day }
        return string(date.addingTimeInterval(-86400))
    }
}

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
