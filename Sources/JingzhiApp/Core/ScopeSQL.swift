import Fluent
import SQLKit

extension DataScope {
    /// Whether the subtree is a large share of all rows: the whole tree, a county or a street (paths of at most two
    /// segments). Aggregates over such a subtree are cheaper along a time index than along the path index.
    var isWide: Bool { rootPath.count <= 2 * PathSegment.width }

    /// The subtree as an SQL condition on a materialised-path column ("1 = 1" for the whole tree). When the query
    /// also bounds a time column and the subtree is wide, SQLite gets `+column`: the unary plus keeps its planner off
    /// the path index (which would walk every row of a city to find one month), so it ranges over the time index.
    /// PostgreSQL weighs both indexes with its statistics and gets the plain condition.
    func sqlCondition(column: String = "node_path", boundedInTime: Bool, on db: any Database) -> SQLQueryString {
        guard !rootPath.isEmpty else { return "1 = 1" }
        let c: SQLQueryString = boundedInTime && isWide && !db.isPostgres ? "+\(ident: column)" : "\(ident: column)"
        return "\(c) >= \(bind: rootPath) AND \(c) < \(bind: upperBound)"
    }
}
