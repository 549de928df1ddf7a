import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The pages as people use them: the editor shows weight sums and refuses bad ones, the street adjusts with a reason
/// from the form, the ranking, the 擂台赛 with raw numbers, exports, the command centre's panel; roles kept out.
@Suite struct AssessmentPagesTests {
    @Test func theEditorShowsSumsAndRefusesWeightsThatDoNotAddUp() async throws {
        try await withDemoApp { app in
            let s = try await AssessmentFixture.system(app)
            let web = try await WebSession.login(app, "admin")
            let page = try await web.get("/assessment/systems/\(s.id!)")
            let bad = try await web.post("/assessment/systems/\(s.id!)", [("w_A", "50"), ("w_B", "40"), ("note", "调整")])
            let noNote = try await web.post("/assessment/systems/\(s.id!)", [("w_A", "70"), ("w_B", "30"), ("note", "")])
            let good = try await web.post("/assessment/systems/\(s.id!)", [("w_A", "70"), ("w_B", "30"), ("note", "平安权重上调")])
            let versions = try await AssessmentSystem.query(on: app.db).filter(\.$code == "test").sort(\.$version).all()
            #expect(page.status == .ok && page.text.contains("100%") && page.text.contains("name=\"w_a1\""))
            #expect(bad.status == .unprocessableEntity && bad.text.contains("≠ 100%") && bad.text.contains("90"))
            #expect(noNote.status == .unprocessableEntity)
            #expect(good.status == .seeOther && versions.map(\.version) == [1, 2] && versions[1].definition.dimensions[0].weight == 70)
            let street = try await WebSession.login(app, "gt_street")
            let view = try await street.get("/assessment/systems/\(s.id!)")
            #expect(view.status == .ok && !view.text.contains("name=\"w_A\""))
            let grid = try await WebSession.login(app, "gt01_grid")
            #expect(try await grid.get("/assessment").status == .forbidden)
        }
    }

    @Test func reviewRankingArenaExportsAndTheCommandCentre() async throws {
        try await withDemoApp { app in
            let r = try await AssessmentFixture.round(app)
            let service = AssessmentService(app: app, now: app.clock.now())
            let gt01 = try await AssessmentFixture.result(app, r, "YT-GT-01")
            for (ind, score) in [("a2", 80.0), ("a3", 70), ("b1", 60), ("x1", 0)] {
                try await service.selfScore(r, gt01, role: .unit, indicator: ind, score: score, note: nil)
            }
            try await service.submit(r, gt01, role: .unit)
            let street = try await WebSession.login(app, "gt_street")
            let page = try await street.get("/assessment/results/\(gt01.id!)")
            let noReason = try await street.post("/assessment/results/\(gt01.id!)/act/adjust", [("indicator", "a3"), ("score", "75"), ("reason", "")])
            let afterNoReason = try await street.get("/assessment/results/\(gt01.id!)")
            let stillSubmitted = try await AssessmentFixture.result(app, r, "YT-GT-01").resultState
            _ = try await street.post("/assessment/results/\(gt01.id!)/act/adjust", [("indicator", "a3"), ("score", "75"), ("reason", "现场核实")])
            _ = try await street.post("/assessment/results/\(gt01.id!)/act/accept", [("version", "\(try await AssessmentFixture.result(app, r, "YT-GT-01").version)")])
            let other = try await street.get("/assessment/results/\(try await AssessmentFixture.result(app, r, "YT-BH-01").id!)")
            #expect(page.status == .ok && page.text.contains("9.00 / 10.00") && page.text.contains("调整得分"))
            #expect(afterNoReason.text.contains("原因") && stillSubmitted == .submitted)
            #expect(other.status == .notFound)
            let reason = try await service.entries(of: gt01)["a3"]?.adjustReason
            #expect(reason == "现场核实")
            for code in ["YT-GT-02", "YT-BH-01", "YT-BH-02"] { try await AssessmentFixture.complete(app, r, code, bonus: false) }
            let admin = try await WebSession.login(app, "admin")
            _ = try await admin.get("/assessment/rounds/\(r.id!)")
            let published = try await admin.post("/assessment/rounds/\(r.id!)/act/publish", [("version", "\(r.version)")])
            let ranking = try await admin.get("/assessment/rounds/\(r.id!)/ranking")
            let ids = [try await app.node("YT-GT-01").id!, try await app.node("YT-GT-02").id!]
            let arena = try await admin.get("/assessment/rounds/\(r.id!)/arena?u=\(ids[0])&u=\(ids[1])")
            let one = try await admin.get("/assessment/rounds/\(r.id!)/arena?u=\(ids[0])")
            let csv = try await admin.get("/assessment/rounds/\(r.id!)/export/csv")
            let xlsx = try await admin.get("/assessment/rounds/\(r.id!)/export/xlsx")
            let print = try await admin.get("/assessment/rounds/\(r.id!)/print")
            let unit = try await admin.get("/assessment/units/\(ids[0])?system=test")
            let command = try await street.get("/command")
            let state = try await AssessmentRound.find(r.id, on: app.db)?.roundState
            #expect(published.status == .seeOther && state == .published)
            #expect(ranking.status == .ok && ranking.text.contains("古亭社区") && ranking.text.contains("红榜"))
            #expect(arena.status == .ok && arena.text.contains("古亭社区") && arena.text.contains("鱼城社区") && arena.text.contains("1.00 / 2.00"))
            #expect(one.status == .ok && one.text.contains("2–6"))
            #expect(csv.status == .ok && csv.text.contains("名次,单位,总分") && csv.text.contains("古亭社区"))
            #expect(xlsx.status == .ok && xlsx.body.readableBytes > 100)
            #expect(print.status == .ok && print.text.contains("A4"))
            #expect(unit.status == .ok && unit.text.contains("2026-10"))
            #expect(command.status == .ok && command.text.contains("cc-assessment") && command.text.contains("古亭社区") && !command.text.contains("站前社区"))
        }
    }
}
