import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Vapor

/// The path an award was earned on, read from the front of its `sourceRef` (`activity:…`, `mediation:…`).
enum PointsSource: String, CaseIterable, Sendable {
    case activity, mediation, report, donation, other
    /// Not a path: the row of a community's rules that caps all paths together.
    case all

    init(sourceRef: String?) {
        let head = sourceRef.flatMap { $0.split(separator: ":", maxSplits: 1).first.map(String.init) } ?? ""
        self = PointsSource(rawValue: head).flatMap { $0 == .all ? nil : $0 } ?? .other
    }

    var zh: String {
        switch self {
        case .activity: "志愿活动"
        case .mediation: "纠纷调解"
        case .report: "随手拍问题办结"
        case .donation: "公益慈善捐赠"
        case .other: "其他（人工发放）"
        case .all: "全部来源合计"
        }
    }
    var en: String {
        switch self {
        case .activity: "volunteer activities"
        case .mediation: "mediated disputes"
        case .report: "reported problems resolved"
        case .donation: "charitable donations"
        case .other: "other (by hand)"
        case .all: "all paths together"
        }
    }

    /// The points an event pays when the community set none; activities pay their own rate.
    var defaultPoints: Int? {
        switch self {
        case .mediation: 30
        case .report: 5
        case .donation: 10
        case .activity, .other, .all: nil
        }
    }
}

/// A community's earning rule for one path (积分规则): the points an event pays and the most one resident may earn on
/// it in a calendar day and month (Asia/Shanghai); the `all` row caps every path together.
final class PointsRule: Model, PathScoped, @unchecked Sendable {
    static let schema = "points_rules"
    static var pathKey: KeyPath<PointsRule, FieldProperty<PointsRule, String>> { \.$nodePath }

    @ID(key: .id) var id: UUID?
    @Field(key: "community_id") var communityID: UUID
    @Field(key: "node_path") var nodePath: String
    @Field(key: "source") var source: String
    @OptionalField(key: "points") var points: Int?
    @OptionalField(key: "monthly_cap") var monthlyCap: Int?
    @OptionalField(key: "daily_cap") var dailyCap: Int?
    @Field(key: "updated_by") var updatedBy: String
    @Field(key: "updated_at") var updatedAt: Date

    init() {}
}

/// Reading and setting the rules, and what they leave a resident to earn this month.
struct PointsRules {
    let db: any Database
    let now: Date

    func rules(of community: UUID) async throws -> [PointsSource: PointsRule] {
        let rows = try await PointsRule.query(on: db).filter(\.$communityID == community).all()
        return Dictionary(rows.compactMap { r in PointsSource(rawValue: r.source).map { ($0, r) } }) { a, _ in a }
    }

    /// The points an event on `source` pays in `community`.
    func points(for source: PointsSource, in community: UUID) async throws -> Int? {
        try await rules(of: community)[source]?.points ?? source.defaultPoints
    }

    /// What a cap leaves: points, and whether the day's cap (else the month's) is the tighter one.
    struct Allowance: Equatable {
        let left: Int
        let daily: Bool
    }

    /// What `account` may still earn on `source` today under its community's day and month caps; nil when nothing caps
    /// it. Read inside the award's transaction after the account is locked, so two awards never both fit a last gap.
    func allowance(_ account: PointsAccount, source: PointsSource) async throws -> Allowance? {
        let rules = try await rules(of: account.communityID)
        let caps = [source, .all].flatMap { s in
            [rules[s]?.dailyCap.map { (s, $0, true) }, rules[s]?.monthlyCap.map { (s, $0, false) }].compactMap { $0 }
        }
        guard !caps.isEmpty else { return nil }
        let monthStart = ShanghaiTime.dayStart(ShanghaiTime.currentMonth(now) + "-01")
        let dayStart = ShanghaiTime.dayStart(ShanghaiTime.today(now))
        let earned = try await PointsEntry.query(on: db).filter(\.$toAccountID == account.id!).filter(\.$kindRaw == PointsEntryKind.award.rawValue)
            .filter(\.$createdAt >= monthStart).all()
        return caps.map { s, cap, daily in
            let used = earned.filter { (!daily || $0.createdAt >= dayStart) && (s == .all || PointsSource(sourceRef: $0.sourceRef) == source) }
                .reduce(0) { $0 + $1.points }
            return Allowance(left: max(0, cap - used), daily: daily)
        }.min { $0.left < $1.left }
    }

    /// Sets a community's rule for `source` (nil clears a value); staff in scope.
    func set(community raw: String?, source rawSource: String?, points: Double?, monthlyCap: Double?, dailyCap: Double? = nil, by actor: Actor,
             source audit: AuditSource) async throws -> PointsRule {
        try PointsService.requireStaff(actor)
        let community = try await VolunteerService(db: db, now: now).communityNode(raw, actor)
        guard let source = rawSource.flatMap(PointsSource.init(rawValue:)) else {
            throw APIError.invalid("source", "来源须为 \(PointsSource.allCases.map(\.rawValue).joined(separator: "、")) 之一 (unknown source)")
        }
        let pts = try points.map { try PointsService.points($0, field: "points", max: 1_000) }
        let cap = try monthlyCap.map { try PointsService.points($0, field: "monthlyCap", max: 100_000) }
        let day = try dailyCap.map { try PointsService.points($0, field: "dailyCap", max: 100_000) }
        if let day, let cap, day > cap {
            throw APIError.invalid("dailyCap", "每日上限不能高于每月上限 (the daily cap cannot exceed the monthly one)")
        }
        if pts != nil, source == .activity || source == .all || source == .other {
            throw APIError.invalid("points", "志愿活动按活动设定的积分发放，人工发放按填写的积分，这一来源只能设月上限 (this path pays its own amounts: set only its monthly cap)")
        }
        let rule = try await PointsRule.query(on: db).filter(\.$communityID == community.id!).filter(\.$source == source.rawValue).first() ?? PointsRule()
        if rule.id == nil {
            rule.id = UUID()
            rule.communityID = community.id!
            rule.nodePath = community.path
            rule.source = source.rawValue
        }
        let before = (rule.points, rule.monthlyCap, rule.dailyCap)
        rule.points = pts
        rule.monthlyCap = cap
        rule.dailyCap = day
        rule.updatedBy = audit.actorName
        rule.updatedAt = now
        try await db.writeTransaction { [now] tx in
            try await rule.save(on: tx)
            try await AuditLog.record(on: tx, by: audit, at: now, action: "set_rule", entity: "points_rule", entityID: rule.id, nodePath: rule.nodePath,
                                      summary: "积分规则 \(community.name) \(source.zh)：每次 \(pts.map(String.init) ?? "—") 分，每日上限 \(day.map(String.init) ?? "不限")，每月上限 \(cap.map(String.init) ?? "不限")",
                                      changes: ["points": [before.0.map(String.init), pts.map(String.init)], "monthlyCap": [before.1.map(String.init), cap.map(String.init)],
                                                "dailyCap": [before.2.map(String.init), day.map(String.init)]])
        }
        return rule
    }

    /// Takes the account's row lock (PostgreSQL), so the month's earnings are read by one award at a time.
    static func lock(_ account: PointsAccount, on tx: any Database) async throws {
        try await tx.sql.update(PointsAccount.schema).set(SQLIdentifier("balance"), to: SQLIdentifier("balance"))
            .where("id", .equal, SQLBind(account.id!)).run()
    }
}
