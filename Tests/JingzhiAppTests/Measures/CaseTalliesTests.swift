import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
@testable import JingzhiApp

/// The running totals behind the measures (`CaseTallies`): they must give exactly what counting the cases gives, stay
/// right through every move of a case and of the tree, and equal a recount from scratch.
@Suite struct CaseTalliesTests {
    let scenario = CaseMeasuresTests()

    /// A measures object as sorted JSON, so two of them compare field by field.
    func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    func query(_ app: Application, node: String? = nil, from: String? = nil, to: String? = nil, category: String? = nil,
               department: String? = nil) async throws -> CaseMeasuresQuery {
        CaseMeasuresQuery(node: try await node.asyncMap { try await app.node($0) }, from: from, to: to,
                          category: try await category.asyncMap { try await CaseCategory.query(on: app.db).filter(\.$code == $0).first() },
                          department: try await department.asyncMap { try await Department.query(on: app.db).filter(\.$code == $0).first() })
    }

    /// Checks one query and its breakdowns both ways at `now`.
    func expectSameBothWays(_ app: Application, _ q: CaseMeasuresQuery, now: Date, by groupings: [CaseMeasuresGrouping] = [],
                            sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let tallied = CaseMeasuresService(db: app.db, now: now), counted = CaseMeasuresService(db: app.db, now: now, useTallies: false)
        let a = try json(try await tallied.measures(q)), b = try json(try await counted.measures(q))
        #expect(a == b, "\(q.filters) \(q.period)\n tallied \(a)\n counted \(b)", sourceLocation: sourceLocation)
        for by in groupings {
            let a = try json(try await tallied.breakdown(q, by: by)), b = try json(try await counted.breakdown(q, by: by))
            #expect(a == b, "by \(by) \(q.filters)\n tallied \(a)\n counted \(b)", sourceLocation: sourceLocation)
        }
    }

    /// Every tally and bin row that is not all zeros, as comparable text.
    func rows(_ app: Application) async throws -> [String] {
        let columns = ["depth", "month", "area_path", "category_code"] + CaseTallies.counters.map(\.column)
        var out: [String] = []
        for row in try await app.db.sql.raw("SELECT * FROM \(ident: CaseTallies.table)").all() {
            var fields = try columns.map { c in
                try (c == "month" || c == "area_path" || c == "category_code") ? row.decode(column: c, as: String.self)
                    : String(row.decode(column: c, as: Int.self))
            }
            fields.append(try row.decode(column: "department_id", as: UUID.self).uuidString)
            if CaseTallies.counters.contains(where: { (try? row.decode(column: $0.column, as: Int.self)) != 0 }) { out.append(fields.joined(separator: "|")) }
        }
        for row in try await app.db.sql.raw("SELECT * FROM \(ident: CaseTallies.binsTable) WHERE n <> 0").all() {
            out.append(try ["bin", String(row.decode(column: "depth", as: Int.self)), row.decode(column: "month", as: String.self),
                            row.decode(column: "area_path", as: String.self), row.decode(column: "measure", as: String.self),
                            String(row.decode(column: "bin", as: Int.self)), String(row.decode(column: "n", as: Int.self))].joined(separator: "|"))
        }
        return out.sorted()
    }

