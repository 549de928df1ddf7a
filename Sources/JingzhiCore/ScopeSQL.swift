import Fluent
import SQLKit

extension DataScope {
    /// Whether the subtree is a large share of all rows: the whole tree, a county or a street (paths of at most two
    /// segments). Aggregates over such a subtree are cheaper along a time index than along the path index.
    package var isWide: Bool { rootPath.count <= 2 * PathSegment.width }

    /// The scope as an SQL condition on a materialised-path column ("1 = 1" for the whole tree; every subtree of a
    /// union, or-ed). When the query also bounds a time column and the subtree is wide, SQLite gets `+column`: the
    /// unary plus keeps its planner off the path index (which would walk every row of a city to find one month), so it
    /// ranges over the time index. PostgreSQL weighs both indexes with its statistics and gets the plain condition.
    /// This is the one place a scope becomes SQL.
    package func sqlCondition(column: String = "node_path", boundedInTime: Bool = false, on db: (any Database)? = nil) -> SQLQueryString {
        guard !rootPath.isEmpty else { return "1 = 1" }
        let plus = boundedInTime && isWide && db.map { !$0.isPostgres } == true
        // "table.column" names a column of a joined or aliased table.
        let parts = column.split(separator: ".", maxSplits: 1).map(String.init)
        let name: SQLQueryString = parts.count == 2 ? "\(ident: parts[0]).\(ident: parts[1])" : "\(ident: column)"
        let c: SQLQueryString = plus ? "+" + name : name
        let ranges: [SQLQueryString] = roots.map { "\(c) >= \(bind: $0) AND \(c) < \(bind: $0 + "~")" }
        return ranges.count == 1 ? ranges[0] : "((" + ranges.joined(separator: ") OR (") + "))"
    }

    /// The subtree under one path, as an SQL condition on `column`.
    package static func subtree(_ path: String, column: String = "node_path") -> SQLQueryString {
        DataScope(rootPath: path).sqlCondition(column: column)
    }
}
