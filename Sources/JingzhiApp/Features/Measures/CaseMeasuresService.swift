import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// What to measure: the cases created on the days `from`…`to` (Asia/Shanghai, inclusive, either open) under `node`
/// (nil: the whole tree), optionally of `category` and its subcategories and handled by `department`.
/// A property company's compounds are measured through the compound's node for now.
struct CaseMeasuresQuery: Sendable {
    var node: OrgNode?
    var from: String?
    var to: String?
    var category: CaseCategory?
    var department: Department?
    /// With `department`: the cases it held at this instant (its handling record, `CaseHandlings`), not those it holds now.
    var heldAt: Date?

    var period: CaseMeasures.Period { .init(from: from, to: to) }

    var filters: CaseMeasures.Filters {
        .init(node: node.map { .init(id: $0.id!, code: $0.code, name: $0.name, kind: $0.kindRaw) },
              category: category?.code, department: department?.code)
    }
}

/// Computes `CaseMeasures` with SQL aggregates, so the cases themselves never leave the database. One grouped
/// COUNT(CASE …) query gives the counts and rate fractions; on PostgreSQL the same query also gives the percentiles
/// (`percentile_cont … FILTER`, one scan for everything). SQLite has no percentile aggregate, so there one
/// window-function query per duration returns only the (at most four) values around the median and the 90th
/// percentile of each group. Only the hour and month expressions and the percentiles differ between the databases.
struct CaseMeasuresService {
    let db: any Database
    let now: Date
    /// Answer from the running totals (`CaseTallies`) where they can; false forces the scan of the cases.
    var useTallies = true
    /// False: leave the hours' median and 90th percentile out (null), for callers that show only rates and counts.
    var withPercentiles = true

    init(db: any Database, now: Date, useTallies: Bool = true) {
        self.db = db
        self.now = now
        self.useTallies = useTallies
    }

    init(req: Request) { self.init(db: req.db, now: req.now) }

    func measures(_ q: CaseMeasuresQuery) async throws -> CaseMeasures {
        let w = try await whereClause(q)
        return figures(q, group: nil, try await count(q, w, group: nil)[""] ?? .zero)
    }

    func breakdown(_ q: CaseMeasuresQuery, by grouping: CaseMeasuresGrouping) async throws -> CaseMeasuresBreakdown {
        let w = try await whereClause(q)
        var groups: [(key: String, group: CaseMeasures.Group)] = []
        var groupings: [TallyGroup] = []
        switch grouping {
        case .street, .community, .grid:
            let kind = grouping.nodeKind!
            if let node = q.node, let here = NodeKind.allCases.firstIndex(of: node.kind), let there = NodeKind.allCases.firstIndex(of: kind), here > there {
                throw APIError.invalid("by", "所选节点在\(kind.zh)之下，不能按\(kind.zh)分组 (the node lies below that level)")
            }
            let nodes = try await OrgNode.query(on: db).filter(\.$kindRaw == kind.rawValue)
                .within(DataScope(rootPath: q.node?.path ?? "")).sort(\.$path).all()
            groups = nodes.map { ($0.path, .init(by: grouping.rawValue, key: $0.code, name: $0.name, nodeId: $0.id)) }
            // A node's cases are those whose path starts with the node's path; group by that prefix.
            groupings = Set(nodes.map(\.path.count)).sorted().map { .prefix($0) }
        case .category:
            groupings = [.category]
        case .month:
            groupings = [.month]
        }
        var tallies: [String: Tally] = [:]
        for g in groupings { tallies.merge(try await count(q, w, group: g)) { a, _ in a } }
        switch grouping {
        case .street, .community, .grid: break
        case .category:
            let names = Dictionary(try await CaseCategory.query(on: db).all().map { ($0.code, $0.name) }) { a, _ in a }
            groups = tallies.keys.sorted().map { ($0, .init(by: grouping.rawValue, key: $0, name: names[$0] ?? $0)) }
        case .month:
            var keys = Set(tallies.keys)
            if let from = q.from, let to = q.to { keys.formUnion(ShanghaiTime.months(from: from, to: to)) }
            groups = keys.sorted().map { ($0, .init(by: grouping.rawValue, key: $0, name: $0)) }
        }
        let rows = groups.map { figures(q, group: $0.group, tallies[$0.key] ?? .zero) }
        return CaseMeasuresBreakdown(by: grouping.rawValue, period: q.period, filters: q.filters, asOf: now, rows: rows)
    }

