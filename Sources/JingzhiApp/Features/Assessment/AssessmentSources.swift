import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The measures each feature offers the assessment, read through that feature's service. A new feature adds its
/// source here and to `all`; an indicator names a measure by its key.
enum AssessmentSources {
    static let all: [AssessmentMeasureSource] = [cases, visits, fees, deliberation, devices, notices, volunteers, serviceApplications,
                                                  propertyRatings, partners, activities, canteen, deviceSafety, departmentCases]

    private static let areas: Set<AssessmentUnitKind> = [.street, .community, .grid]

    private static func info(_ key: String, _ zh: String, _ en: String, share: Bool = true, kinds: Set<AssessmentUnitKind> = areas) -> AssessmentMeasureInfo {
        AssessmentMeasureInfo(key: key, zh: zh, en: en, share: share, kinds: kinds)
    }

    /// The case measures (Measures): the three rates, on time, and the shares closed in the grid and the community,
    /// one breakdown per unit level.
    static let cases = AssessmentMeasureSource(feature: "measures", measures: [
        info("cases.response", "诉求响应率", "Case response rate"), info("cases.resolution", "诉求解决率", "Case resolution rate"),
        info("cases.satisfaction", "群众满意率", "Satisfaction rate"), info("cases.on_time", "按时办结率", "On-time rate"),
        info("cases.grid_closure", "小事不出网格率", "Closed in the grid"), info("cases.community_closure", "大事不出社区率", "Closed in the community"),
    ]) { ctx, units, keys in
        var out: [String: [AssessmentMeasureSource.Key: AssessmentFraction]] = [:]
        for kind in Set(units.map(\.kind)) {
            guard let grouping = CaseMeasuresGrouping(rawValue: kind.rawValue) else { continue }
            let b = try await CaseMeasuresService(db: ctx.db, now: ctx.now)
                .breakdown(CaseMeasuresQuery(node: ctx.root, from: ctx.from, to: ctx.to), by: grouping)
            for row in b.rows {
                guard let id = row.group?.nodeId else { continue }
                let pick: [String: CaseMeasures.Fraction] = [
                    "cases.response": row.basis.response, "cases.resolution": row.basis.resolution, "cases.satisfaction": row.basis.satisfaction,
                    "cases.on_time": row.basis.onTime, "cases.grid_closure": row.basis.gridClosure, "cases.community_closure": row.basis.communityClosure,
                ]
                for (k, f) in pick where keys.contains(k) {
                    out[k, default: [:]][.unit(id)] = .init(numerator: Double(f.numerator), denominator: Double(f.denominator))
                }
            }
        }
        return out
    }

    /// Care-visit coverage (Visits, through the command centre's provider): visits done on time ÷ visits due.
    static let visits = AssessmentMeasureSource(feature: "visits", measures: [info("visits.coverage", "走访覆盖率", "Visit coverage")]) { ctx, units, _ in
        guard let provider = ctx.app.commandCentre.visits else { return [:] }
        let nodes = try await OrgNode.query(on: ctx.db).filter(\.$id ~~ units.map(\.id)).all()
        var rows: [AssessmentMeasureSource.Key: AssessmentFraction] = [:]
        for c in try await provider(ctx.db, nodes, ctx.from, ctx.to) {
            rows[.unit(c.nodeId)] = .init(numerator: Double(c.onTime), denominator: Double(c.planned))
        }
        return ["visits.coverage": rows]
    }

    /// Property fee collection (Property): fen collected ÷ fen billed for the period's billing months, per area or company.
    static let fees = AssessmentMeasureSource(feature: "property", measures: [
        info("property.fee_collection", "物业费收缴率", "Fee collection rate", kinds: areas.union([.propertyCompany])),
    ]) { ctx, units, _ in
        let reports = FeeReports(db: ctx.db, now: ctx.now)
        let first = String(ctx.from.prefix(7)), last = String(ctx.to.prefix(7))
        var rows: [AssessmentMeasureSource.Key: AssessmentFraction] = [:]
        if units.contains(where: { $0.kind == .propertyCompany }) {
            for r in try await reports.collection(scope: DataScope(rootPath: ctx.root.path), by: "company", from: first, to: last) {
                guard let id = UUID(uuidString: r.key) else { continue }
                rows[.unit(id)] = (rows[.unit(id)] ?? .init(numerator: 0, denominator: 0)) + .init(numerator: Double(r.collectedFen), denominator: Double(r.billedFen))
            }
        }
        for u in units where u.kind != .propertyCompany {
            let sums = try await reports.collection(scope: DataScope(rootPath: u.path), by: "month", from: first, to: last)
            guard !sums.isEmpty else { continue }
            rows[.unit(u.id)] = .init(numerator: Double(sums.map(\.collectedFen).reduce(0, +)), denominator: Double(sums.map(\.billedFen).reduce(0, +)))
        }
        return ["property.fee_collection": rows]
    }

