import Fluent
import JingzhiCore
import SQLKit

/// The SQL pieces the command centre's aggregates share; the only place the two databases differ.
struct CommandCentreSQL {
    let db: any Database

    var isPostgres: Bool { db.isPostgres }

    /// Rows under the node: one range of the materialised path; everything for the whole tree. With `boundedInTime`
    /// a wide subtree is scanned along the time index instead (see `DataScope.sqlCondition`).
    func scope(_ path: String, boundedInTime: Bool) -> SQLQueryString {
        DataScope(rootPath: path).sqlCondition(boundedInTime: boundedInTime, on: db)
    }

    /// The subtree for a query another index narrows better (a deadline range, the open states): like a time bound,
    /// it keeps SQLite off the path index for a wide subtree.
    func scopeNarrowedElsewhere(_ path: String) -> SQLQueryString { scope(path, boundedInTime: true) }

    /// The case's creation day in Asia/Shanghai, `yyyy-MM-dd` (UTC+8 all year, no daylight saving since 1991).
    var day: SQLQueryString {
        isPostgres ? "to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')"
                   : "strftime('%Y-%m-%d', created_at + 28800, 'unixepoch')"
    }

    /// The cell index of a coordinate column for a heat grid: whole cells from the box's west or south edge.
    /// Only used on rows already inside the box, so the value is never negative and truncation is flooring.
    func cellIndex(_ column: String, origin: Double, size: Double) -> SQLQueryString {
        isPostgres ? "CAST(FLOOR((\(ident: column) - \(bind: origin)) / \(bind: size)) AS INTEGER)"
                   : "CAST((\(ident: column) - \(bind: origin)) / \(bind: size) AS INTEGER)"
    }

    /// The path of the node at `length` characters above the row: `substr(node_path, 1, length)`.
    static func prefix(_ length: Int) -> SQLQueryString { "substr(node_path, 1, \(literal: length))" }

    static let unanswered: [String] = CaseScheduler.unanswered

    static func list(_ values: [String]) -> SQLQueryString {
        values.map { "\(literal: $0)" as SQLQueryString }.joined(separator: ", ")
    }
}
