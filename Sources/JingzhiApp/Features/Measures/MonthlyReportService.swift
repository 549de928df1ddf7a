import Fluent
import JingzhiCore
import SQLKit
import Vapor

/// The monthly report of a street or community (月度通报, the figures of a 擂台赛 meeting): the cases created in one
/// month under the node, by category and by channel, the measures (definitions on `CaseMeasures`), one row per unit
/// one level down (communities of a street, grids of a community; streets of a county) ranked against each other,
/// and the compounds with the most cases.
struct MonthlyReport: Content {
    struct Count: Content, Equatable {
        var key: String
        var name: String
        var count: Int
    }

    /// One unit in the ranking. `score` is the mean of its response, resolution, satisfaction and on-time rates
    /// (those that can be measured); units without cases have no score and come last.
    struct UnitRow: Content {
        var rank: Int?
        var nodeId: UUID
        var code: String
        var name: String
        var cases: Int
        var responseRate: Double?
        var resolutionRate: Double?
        var satisfactionRate: Double?
        var onTimeRate: Double?
        var gridClosureShare: Double?
        var visitsCoverage: Double?
        var score: Double?
    }

    struct Compound: Content, Equatable {
        var nodeId: UUID
        var name: String
        var cases: Int
        /// Its most frequent category this month.
        var topCategory: String
    }

    var node: CaseMeasures.NodeRef
    var month: String
    var from: String
    var to: String
    var asOf: Date
    var totals: CaseMeasures
    var byCategory: [Count]
    var byChannel: [Count]
    /// "street", "community" or "grid": what the rows are.
    var unitKind: String
    var units: [UnitRow]
    var topCompounds: [Compound]
    /// Whether visits coverage is known (the visit feature is installed).
    var visitsAvailable: Bool
    var visitsCoverage: Double?
}

struct MonthlyReportService {
    let db: any Database
    let now: Date
    var visits: CommandCentreProviders.Visits? = nil

    static let topCompounds = 10