    /// How rows are grouped: by the first `n` characters of the path (the node of that depth), category or month.
    enum TallyGroup: Equatable {
        case prefix(Int), category, month

        func casesExpression(postgres: Bool) -> SQLQueryString {
            switch self {
            case .prefix(let n): "substr(node_path, 1, \(literal: n))"
            case .category: "category_code"
            case .month: CaseMeasuresService.monthExpression(postgres: postgres)
            }
        }
    }

    /// The tallies of the cases selected by `w` (which is `whereClause(q)`), per group ("" without grouping).
    private func count(_ q: CaseMeasuresQuery, _ w: SQLQueryString, group: TallyGroup?) async throws -> [String: Tally] {
        if useTallies, let plan = TalliedPlan(q, group: group, now: now) {
            return try await talliedCount(q, w, plan: plan, group: group)
        }
        return try await tallies(w, group: group?.casesExpression(postgres: db.isPostgres), from: casesTable(q))
    }

    private func figures(_ q: CaseMeasuresQuery, group: CaseMeasures.Group?, _ t: Tally) -> CaseMeasures {
        CaseMeasures(period: q.period, filters: q.filters, group: group, asOf: now, basis: t.basis, counts: t.counts,
                     respond: (t.respond.median, t.respond.p90), resolve: (t.resolve.median, t.resolve.p90))
    }

    // MARK: - SQL

    /// The rows measured: a path range (the `cases_path_created` index), a creation range, category codes, department.
    func whereClause(_ q: CaseMeasuresQuery) async throws -> SQLQueryString {
        var parts: [SQLQueryString] = []
        if let path = q.node?.path {
            parts.append(DataScope(rootPath: path).sqlCondition(boundedInTime: q.from != nil || q.to != nil, on: db))
        }
        let start = try q.from.map { try ShanghaiTime.dayStart($0, field: "from") }
        let end = try q.to.map { try ShanghaiTime.dayStart($0, field: "to").addingTimeInterval(86400) }
        if let start, let end, start >= end { throw APIError.invalid("to", "结束日期早于开始日期 (to is before from)") }
        if let start { parts.append("created_at >= \(bind: start)") }
        if let end { parts.append("created_at < \(bind: end)") }
        if let category = q.category {
            let codes = try await Self.codes(under: category, on: db)
            parts.append("category_code IN (\(binds: codes))")
        }
        if let department = q.department, let at = q.heldAt {
            parts.append(CaseHandlings.heldByDepartment(department.id!, at: at))
        } else if let department = q.department {
            parts.append("handler_department_id = \(bind: department.id!)")
        }
        return parts.isEmpty ? "1 = 1" : parts.joined(separator: " AND ")
    }

    /// A category's code and its subcategories' codes, all levels down.
    static func codes(under category: CaseCategory, on db: any Database) async throws -> [String] {
        let all = try await CaseCategory.query(on: db).all()
        var ids: Set<UUID> = [category.id!], codes = [category.code]
        var grew = true
        while grew {
            grew = false
            for c in all where c.parentID.map(ids.contains) == true && !ids.contains(c.id!) {
                ids.insert(c.id!)
                codes.append(c.code)
                grew = true
            }
        }
        return codes
    }

    private static let assessed = CaseTallies.assessedSQL
    private static let answered = CaseTallies.answeredSQL

    struct Tally {
        var counts: CaseMeasures.Counts
        var basis: CaseMeasures.Basis
        var respond = Percentiles()
        var resolve = Percentiles()

        static let zero: Tally = {
            let none = CaseMeasures.Fraction(numerator: 0, denominator: 0)
            return Tally(counts: .init(total: 0, byState: Dictionary(uniqueKeysWithValues: CaseState.allCases.map { ($0.rawValue, 0) })),
                         basis: .init(response: none, resolution: none, satisfaction: none, onTime: none, gridClosure: none, communityClosure: none))
        }()
    }

