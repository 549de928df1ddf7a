import Fluent
import JingzhiCore
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
        let days = ShanghaiTime.days(ShanghaiTime.add(-(Self.trendDays - 1), to: today), today)
        // Past days' counts hardly move (a case keeps its creation day); only today's are counted on every refresh.
        let past = try await cache.value("days:\(path):\(days[0])", maxAge: CommandCentreCache.pastMonthsMaxAge, now: now) {
            try await casesPerDayAndCategory(path: path, from: days[0], to: days[days.count - 2])
        }
        var perCategory = past
        for (code, counts) in try await casesPerDayAndCategory(path: path, from: today, to: today) {
            perCategory[code, default: [:]].merge(counts) { _, new in new }
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

    /// Cases created from `from` to `to` (days, inclusive) per category and day.
    func casesPerDayAndCategory(path: String, from: String, to: String) async throws -> [String: [String: Int]] {
        let query: SQLQueryString = """
            SELECT \(sql.day) AS d, category_code AS c, COUNT(*) AS n FROM \(ident: Case.schema) \
            WHERE \(sql.scope(path, boundedInTime: true)) AND created_at >= \(bind: ShanghaiTime.dayStart(from)) \
            AND created_at < \(bind: ShanghaiTime.dayStart(to).addingTimeInterval(86400)) GROUP BY \(sql.day), category_code
            """
        var out: [String: [String: Int]] = [:]
        for row in try await db.sql.raw(query).all() {
            out[try row.decode(column: "c", as: String.self), default: [:]][try row.decode(column: "d", as: String.self)] = try row.decode(column: "n", as: Int.self)
        }
        return out
    }

    /// The three rates of the cases created in each of the last 12 months: the 11 past months in one breakdown from
    /// the running totals, cached for 15 minutes (late replies and ratings move them a little); the current month is
    /// always computed.
    func monthlyRates(node: OrgNode?, currentMonth known: CaseMeasures? = nil) async throws -> [CommandCentreMonthRates] {
        let thisMonth = String(ShanghaiTime.today(now).prefix(7))
        let service = measures
        let first = ShanghaiTime.month(thisMonth, plus: -(Self.trendMonths - 1)), last = ShanghaiTime.month(thisMonth, plus: -1)
        func rates(_ month: String, _ m: CaseMeasures) -> CommandCentreMonthRates {
            CommandCentreMonthRates(month: month, cases: m.counts.total, responseRate: m.responseRate,
                                    resolutionRate: m.resolutionRate, satisfactionRate: m.satisfactionRate)
        }
        let past = try await cache.value("rates:\(Self.path(node)):\(first)", maxAge: CommandCentreCache.pastMonthsMaxAge, now: now) {
            let breakdown = try await service.breakdown(CaseMeasuresQuery(node: node, from: first + "-01", to: ShanghaiTime.lastDay(of: last)), by: .month)
            return breakdown.rows.compactMap { row in row.group.map { rates($0.key, row) } }
        }
        let current: CaseMeasures
        if let known { current = known } else {
            current = try await service.measures(CaseMeasuresQuery(node: node, from: thisMonth + "-01", to: ShanghaiTime.today(now)))
        }
        return past + [rates(thisMonth, current)]
    }
}