    @Test func theRunningTotalsGiveWhatCountingTheCasesGives() async throws {
        try await withDemoApp { app in
            // setup
            try await scenario.buildScenario(app)
            let asOf = CaseMeasuresTests.asOf, later = asOf.addingTimeInterval(10 * 86400)
            let queries = [
                try await query(app),
                try await query(app, node: "YT-GT", from: "2026-11-01", to: "2026-11-30"),
                try await query(app, node: "YT-GT-01", from: "2026-10-01", to: "2026-11-30"),
                try await query(app, node: "YT-GT", from: "2026-10-01"),
                try await query(app, node: "YT-GT", category: "maodun"),
                try await query(app, department: "gongan"),
            ]
            // check: these are answered from the totals (whole months, nodes down to a community)…
            for q in queries { #expect(TalliedPlan(q, group: nil) != nil) }
            // …and a mid-month start or a grid is not
            #expect(TalliedPlan(try await query(app, node: "YT-GT", from: "2026-11-02"), group: nil) == nil)
            #expect(TalliedPlan(try await query(app, node: "YT-GT", to: "2026-11-29"), group: nil) == nil)
            #expect(TalliedPlan(try await query(app, node: "YT-GT-01-G01"), group: nil) == nil)
            // …and a month so far (ending today, as the command centre asks) is, while a day before today is not
            let monthSoFar = try await query(app, node: "YT-GT", from: "2026-11-01", to: ShanghaiTime.today(asOf))
            #expect(TalliedPlan(monthSoFar, group: nil) == nil)
            #expect(TalliedPlan(monthSoFar, group: nil, now: asOf) != nil)
            #expect(TalliedPlan(try await query(app, node: "YT-GT", to: "2026-11-05"), group: nil, now: asOf) == nil)
            try await expectSameBothWays(app, monthSoFar, now: asOf, by: [.community, .month])
            // act + check: the same figures both ways, now and ten days on (more deadlines passed)
            for now in [asOf, later] {
                for q in queries { try await expectSameBothWays(app, q, now: now) }
                try await expectSameBothWays(app, try await query(app), now: now, by: [.street, .community, .category, .month])
                try await expectSameBothWays(app, try await query(app, node: "YT-GT", from: "2026-10-01", to: "2026-12-31"), now: now,
                                             by: [.community, .grid, .month, .category])
            }
        }
    }

    @Test func everyMoveKeepsTheTotalsEqualToARecount() async throws {
        try await withDemoApp { app in
            // setup: cases walked through every kind of move, including reopening, escalation and rejection
            try await scenario.buildScenario(app)
            let incremental = try await rows(app)
            #expect(!incremental.isEmpty)
            // act
            try await CaseTallies.rebuild(under: nil, on: app.db)
            // check
            #expect(try await rows(app) == incremental)
        }
    }

    @Test func movingAGridToAnotherCommunityMovesItsCasesInTheTotals() async throws {
        try await withDemoApp { app in
            // setup
            try await scenario.buildScenario(app)
            let grid = try await app.node("YT-GT-01-G02"), yucheng = try await app.node("YT-GT-02")
            // act: 古亭 G02 (two closed zaoyin cases) now belongs to 鱼城社区
            try await OrgService(db: app.db, now: CaseMeasuresTests.asOf).move(grid, under: yucheng, source: .cli("test"))
            // check: the communities' rows follow the cases, and the totals equal a recount
            let byCommunity = try await CaseMeasuresService(db: app.db, now: CaseMeasuresTests.asOf)
                .breakdown(try await query(app, node: "YT-GT"), by: .community)
            #expect(byCommunity.rows.map(\.counts.total) == [10, 4])
            try await expectSameBothWays(app, try await query(app, node: "YT-GT"), now: CaseMeasuresTests.asOf, by: [.community, .grid])
            let kept = try await rows(app)
            try await CaseTallies.rebuild(under: nil, on: app.db)
            #expect(try await rows(app) == kept)
        }
    }

    @Test func durationsFallIntoTheBinWhoseBoundsHoldThem() {
        // check: bounds are increasing, each bound falls into its own bin, and values just below it into the one before
        #expect(zip(CaseTallies.bounds, CaseTallies.bounds.dropFirst()).allSatisfy { $0 < $1 })
        for (i, b) in CaseTallies.bounds.enumerated() {
            #expect(CaseTallies.bin(b) == i)
            if i > 0 { #expect(CaseTallies.bin(b.nextDown) == i - 1) }
        }
        #expect(CaseTallies.bin(-1) == 0)
        #expect(CaseTallies.bin(1_000_000) == CaseTallies.bounds.count - 1)
        // a year of hours is still short of the last bin
        #expect(CaseTallies.bin(24 * 365) < CaseTallies.bounds.count - 1)
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