    /// Deliberation (docs/deliberation.md): consultation items done on time, topics answered within 7 days.
    static let deliberation = AssessmentMeasureSource(feature: "deliberation", measures: [
        info("deliberation.items_on_time", "议事事项按期办结率", "Consultation items done on time"),
        info("deliberation.reviewed_7d", "议题7日内答复率", "Topics answered within 7 days"),
    ]) { ctx, _, keys in
        var items: [AssessmentMeasureSource.Key: AssessmentFraction] = [:], reviewed = items
        let service = TopicService(db: ctx.db, now: ctx.now)
        var rows: [DeliberationMeasureRow] = []
        for month in ctx.months {
            rows += try await service.measures(month: month, within: DataScope(rootPath: ctx.root.path), node: ctx.root, limit: 5000).rows
        }
        // The communities' paths in one query, not one per row.
        let ids = Array(Set(rows.compactMap(\.communityId)))
        let paths: [UUID: String] = ids.isEmpty ? [:] : Dictionary(uniqueKeysWithValues: try await OrgNode.query(on: ctx.db).filter(\.$id ~~ ids).all().map { ($0.id!, $0.path) })
        for r in rows {
            guard let id = r.communityId, let path = paths[id] else { continue }
            items[.path(path)] = (items[.path(path)] ?? .init(numerator: 0, denominator: 0)) + .init(numerator: Double(r.itemsOnTime), denominator: Double(r.itemsDue))
            reviewed[.path(path)] = (reviewed[.path(path)] ?? .init(numerator: 0, denominator: 0)) + .init(numerator: Double(r.reviewedWithin7Days), denominator: Double(r.raised))
        }
        return ["deliberation.items_on_time": items, "deliberation.reviewed_7d": reviewed].filter { keys.contains($0.key) }
    }

    /// Devices: welfare alarms (no activity at an elderly home) whose case was answered by its deadline.
    static let devices = AssessmentMeasureSource(feature: "devices", measures: [
        info("devices.welfare_in_time", "关爱预警按时处置率", "Welfare alarms answered in time"),
    ]) { ctx, units, _ in
        var rows: [AssessmentMeasureSource.Key: AssessmentFraction] = [:]
        for u in units {
            var f = AssessmentFraction(numerator: 0, denominator: 0)
            for month in ctx.months {
                let w = try await DeviceMonthly.compute(ctx.db, scope: DataScope(rootPath: u.path), month: month, lang: .zh).welfare
                f = f + .init(numerator: Double(w.answeredInTime), denominator: Double(w.raised))
            }
            rows[.unit(u.id)] = f
        }
        return ["devices.welfare_in_time": rows]
    }

    /// Notices: people reached (read or told at the door) ÷ people a notice published in the period went to.
    static let notices = AssessmentMeasureSource(feature: "notices", measures: [info("notices.reach", "通知送达率", "Notice reach")]) { ctx, units, _ in
        var rows: [AssessmentMeasureSource.Key: AssessmentFraction] = [:]
        for u in units {
            let r = try await NoticeReceipts.reach(under: u.path, from: ShanghaiTime.dayStart(ctx.from), to: ShanghaiTime.dayStart(ShanghaiTime.add(1, to: ctx.to)), on: ctx.db)
            rows[.unit(u.id)] = .init(numerator: Double(r.reached), denominator: Double(r.recipients))
        }
        return ["notices.reach": rows]
    }

    /// Volunteers (Points): verified volunteer hours per 100 residents of the register.
    static let volunteers = AssessmentMeasureSource(feature: "volunteers", measures: [
        info("volunteers.hours_per_100", "每百名居民志愿服务时长(小时)", "Volunteer hours per 100 residents", share: false),
    ]) { ctx, units, _ in
        var rows: [AssessmentMeasureSource.Key: AssessmentFraction] = [:]
        for u in units {
            let minutes = try await VolunteerRankings.verifiedMinutes(under: u.path, from: ShanghaiTime.dayStart(ctx.from),
                                                                      to: ShanghaiTime.dayStart(ShanghaiTime.add(1, to: ctx.to)), on: ctx.db)
            let residents = try await ResidentService(db: ctx.db, now: ctx.now).count(within: DataScope(rootPath: u.path))
            rows[.unit(u.id)] = .init(numerator: Double(minutes) / 60, denominator: Double(residents) / 100)
        }
        return ["volunteers.hours_per_100": rows]
    }

    /// Service applications (一窗受理, through `ServiceMeasures`): decided by their deadline ÷ decided, submitted in the period.
    static let serviceApplications = AssessmentMeasureSource(feature: "services", measures: [
        info("services.on_time", "便民办事按时办结率", "Service applications decided on time"),
    ]) { ctx, units, _ in
        let measures = ServiceMeasures(db: ctx.db)
        let from = ShanghaiTime.dayStart(ctx.from), to = ShanghaiTime.dayStart(ShanghaiTime.add(1, to: ctx.to))
        var rows: [AssessmentMeasureSource.Key: AssessmentFraction] = [:]
        for u in units {
            let lines = try await measures.perMatter(in: DataScope(rootPath: u.path), from: from, to: to)
            rows[.unit(u.id)] = .init(numerator: Double(lines.reduce(0) { $0 + $1.onTime }), denominator: Double(lines.reduce(0) { $0 + $1.decided }))
        }
        return ["services.on_time": rows]
    }
}
