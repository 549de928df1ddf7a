import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The command centre's desk shows this month's deliberation measures of the communities in the viewer's area.
@Suite struct DeliberationDeskTests {
    @Test func theDeskShowsThisMonthsDeliberationOfTheViewersArea() async throws {
        try await withDemoApp { app in
            // setup: one topic raised now in 古亭社区
            _ = try await DeliberationFixture.topic(app, title: "2号楼旁健身器材维修")
            let m = try await TopicService(db: app.db, now: app.clock.now()).measures(
                month: ShanghaiTime.currentMonth(app.clock.now()), within: .everything, node: try await app.node("YT-GT-01"))
            let street = try await WebSession.login(app, "gt_street")
            let grid = try await WebSession.login(app, "gt01_grid")
            // act
            let desk = try await street.get("/command")
            let gridDesk = try await grid.get("/command")
            // check
            let raised = try #require(m.rows.first).raised
            #expect(raised >= 1)
            #expect(desk.status == .ok && desk.text.contains("id=\"cc-deliberation\""), "\(desk.status)")
            let panel = String(desk.text[desk.text.range(of: "id=\"cc-deliberation\"")!.lowerBound...].prefix(4000))
            #expect(panel.contains("<th scope=\"row\">古亭社区</th><td>\(raised)</td>") && !panel.contains("站前社区"))
            #expect(panel.contains("/topics/measures?month="))
            #expect(!gridDesk.text.contains("cc-deliberation"))
        }
    }
}