    /// Counts, rate fractions and percentiles per group ("" without grouping).
    /// The cases table, with the index to read it by on SQLite. Without statistics SQLite weighs a path range and a
    /// period range alike and may walk a month of the whole tree to find one community's cases: below a street the
    /// path is the narrower one, for a county or street over a period the creation time.
    func casesTable(_ q: CaseMeasuresQuery) -> SQLQueryString {
        guard !db.isPostgres else { return "\(ident: Case.schema)" }
        let timed = q.from != nil || q.to != nil
        if let node = q.node, !(timed && DataScope(rootPath: node.path).isWide) { return "\(ident: Case.schema) INDEXED BY cases_path_created" }
        // A period over a county or street: along the creation-time index (`whereClause` writes `+node_path` then).
        if timed { return "\(ident: Case.schema) INDEXED BY cases_created_cover" }
        return "\(ident: Case.schema)"
    }

    func tallies(_ w: SQLQueryString, group: SQLQueryString?, from table: SQLQueryString) async throws -> [String: Tally] {
        let a = Self.assessed, r = Self.answered
        func count(_ condition: SQLQueryString) -> SQLQueryString { "COUNT(CASE WHEN \(condition) THEN 1 END)" }
        var columns: [SQLQueryString] = CaseTallies.counters.map { "\(count("\(unsafeRaw: $0.sql)")) AS \(ident: $0.column)" }
        columns += [
            "\(count("\(unsafeRaw: a) AND (responded_at IS NOT NULL OR response_due_at < \(bind: now))")) AS resp_den",
            "\(count("\(unsafeRaw: a) AND (\(unsafeRaw: r) OR resolution_due_at < \(bind: now))")) AS res_den",
        ]
        if db.isPostgres && withPercentiles {
            for d in [Duration.respond, .resolve] {
                columns.append("percentile_cont(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY \(hours(d))) FILTER (WHERE \(unsafeRaw: d.condition)) AS \(ident: d.column)")
            }
        }
        var sql: SQLQueryString = "SELECT "
        if let group { sql += "\(group) AS g, " }
        sql += columns.joined(separator: ", ") + " FROM \(table) WHERE \(w)"
        if let group { sql += " GROUP BY \(group)" }
        var out: [String: Tally] = [:]
        for row in try await db.sql.raw(sql).all() {
            func n(_ column: String) throws -> Int { try row.decode(column: column, as: Int.self) }
            func f(_ num: String, _ den: String) throws -> CaseMeasures.Fraction { .init(numerator: try n(num), denominator: try n(den)) }
            let key = group == nil ? "" : try row.decode(column: "g", as: String?.self) ?? ""
            let byState = Dictionary(uniqueKeysWithValues: try CaseState.allCases.map { ($0.rawValue, try n("st_" + $0.rawValue)) })
            var tally = Tally(counts: .init(total: try n("n_total"), byState: byState),
                              basis: .init(response: try f("resp_num", "resp_den"), resolution: try f("res_num", "res_den"),
                                           satisfaction: try f("sat_num", "sat_den"), onTime: try f("ont_num", "res_num"),
                                           gridClosure: try f("cls_grid", "cls"), communityClosure: try f("cls_comm", "cls")))
            if db.isPostgres && withPercentiles {
                func pair(_ d: Duration) throws -> Percentiles {
                    let p = try row.decode(column: d.column, as: [Double]?.self) ?? []
                    return Percentiles(median: Self.rounded(p.first), p90: Self.rounded(p.count > 1 ? p[1] : nil))
                }
                tally.respond = try pair(.respond)
                tally.resolve = try pair(.resolve)
            }
            out[key] = tally
        }
        if !db.isPostgres && withPercentiles {
            for (key, p) in try await percentiles(w, group: group, of: .respond, from: table) { out[key]?.respond = p }
            for (key, p) in try await percentiles(w, group: group, of: .resolve, from: table) { out[key]?.resolve = p }
        }
        return out
    }

    /// Hours from creation to the duration's end: Unix seconds (REAL) on SQLite, timestamptz on PostgreSQL.
    private func hours(_ d: Duration) -> SQLQueryString { Self.hours(end: d.end, postgres: db.isPostgres) }

