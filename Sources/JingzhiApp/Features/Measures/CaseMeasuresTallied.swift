import Fluent
import Foundation
import JingzhiCore
import SQLKit

/// When the running totals can answer a measures query: the node is at most a community deep (or the whole tree),
/// a grouping by node is at most community deep, and the period is whole months (or open). A period ending today or
/// later counts as ending with its month, since no case is created in the future. Anything else — a grid, a period
/// starting mid-month — is counted from the cases themselves.
struct TalliedPlan {
    /// Which area rows to read: 2 (street) when the query and its grouping need no finer, else 3 (community).
    let depth: Int
    let area: String?
    let fromMonth: String?
    let toMonth: String?

    init?(_ q: CaseMeasuresQuery, group: CaseMeasuresService.TallyGroup?, now: Date? = nil) {
        guard q.heldAt == nil else { return nil }
        var needed = q.node?.path.count ?? 0
        if case .prefix(let n) = group { needed = max(needed, n) }
        guard let depth = CaseTallies.depths.first(where: { CaseTallies.areaLength($0) >= needed }) else { return nil }
        if let from = q.from { guard from.hasSuffix("-01") else { return nil } }
        if let to = q.to {
            // The last day of its month (the next day is the 1st), or today or later.
            guard let day = Validate.date(to) else { return nil }
            let monthEnd = ShanghaiTime.format(day.addingTimeInterval(86400), "dd") == "01"
            guard monthEnd || now.map({ to >= ShanghaiTime.today($0) }) == true else { return nil }
        }
        self.depth = depth
        area = q.node?.path
        fromMonth = q.from.map { String($0.prefix(7)) }
        toMonth = q.to.map { String($0.prefix(7)) }
    }
}

extension CaseMeasuresService {
    /// The same tallies as `tallies(_:group:)`, from `case_tallies` plus a count of open cases for the parts that depend
    /// on "now", with percentiles found through `case_hour_bins` (or, with a category or department filter, which
    /// the bins do not carry, from the cases).
    func talliedCount(_ q: CaseMeasuresQuery, _ w: SQLQueryString, plan: TalliedPlan, group: TallyGroup?) async throws -> [String: Tally] {
        let areaFilter = areaWhere(plan)
        var tallyWhere = areaFilter
        if let category = q.category {
            tallyWhere = tallyWhere + " AND category_code IN (\(binds: try await Self.codes(under: category, on: db)))"
        }
        if let department = q.department { tallyWhere = tallyWhere + " AND department_id = \(bind: department.id!)" }
        let g = group.map(talliesExpression)

        let sums = CaseTallies.counters.map { "CAST(COALESCE(SUM(\($0.column)), 0) AS BIGINT) AS \($0.column)" }.joined(separator: ", ")
        var sql: SQLQueryString = "SELECT "
        if let g { sql += "\(g) AS g, " }
        sql += "\(unsafeRaw: sums) FROM \(ident: CaseTallies.table) WHERE \(tallyWhere)"
        if let g { sql += " GROUP BY \(g)" }
        var out: [String: Tally] = [:]
        for row in try await db.sql.raw(sql).all() {
            func n(_ column: String) throws -> Int { try row.decode(column: column, as: Int.self) }
            guard try n("n_total") > 0 else { continue }
            let key = g == nil ? "" : try row.decode(column: "g", as: String.self)
            let byState = Dictionary(uniqueKeysWithValues: try CaseState.allCases.map { ($0.rawValue, try n("st_" + $0.rawValue)) })
            func f(_ num: String, _ den: String) throws -> CaseMeasures.Fraction { .init(numerator: try n(num), denominator: try n(den)) }
            out[key] = Tally(counts: .init(total: try n("n_total"), byState: byState),
                             basis: .init(response: try f("resp_num", "resp_done"), resolution: try f("res_num", "res_num"),
                                          satisfaction: try f("sat_num", "sat_den"), onTime: try f("ont_num", "res_num"),
                                          gridClosure: try f("cls_grid", "cls"), communityClosure: try f("cls_comm", "cls")))
        }
        guard !out.isEmpty else { return out }

        // Deadlines passed by now without a response or an answer: only open cases can have them. (Every way out of
        // `submitted` but rejecting or merging sets `respondedAt`, and only a responded case can be answered.)
        let open = CaseState.allCases.filter { ![.replied, .closed, .merged, .rejected].contains($0) }.map(\.rawValue)
        let ge = group?.casesExpression(postgres: db.isPostgres)
        var live: SQLQueryString = "SELECT "
        if let ge { live += "\(ge) AS g, " }
        live += """
            COUNT(CASE WHEN responded_at IS NULL AND response_due_at < \(bind: now) THEN 1 END) AS resp_late, \
            COUNT(CASE WHEN resolution_due_at < \(bind: now) THEN 1 END) AS res_late \
            FROM \(ident: Case.schema) WHERE state IN (\(binds: open)) AND \(w)
            """
        if let ge { live += " GROUP BY \(ge)" }
        for row in try await db.sql.raw(live).all() {
            let key = ge == nil ? "" : try row.decode(column: "g", as: String.self)
            out[key]?.basis.response.denominator += try row.decode(column: "resp_late", as: Int.self)
            out[key]?.basis.resolution.denominator += try row.decode(column: "res_late", as: Int.self)
        }

        // Few values: one ranking query over them (the path index) beats reading bins out of the whole area's index.
        let responded = out.values.reduce(0) { $0 + $1.basis.response.denominator }
        if !withPercentiles {
            // Rates and counts only.
        } else if q.category != nil || q.department != nil || group == .category || responded <= Self.smallSet {
            for (key, p) in try await exactPercentiles(w, group: ge, of: .respond, from: casesTable(q)) { out[key]?.respond = p }
            for (key, p) in try await exactPercentiles(w, group: ge, of: .resolve, from: casesTable(q)) { out[key]?.resolve = p }
        } else {
            for (key, p) in try await binnedPercentiles(w, plan: plan, group: group, areaFilter: areaFilter, of: .respond) { out[key]?.respond = p }
            for (key, p) in try await binnedPercentiles(w, plan: plan, group: group, areaFilter: areaFilter, of: .resolve) { out[key]?.resolve = p }
        }
        return out
    }

