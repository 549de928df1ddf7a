import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A unit's page draws its scores over the published periods as an SVG line chart, with the same figures in a table.
@Suite struct AssessmentUnitChartTests {
    @Test func theUnitPageDrawsTwoPeriodsAsLinesWithATableOfTheFigures() async throws {
        try await withDemoApp { app in
            // setup: the test system published for September and October 2026
            let s = try await AssessmentFixture.system(app)
            let service = AssessmentService(app: app, now: app.clock.now())
            for period in ["2026-09", "2026-10"] {
                let r = try await service.openRound(system: s, periodKind: .month, period: period, node: try await app.node("YT"))
                for code in ["YT-GT-01", "YT-GT-02", "YT-BH-01", "YT-BH-02"] {
                    try await AssessmentFixture.complete(app, r, code, a3: period == "2026-09" ? 50 : 75, bonus: false)
                }
                try await service.publish(try #require(try await AssessmentRound.find(r.id, on: app.db)), role: .system)
            }
            let gt = try await app.node("YT-GT-01")
            let results = try await AssessmentResult.query(on: app.db).filter(\.$unitID == gt.id!).all()
            let totals = try results.map { try #require($0.total) }
            // act
            let zh = try await WebSession.login(app, "gt_street").get("/assessment/units/\(gt.id!)?system=test")
            let en = try await WebSession.login(app, "gt_street").get("/assessment/units/\(gt.id!)?system=test&lang=en")
            let outside = try await WebSession.login(app, "bh_street").get("/assessment/units/\(gt.id!)?system=test")
            // check: one SVG with an accessible name, a point per period with its total as a title, the table beside it
            #expect(zh.status == .ok && zh.text.contains("<svg class=\"trend lines\"") && zh.text.contains("role=\"img\""))
            #expect(zh.text.contains("历次得分走势：2026-09 至 2026-10") && zh.text.contains("id=\"unit-history\""))
            for t in totals { #expect(zh.text.contains(String(format: "%.2f", t))) }
            #expect(zh.text.contains("2026-09 总分：") && zh.text.contains("2026-10 总分："))
            #expect(en.status == .ok && en.text.contains("Scores from 2026-09 to 2026-10"))
            #expect(outside.status == .notFound)
        }
    }

    /// Beside the total, a dashed line of the same period a year before, named in the legend and in the table.
    @Test func theUnitPageComparesWithTheSamePeriodLastYear() async throws {
        try await withDemoApp { app in
            // setup: October 2025 (a3 at 40), September and October 2026 (a3 at 75)
            let s = try await AssessmentFixture.system(app)
            let service = AssessmentService(app: app, now: app.clock.now())
            for period in ["2025-10", "2026-09", "2026-10"] {
                let r = try await service.openRound(system: s, periodKind: .month, period: period, node: try await app.node("YT"))
                for code in ["YT-GT-01", "YT-GT-02", "YT-BH-01", "YT-BH-02"] {
                    try await AssessmentFixture.complete(app, r, code, a3: period == "2025-10" ? 40 : 75, bonus: false)
                }
                try await service.publish(try #require(try await AssessmentRound.find(r.id, on: app.db)), role: .system)
            }
            let gt = try await app.node("YT-GT-01")
            let rounds = try await AssessmentRound.query(on: app.db).all()
            func total(_ period: String) async throws -> Double {
                let r = try #require(rounds.first { $0.period == period })
                return try #require(try await AssessmentFixture.result(app, r, "YT-GT-01").total)
            }
            let before = try await total("2025-10"), now = try await total("2026-10")
            #expect(before < now)
            // act
            let zh = try await WebSession.login(app, "gt_street").get("/assessment/units/\(gt.id!)?system=test")
            let en = try await WebSession.login(app, "gt_street").get("/assessment/units/\(gt.id!)?system=test&lang=en")
            // check: October 2026's point of the dashed line is October 2025's total; 2025-10 and 2026-09 have none
            #expect(zh.status == .ok && zh.text.contains("stroke-dasharray=\"6 4\""))
            #expect(zh.text.contains("2026-10 去年同期总分：\(String(format: "%.2f", before))"))
            #expect(!zh.text.contains("2026-09 去年同期总分：") && !zh.text.contains("2025-10 去年同期总分："))
            #expect(zh.text.contains("<th>去年同期总分</th>"))
            #expect(en.text.contains("Total, same period last year"))
        }
    }
}