    /// Hours from `created_at` to the column `end`. The one expression for durations: raw queries and the stored
    /// `respond_hours` / `resolve_hours` both use it, so they agree to the last bit.
    static func hours(end: String, postgres: Bool) -> SQLQueryString {
        postgres
            ? "EXTRACT(EPOCH FROM (\(unsafeRaw: end) - created_at))::float8 / 3600"
            : "((\(unsafeRaw: end) - created_at) / 3600.0)"
    }

    /// The Asia/Shanghai month `yyyy-MM` of `created_at`.
    static func monthExpression(postgres: Bool) -> SQLQueryString {
        postgres
            ? "to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"
            // Dates are REAL Unix seconds on SQLite; Shanghai has kept UTC+8 without daylight saving since 1991.
            : "strftime('%Y-%m', created_at + 28800, 'unixepoch')"
    }

    /// Hours are given to the microhour (3.6 ms), which also hides the last-bit differences of the two databases' arithmetic.
    static func rounded(_ hours: Double?) -> Double? { hours.map { ($0 * 1_000_000).rounded() / 1_000_000 } }

    enum Duration {
        /// Creation to first response, over responded assessed cases.
        case respond
        /// Creation to last reply, over answered cases.
        case resolve

        var end: String { self == .respond ? "responded_at" : "replied_at" }
        var column: String { self == .respond ? "pct_respond" : "pct_resolve" }
        var condition: String { self == .respond ? "\(assessed) AND responded_at IS NOT NULL" : "\(answered) AND replied_at IS NOT NULL" }
    }

    struct Percentiles {
        var median: Double?
        var p90: Double?
    }

    /// Median and 90th percentile of a duration per group, on SQLite. The database ranks the values of each group and
    /// returns only the ranks ⌊p·(n−1)⌋ and the one after, for p = 1/2 and 9/10 (integer arithmetic, so no rounding
    /// at the edges); the interpolation is `percentile_cont`'s.
    func percentiles(_ w: SQLQueryString, group: SQLQueryString?, of duration: Duration, column: String? = nil,
                     from table: SQLQueryString) async throws -> [String: Percentiles] {
        let hours: SQLQueryString = column.map { "\(ident: $0)" } ?? hours(duration)
        var partition: SQLQueryString = "", groupColumn: SQLQueryString = ""
        if let group {
            partition = "PARTITION BY \(group) "
            groupColumn = "\(group) AS g, "
        }
        let sql: SQLQueryString = """
            SELECT \(unsafeRaw: group == nil ? "" : "g, ")n, k, v FROM (\
            SELECT \(groupColumn)\(hours) AS v, \
            ROW_NUMBER() OVER (\(partition)ORDER BY \(hours)) - 1 AS k, COUNT(*) OVER (\(partition)) AS n \
            FROM \(table) WHERE \(w) AND \(unsafeRaw: duration.condition)) ranked \
            WHERE k = (n - 1) / 2 OR k = (n - 1) / 2 + 1 OR k = 9 * (n - 1) / 10 OR k = 9 * (n - 1) / 10 + 1
            """
        var values: [String: (n: Int, at: [Int: Double])] = [:]
        for row in try await db.sql.raw(sql).all() {
            let key = group == nil ? "" : try row.decode(column: "g", as: String?.self) ?? ""
            let n = try row.decode(column: "n", as: Int.self), k = try row.decode(column: "k", as: Int.self)
            values[key, default: (n, [:])].at[k] = try row.decode(column: "v", as: Double.self)
        }
        return values.mapValues {
            Percentiles(median: Self.rounded(Self.percentile(1, 2, n: $0.n, at: $0.at)), p90: Self.rounded(Self.percentile(9, 10, n: $0.n, at: $0.at)))
        }
    }

    /// The (num/den)-th percentile of `n` sorted values, given the values at the ranks it needs.
    static func percentile(_ num: Int, _ den: Int, n: Int, at values: [Int: Double]) -> Double? {
        guard n > 0 else { return nil }
        let position = num * (n - 1), k = position / den, remainder = position % den
        guard let low = values[k] else { return nil }
        guard remainder > 0, let high = values[k + 1] else { return low }
        return low + Double(remainder) / Double(den) * (high - low)
    }
}
