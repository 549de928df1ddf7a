import Fluent
import JingzhiCore
import SQLKit
import Foundation
import Vapor

/// `jingzhi bench --part measures`: the case measures on a data set with a year of cases (seeded if missing),
/// answered from the running totals and, for comparison, by counting the cases, against the same baseline.
enum MeasuresBench {
    static func run(_ app: Application, repeats: Int, casesPerDay: Double, log: @escaping @Sendable (String) -> Void) async throws -> [String] {
        var lines: [String] = []
        let roots = try await OrgNode.query(on: app.db).filter(\.$parentID == nil).all()
        var root = roots[0], most = -1
        for r in roots {
            let n = try await OrgNode.query(on: app.db).within(DataScope(rootPath: r.path)).count()
            if n > most { (root, most) = (r, n) }
        }
        let scope = DataScope(rootPath: root.path)
        var cases = try await Case.query(on: app.db).within(scope).count()
        if cases == 0 {
            let started = Date()
            var history = DemoCaseHistory(db: app.db)
            cases = try await history.seed(under: root, days: 365, perDay: casesPerDay, log: log)
            lines.append(String(format: "case history: %d cases over 365 days seeded in %.1f s (with events and running totals)", cases, Date().timeIntervalSince(started)))
        } else {
            lines.append("case history: \(cases) cases (already seeded)")
        }
        if app.db.isPostgres {
            // What autovacuum does on a live database after a bulk load: planner statistics and the visibility map
            // (so the duration indexes can be read without visiting the table).
            for table in [Case.schema, CaseTallies.table, CaseTallies.binsTable] {
                try await app.db.sql.raw("VACUUM ANALYZE \(ident: table)").run()
            }
        }
        let now = DemoDate.instant(DemoPlan.referenceDay, hour: 18)
        let tallied = CaseMeasuresService(db: app.db, now: now), counted = CaseMeasuresService(db: app.db, now: now, useTallies: false)

        // The community with the most cases in the month measured, and its street.
        let communities = try await OrgNode.query(on: app.db).within(scope).filter(\.$kindRaw == NodeKind.community.rawValue).all()
        var community = communities[0], busiest = -1
        for c in communities {
            let n = try await Case.query(on: app.db).within(DataScope(rootPath: c.path)).count()
            if n > busiest { (community, busiest) = (c, n) }
        }
        let street = try await OrgNode.find(community.parentID, on: app.db)!
        let huanjing = try await CaseCategory.query(on: app.db).filter(\.$code == "huanjing").first()
        let anyCase = try await Case.query(on: app.db).within(scope).first()!

        let baseline = try await Bench.measure(repeats) { _ = try await Case.find(anyCase.id, on: app.db) }
        lines.append("root: \(root.name); community: \(community.name) (\(busiest) cases in the year), street: \(street.name)")
        lines.append("| query | median ms | p90 ms | × baseline |")
        lines.append("|---|---:|---:|---:|")
        func row(_ name: String, _ t: (Double, Double)) {
            lines.append(String(format: "| %@ | %.2f | %.2f | %.1f |", name, t.0, t.1, t.0 / baseline.0))
        }
        row("baseline: case by primary key", baseline)
        let year = CaseMeasuresQuery(node: nil, from: "2025-12-01", to: "2026-11-30")
        let month = CaseMeasuresQuery(node: community, from: "2026-10-01", to: "2026-10-31")
        let streetMonth = CaseMeasuresQuery(node: street, from: "2026-10-01", to: "2026-10-31")
        let scanned = max(3, repeats / 10)
        row("whole area, the year (running totals)", try await Bench.measure(repeats) { _ = try await tallied.measures(year) })
        row("whole area, the year (counting the cases; \(scanned) runs)", try await Bench.measure(scanned) { _ = try await counted.measures(year) })
        row("one community, one month (running totals)", try await Bench.measure(repeats) { _ = try await tallied.measures(month) })
        row("one community, one month (counting the cases)", try await Bench.measure(repeats) { _ = try await counted.measures(month) })
        row("one street by community, one month (running totals)", try await Bench.measure(repeats) {
            _ = try await tallied.breakdown(streetMonth, by: .community)
        })
        row("whole area by month, the year (running totals)", try await Bench.measure(scanned) { _ = try await tallied.breakdown(year, by: .month) })
        if let huanjing {
            var q = year
            q.category = huanjing
            row("whole area, the year, one category (totals; percentiles counted; \(scanned) runs)", try await Bench.measure(scanned) {
                _ = try await tallied.measures(q)
            })
        }
        let week = CaseMeasuresQuery(node: nil, from: "2026-11-14", to: "2026-11-20")
        row("whole area, last 7 days (not whole months: counted)", try await Bench.measure(scanned) { _ = try await tallied.measures(week) })
        return lines
    }
}
