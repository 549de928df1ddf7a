import Fluent
import JingzhiCore
import Vapor

/// `jingzhi bench --part command-centre`: the command centre's data for the whole city, and for its busiest street,
/// on the city data set with a year of cases (about `perDay` a day, a million a year), each timed cold (cache
/// emptied before every run) and warm (past months' rates and household counts remembered, as on a polling wall).
extension Bench {
    public static func commandCentre(_ settings: Settings, repeats: Int, perDay: Double = 2740,
                                     log: @escaping @Sendable (String) -> Void) async throws -> [String] {
        try await JingzhiCommands.run(settings) { app in
            var lines: [String] = []
            _ = try await DemoSeeder.seed(app, scale: .city, log: log)
            let city = try await OrgNode.query(on: app.db).filter(\.$code == DemoPlan.make(.city).region.rootCode).first()!
            var cases = try await Case.query(on: app.db).within(DataScope(rootPath: city.path)).count()
            if cases == 0 {
                log("filing a year of cases under \(city.name) (≈ \(Int(perDay * 365)))…")
                let started = Date()
                cases = try await app.db.transaction { tx in
                    var history = DemoCaseHistory(db: tx)
                    return try await history.seed(under: city, days: 365, perDay: perDay)
                }
                lines.append(String(format: "case history: %d cases filed in %.0f s", cases, Date().timeIntervalSince(started)))
            }
            let located = try await Case.query(on: app.db).within(DataScope(rootPath: city.path)).filter(\.$latitude != nil).count()
            let grids = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.grid.rawValue).within(DataScope(rootPath: city.path)).count()
            let households = try await Household.query(on: app.db).within(DataScope(rootPath: city.path)).count()
            lines.append("data set: \(city.name), \(cases) cases (\(located) with coordinates), \(grids) grids, \(households) households, on \(settings.usesPostgres ? "PostgreSQL" : "SQLite")")

            // The demo's "today" is the last day of its history, at 18:00.
            let now = DemoDate.instant(DemoPlan.referenceDay, hour: 18)
            let cache = CommandCentreCache()
            let service = CommandCentreService(db: app.db, now: now, cache: cache)
            let streets = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.street.rawValue).within(DataScope(rootPath: city.path)).all()
            var busiest = streets[0], most = -1
            for s in streets {
                let n = try await Case.query(on: app.db).within(DataScope(rootPath: s.path)).count()
                if n > most { (busiest, most) = (s, n) }
            }
            let anyCase = try await Case.query(on: app.db).within(DataScope(rootPath: city.path)).first()!
            let baseline = try await measure(repeats) { _ = try await Case.find(anyCase.id, on: app.db) }
            lines.append("| command centre data | median ms | p90 ms | × baseline |")
            lines.append("|---|---:|---:|---:|")
            func row(_ name: String, _ t: (Double, Double)) {
                lines.append(String(format: "| %@ | %.1f | %.1f | %.0f |", name, t.0, t.1, t.0 / baseline.0))
            }
            row("baseline: case by primary key", baseline)
            for (label, node) in [("city", city), ("street \(busiest.name)", busiest)] {
                func cold(_ work: @escaping () async throws -> Void) async throws -> (Double, Double) {
                    try await measure(repeats) { cache.clear(); try await work() }
                }
                row("\(label): counts, backlog, month rates, lists", try await measure(repeats) { _ = try await service.summary(node: node) })
                row("\(label): map, this month (choropleth + heat), cold", try await cold { _ = try await service.map(node: node, period: .month, category: nil) })
                row("\(label): map, this month, warm", try await measure(repeats) { _ = try await service.map(node: node, period: .month, category: nil) })
                row("\(label): map, 365 days, one category, warm", try await measure(repeats) {
                    _ = try await service.map(node: node, period: .year, category: try await CaseCategory.query(on: app.db).filter(\.$code == "huanjing").first())
                })
                row("\(label): trends (30 days × category, 12 months' rates), cold", try await cold { _ = try await service.trends(node: node) })
                row("\(label): trends, warm", try await measure(repeats) { _ = try await service.trends(node: node) })
                row("\(label): whole page (summary + map + trends, as /command/live), warm", try await measure(repeats) {
                    let month = try await service.currentMonth(node: node)
                    _ = try await service.summary(node: node, currentMonth: month)
                    _ = try await service.map(node: node, period: .month, category: nil)
                    _ = try await service.trends(node: node, currentMonth: month)
                })
                row("\(label): whole page, cold", try await cold {
                    let month = try await service.currentMonth(node: node)
                    _ = try await service.summary(node: node, currentMonth: month)
                    _ = try await service.map(node: node, period: .month, category: nil)
                    _ = try await service.trends(node: node, currentMonth: month)
                })
                row("\(label): monthly report (by category, channel, grids, compounds)", try await measure(repeats) {
                    _ = try await MonthlyReportService(db: app.db, now: now).report(node: node, month: "2026-10")
                })
            }
            return lines
        }
    }
}
