import Foundation
import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The measures of the service window (一窗受理): applications per matter and the share decided on time, for an area
/// and a period. Assessment reads them through `ServiceMeasures`, not the tables.
struct ServiceMeasures {
    struct Line: Content, Equatable {
        let matterId: UUID
        let matter: String
        /// Submitted in the period.
        let applications: Int
        /// Of those, decided (approved or rejected).
        let decided: Int
        let approved: Int
        /// Decided by the deadline and never marked overdue.
        let onTime: Int
        /// Still open and past the deadline.
        let overdueOpen: Int

        var onTimeShare: Double? { decided == 0 ? nil : Double(onTime) / Double(decided) }
    }

    let db: any Database

    /// One line per matter with applications submitted in [from, to) inside `scope`, busiest first.
    func perMatter(in scope: DataScope, from: Date, to: Date) async throws -> [Line] {
        let decided = "state IN ('approved','rejected')"
        var q = db.sql.select().column("matter_id").column("matter_name")
            .column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n")
            .column(SQLRaw("SUM(CASE WHEN \(decided) THEN 1 ELSE 0 END)"), as: "decided")
            .column(SQLRaw("SUM(CASE WHEN state = 'approved' THEN 1 ELSE 0 END)"), as: "approved")
            .column(SQLRaw("SUM(CASE WHEN \(decided) AND decided_at <= due_at AND overdue_at IS NULL THEN 1 ELSE 0 END)"), as: "on_time")
            .column(SQLRaw("SUM(CASE WHEN state IN ('submitted','accepted','needs_more') AND overdue_at IS NOT NULL THEN 1 ELSE 0 END)"), as: "overdue")
            .from(ServiceApplication.schema)
            .where("submitted_at", .greaterThanOrEqual, SQLBind(from)).where("submitted_at", .lessThan, SQLBind(to))
        if !scope.rootPath.isEmpty {
            q = q.where("node_path", .greaterThanOrEqual, SQLBind(scope.rootPath)).where("node_path", .lessThan, SQLBind(scope.upperBound))
        }
        let rows = try await q.groupBy("matter_id").groupBy("matter_name").all()
        return try rows.map { r in
            Line(matterId: try r.decode(column: "matter_id", as: UUID.self), matter: try r.decode(column: "matter_name", as: String.self),
                 applications: try Self.int(r, "n"), decided: try Self.int(r, "decided"), approved: try Self.int(r, "approved"),
                 onTime: try Self.int(r, "on_time"), overdueOpen: try Self.int(r, "overdue"))
        }.sorted { ($0.applications, $1.matter) > ($1.applications, $0.matter) }
    }

    /// Decided on time over decided, in the area and period; nil when nothing was decided.
    func onTimeShare(in scope: DataScope, from: Date, to: Date) async throws -> Double? {
        let lines = try await perMatter(in: scope, from: from, to: to)
        let decided = lines.reduce(0) { $0 + $1.decided }
        return decided == 0 ? nil : Double(lines.reduce(0) { $0 + $1.onTime }) / Double(decided)
    }

    /// SUM is a bigint on PostgreSQL and may come back as a decimal; read any of them as an integer.
    static func int(_ row: any SQLRow, _ column: String) throws -> Int {
        if let i = try? row.decode(column: column, as: Int?.self) { return i ?? 0 }
        if let d = try? row.decode(column: column, as: Double?.self) { return Int(d ?? 0) }
        return Int(try row.decode(column: column, as: String.self)) ?? 0
    }
}