    /// The month `yyyy-MM` is checked; a report is for a county, street or community.
    func report(node: OrgNode, month: String) async throws -> MonthlyReport {
        guard month.count == 7, let y = Int(month.prefix(4)), let m = Int(month.suffix(2)), month[month.index(month.startIndex, offsetBy: 4)] == "-",
              (2000...2100).contains(y), (1...12).contains(m) else {
            throw APIError.invalid("month", "月份格式应为 YYYY-MM (month must be YYYY-MM)")
        }
        let unitGrouping: CaseMeasuresGrouping
        switch node.kind {
        case .county: unitGrouping = .street
        case .street: unitGrouping = .community
        case .community: unitGrouping = .grid
        default: throw APIError.invalid("node", "月报按县、街道或社区出具 (reports are per county, street or community)")
        }
        let from = month + "-01", to = ShanghaiTime.lastDay(of: month)
        var measures = CaseMeasuresService(db: db, now: now)
        measures.withPercentiles = false
        let q = CaseMeasuresQuery(node: node, from: from, to: to)
        let totals = try await measures.measures(q)
        var breakdown = try await measures.breakdown(q, by: unitGrouping)
        if unitGrouping == .grid, node.kind != .community { try await CaseMeasuresPage.nameGridsWithTheirCommunity(&breakdown, on: db) }
        let filter: SQLQueryString = "\(CommandCentreSQL(db: db).scope(node.path, boundedInTime: true)) AND created_at >= \(bind: ShanghaiTime.dayStart(from)) AND created_at < \(bind: ShanghaiTime.dayStart(to).addingTimeInterval(86400))"
        let names = try await CommandCentreService(db: db, now: now, cache: CommandCentreCache()).categoryNames()
        let byCategory = try await counts(filter, column: "category_code").map { MonthlyReport.Count(key: $0.0, name: names[$0.0] ?? $0.0, count: $0.1) }
        let byChannel = try await counts(filter, column: "channel").map { MonthlyReport.Count(key: $0.0, name: CaseService.channelNames[$0.0] ?? $0.0, count: $0.1) }

        let unitNodes = breakdown.rows.compactMap { $0.group?.nodeId }
        var coverage: [UUID: VisitsCoverage] = [:], overall: Double?
        if let visits {
            let nodes = try await OrgNode.query(on: db).filter(\.$id ~~ (unitNodes + [node.id!])).all()
            for c in try await visits(db, nodes, from, to) { coverage[c.nodeId] = c }
            overall = coverage[node.id!]?.share
        }
        var units = breakdown.rows.compactMap { r -> MonthlyReport.UnitRow? in
            guard let g = r.group, let id = g.nodeId else { return nil }
            let rates = [r.responseRate, r.resolutionRate, r.satisfactionRate, r.onTimeRate].compactMap { $0 }
            return MonthlyReport.UnitRow(rank: nil, nodeId: id, code: g.key, name: g.name, cases: r.counts.total, responseRate: r.responseRate,
                                         resolutionRate: r.resolutionRate, satisfactionRate: r.satisfactionRate, onTimeRate: r.onTimeRate,
                                         gridClosureShare: r.gridClosureShare, visitsCoverage: coverage[id]?.share,
                                         score: rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count))
        }
        units.sort { a, b in
            switch (a.score, b.score) {
            case let (x?, y?) where x != y: return x > y
            case (_?, nil): return true
            case (nil, _?): return false
            default: return a.code < b.code
            }
        }
        var rank = 0
        for i in units.indices where units[i].score != nil {
            // Equal scores share a rank (1, 2, 2, 4).
            rank = i > 0 && units[i].score == units[i - 1].score ? rank : i + 1
            units[i].rank = rank
        }
        return MonthlyReport(node: .init(id: node.id!, code: node.code, name: node.name, kind: node.kindRaw), month: month, from: from, to: to,
                             asOf: now, totals: totals, byCategory: byCategory, byChannel: byChannel, unitKind: unitGrouping.rawValue,
                             units: units, topCompounds: try await topCompounds(under: node, filter: filter, names: names),
                             visitsAvailable: visits != nil, visitsCoverage: overall)
    }

    /// Cases per value of `column`, the largest first.
    private func counts(_ filter: SQLQueryString, column: String) async throws -> [(String, Int)] {
        let rows = try await db.sql.raw("SELECT \(ident: column) AS k, COUNT(*) AS n FROM \(ident: Case.schema) WHERE \(filter) GROUP BY \(ident: column)").all()
        return try rows.map { (try $0.decode(column: "k", as: String.self), try $0.decode(column: "n", as: Int.self)) }
            .sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }
    }

    /// The compounds with the most cases, each with its most frequent category: cases grouped by the compound-length
    /// prefix of their path, as the map groups them by grid.
    private func topCompounds(under node: OrgNode, filter: SQLQueryString, names: [String: String]) async throws -> [MonthlyReport.Compound] {
        let compounds = try await OrgNode.query(on: db).filter(\.$kindRaw == NodeKind.compound.rawValue).within(DataScope(rootPath: node.path)).all()
        let byPath = Dictionary(compounds.map { ($0.path, $0) }) { a, _ in a }
        var perCategory: [String: [String: Int]] = [:]
        for length in Set(compounds.map(\.path.count)).sorted() {
            let prefix = CommandCentreSQL.prefix(length)
            let rows = try await db.sql.raw("SELECT \(prefix) AS g, category_code AS c, COUNT(*) AS n FROM \(ident: Case.schema) WHERE \(filter) AND length(node_path) >= \(literal: length) GROUP BY \(prefix), category_code").all()
            for row in rows {
                let g = try row.decode(column: "g", as: String.self)
                guard byPath[g] != nil else { continue }
                perCategory[g, default: [:]][try row.decode(column: "c", as: String.self)] = try row.decode(column: "n", as: Int.self)
            }
        }
        return perCategory.map { path, cats -> MonthlyReport.Compound in
            let top = cats.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.first!.key
            return MonthlyReport.Compound(nodeId: byPath[path]!.id!, name: byPath[path]!.name, cases: cats.values.reduce(0, +), topCategory: names[top] ?? top)
        }
        .sorted { $0.cases != $1.cases ? $0.cases > $1.cases : $0.name < $1.name }
        .prefix(Self.topCompounds).map { $0 }
    }
}
