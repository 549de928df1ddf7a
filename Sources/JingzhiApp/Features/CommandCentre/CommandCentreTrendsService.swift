import Fluent
import SQLKit
import Vapor

/// Trends: cases per day by category, and the three rates per month.
extension CommandCentreService {
    static let trendDays = 30
    static let trendMonths = 12
    /// Categories drawn on their own; the rest are summed as "other".
    static let trendCategories = 6
    static let otherCategory = "_other"

    func trends(node: OrgNode?, currentMonth known: CaseMeasures? = nil) async throws -> CommandCentreTrends {
        let path = Self.path(node)
        let today = ShanghaiTime.today(now)
        let days = ShanghaiDays.range(ShanghaiDays.add(-(Self.trendDays - 1), to: today), today)
        let query: SQLQueryString = """
            SELECT \(sql.day) AS d, category_code AS c, COUNT(*) AS n FROM \(ident: Case.schema) \
            WHERE \(sql.scope(path, boundedInTime: true)) AND created_at >= \(bind: ShanghaiDays.start(days[0])) \
            AND created_at < \(bind: ShanghaiDays.start(today).addingTimeInterval(86400)) GROUP BY \(sql.day), category_code
            """
        var perCategory: [String: [String: Int]] = [:]
        for row in try await db.sql.raw(query).all() {
            perCategory[try row.decode(column: "c", as: String.self), default: [:]][try row.decode(column: "d", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        let names = try await categoryNames()
        let totals: [(code: String, total: Int)] = perCategory.map { code, days in (code, days.values.reduce(0, +)) }
        let ranked: [String] = totals.sorted { a, b in a.total != b.total ? a.total > b.total : a.code < b.code }.map(\.code)
        var categories = ranked.prefix(Self.trendCategories).map { code in
            CommandCentreCategoryDays(code: code, name: names[code] ?? code, counts: days.map { perCategory[code]?[$0] ?? 0 })
        }
        let rest = ranked.dropFirst(Self.trendCategories)
        if !rest.isEmpty {
            categories.append(CommandCentreCategoryDays(code: Self.otherCategory, name: "其他", counts: days.map { d in rest.reduce(0) { $0 + (perCategory[$1]?[d] ?? 0) } }))
        }
        return CommandCentreTrends(days: days, categories: categories, months: try await monthlyRates(node: node, currentMonth: known))
    }

    /// The three rates of the cases created in each of the last 12 months. A past month's figures are cached for
    /// 15 minutes (late replies and ratings move them a little); the current month is always computed.
    func monthlyRates(node: OrgNode?, currentMonth known: CaseMeasures? = nil) async throws -> [CommandCentreMonthRates] {
        let thisMonth = String(ShanghaiTime.today(now).prefix(7))
        let service = measures
        var out: [CommandCentreMonthRates] = []
        for offset in stride(from: -(Self.trendMonths - 1), through: 0, by: 1) {
            let month = ShanghaiDays.month(thisMonth, plus: offset)
            let q = CaseMeasuresQuery(node: node, from: month + "-01", to: offset == 0 ? ShanghaiTime.today(now) : ShanghaiDays.lastDay(of: month))
            let compute = { () async throws -> CommandCentreMonthRates in
                let m: CaseMeasures
                if offset == 0, let known { m = known } else { m = try await service.measures(q) }
                return CommandCentreMonthRates(month: month, cases: m.counts.total, responseRate: m.responseRate,
                                               resolutionRate: m.resolutionRate, satisfactionRate: m.satisfactionRate)
            }
            if offset == 0 {
                out.append(try await compute())
            } else {
                out.append(try await cache.value("rates:\(Self.path(node)):\(month)", maxAge: CommandCentreCache.pastMonthsMaxAge, now: now, compute: compute))
            }
        }
        return out
    }
}