    /// Up to this many cases, percentiles are ranked directly rather than found through the bins.
    static let smallSet = 20_000

    private func areaWhere(_ plan: TalliedPlan) -> SQLQueryString {
        var parts: [SQLQueryString] = ["depth = \(literal: plan.depth)"]
        if let area = plan.area { parts.append(DataScope.subtree(area, column: "area_path")) }
        if let from = plan.fromMonth { parts.append("month >= \(bind: from)") }
        if let to = plan.toMonth { parts.append("month <= \(bind: to)") }
        return parts.joined(separator: " AND ")
    }

    private func talliesExpression(_ group: TallyGroup) -> SQLQueryString {
        switch group {
        case .prefix(let n): "substr(area_path, 1, \(literal: n))"
        case .category: "category_code"
        case .month: "month"
        }
    }

    /// Percentiles from the cases (the scan), on either database.
    private func exactPercentiles(_ w: SQLQueryString, group: SQLQueryString?, of d: Duration, from table: SQLQueryString) async throws -> [String: Percentiles] {
        try await percentiles(w, group: group, of: d, column: d == .respond ? "respond_hours" : "resolve_hours", from: table)
    }

    /// Percentiles through the bins: count down to the bin holding each needed rank, then read that rank from the
    /// cases in that bin only (an index range on the stored hours), so the answer is the exact value.
    private func binnedPercentiles(_ w: SQLQueryString, plan: TalliedPlan, group: TallyGroup?, areaFilter: SQLQueryString,
                                   of d: Duration) async throws -> [String: Percentiles] {
        let measure = d == .respond ? "respond" : "resolve", column = d == .respond ? "respond_hours" : "resolve_hours"
        let g = group.map(talliesExpression)
        var sql: SQLQueryString = "SELECT "
        if let g { sql += "\(g) AS g, " }
        sql += "bin, CAST(SUM(n) AS BIGINT) AS n FROM \(ident: CaseTallies.binsTable) WHERE \(areaFilter) AND measure = \(bind: measure) GROUP BY "
        if let g { sql += "\(g), " }
        sql += "bin"
        var histograms: [String: [Int: Int]] = [:]
        for row in try await db.sql.raw(sql).all() {
            let key = g == nil ? "" : try row.decode(column: "g", as: String.self)
            let n = try row.decode(column: "n", as: Int.self)
            if n > 0 { histograms[key, default: [:]][try row.decode(column: "bin", as: Int.self)] = n }
        }
        var out: [String: Percentiles] = [:]
        for (key, histogram) in histograms {
            let total = histogram.values.reduce(0, +)
            let ranks = Set([(total - 1) / 2, (total - 1) / 2 + 1, 9 * (total - 1) / 10, 9 * (total - 1) / 10 + 1].filter { $0 < total })
            // Which bin each rank falls in, and its offset there.
            var wanted: [Int: [Int]] = [:], below = 0
            for bin in histogram.keys.sorted() {
                let n = histogram[bin]!
                for k in ranks where k >= below && k < below + n { wanted[bin, default: []].append(k - below) }
                below += n
            }
            var groupWhere = w
            if let group { groupWhere = groupWhere + " AND " + groupFilter(group, key: key) }
            var values: [Int: Double] = [:]
            below = 0
            for bin in histogram.keys.sorted() {
                defer { below += histogram[bin]! }
                guard let offsets = wanted[bin] else { continue }
                var range: [SQLQueryString] = []
                if bin > 0 { range.append("\(ident: column) >= \(bind: CaseTallies.bounds[bin])") }
                if bin + 1 < CaseTallies.bounds.count { range.append("\(ident: column) < \(bind: CaseTallies.bounds[bin + 1])") }
                if range.isEmpty { range.append("\(ident: column) IS NOT NULL") }
                let first = offsets.min()!, count = offsets.max()! - first + 1
                let rows = try await db.sql.raw("""
                    SELECT \(ident: column) AS v FROM \(ident: Case.schema)\(unsafeRaw: db.isPostgres ? "" : " INDEXED BY cases_\(column)") WHERE \(range.joined(separator: " AND ")) AND \(groupWhere) \
                    ORDER BY \(ident: column) LIMIT \(literal: count) OFFSET \(literal: first)
                    """).all()
                for (i, row) in rows.enumerated() { values[below + first + i] = try row.decode(column: "v", as: Double.self) }
            }
            out[key] = Percentiles(median: Self.rounded(Self.percentile(1, 2, n: total, at: values)),
                                   p90: Self.rounded(Self.percentile(9, 10, n: total, at: values)))
        }
        return out
    }

    /// The cases of one group, for reading values out of a bin.
    private func groupFilter(_ group: TallyGroup, key: String) -> SQLQueryString {
        switch group {
        case .prefix: return DataScope.subtree(key)
        case .category: return "category_code = \(bind: key)"
        case .month:
            let start = (try? ShanghaiTime.dayStart(key + "-01", field: "month")) ?? .distantPast
            let end = (try? ShanghaiTime.dayStart(ShanghaiTime.month(key, plus: 1) + "-01", field: "month")) ?? .distantFuture
            return "created_at >= \(bind: start) AND created_at < \(bind: end)"
        }
    }
}
