import Fluent
import JingzhiCore
import SQLKit
import Vapor

extension CaseService {
    /// Open cases (not closed, merged or rejected) by state, in one grouped query on the state index.
    func openCountsByState() async throws -> [CaseState: Int] {
        let sql = db as! any SQLDatabase
        let open = CaseState.allCases.filter(\.isOpen).map(\.rawValue)
        let rows = try await sql.select().column("state").column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .from(Case.schema).where(SQLColumn("state"), .in, SQLGroupExpression(SQLList(open.map { SQLBind($0) }))).groupBy("state").all()
        var out: [CaseState: Int] = [:]
        for row in rows {
            if let state = CaseState(rawValue: try row.decode(column: "state", as: String.self)) { out[state] = try row.decode(column: "n", as: Int.self) }
        }
        return out
    }

    /// Cases past a deadline now, as the deadline supervision judges them: waiting past the response deadline,
    /// unanswered past the resolution deadline. One count each.
    func overdueCounts() async throws -> (response: Int, resolution: Int) {
        let response = try await Case.query(on: db).filter(\.$stateRaw ~~ CaseScheduler.waiting).filter(\.$responseDueAt < now).count()
        let resolution = try await Case.query(on: db).filter(\.$stateRaw ~~ CaseScheduler.unanswered).filter(\.$resolutionDueAt < now).count()
        return (response, resolution)
    }
}

/// The cases' gauges on `/metrics`, set when it is scraped.
enum CaseMetrics {
    static func register(_ app: Application) {
        app.metrics.addCollector("cases") { app, m in
            let service = CaseService(db: app.db, now: app.clock.now())
            let open = try await service.openCountsByState()
            for state in CaseState.allCases where state.isOpen {
                m.gauge("jingzhi_cases_open", "Open cases by state", [("state", state.rawValue)]).set(Double(open[state] ?? 0))
            }
            let overdue = try await service.overdueCounts()
            m.gauge("jingzhi_cases_overdue", "Open cases past a deadline, by deadline", [("deadline", "response")]).set(Double(overdue.response))
            m.gauge("jingzhi_cases_overdue", "Open cases past a deadline, by deadline", [("deadline", "resolution")]).set(Double(overdue.resolution))
        }
    }
}
