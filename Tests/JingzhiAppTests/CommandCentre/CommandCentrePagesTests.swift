import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The desk page, the wall screen, the live pieces, 督办 by form, and the monthly report with its CSV.
@Suite struct CommandCentrePagesTests {
    @Test func deskAndWallShowTheFiguresTheMapAndTheLists() async throws {
        try await withDemoApp { app in
            // setup
            let s = try await CommandCentreScenario.build(app)
            let browser = Browser(app)
            try await browser.login("gt_street")
            let g1 = try await app.node("YT-GT-01-G01")
            // act
            let desk = try await browser.get("/command")
            // check
            #expect(desk.status == .ok)
            #expect(desk.text.contains("指挥中心 · 谷亭街道"))
            #expect(desk.text.contains("data-figure=\"new\">3<") && desk.text.contains("data-figure=\"new\">5<"))
            #expect(desk.text.contains("<svg class=\"gridmap\""))
            #expect(desk.text.contains("<a href=\"/cases?node=\(g1.id!.uuidString)\">"))          // click a grid: its cases
            #expect(desk.text.contains("/cases/\(s.ids["F"]!)") && desk.text.contains("action=\"/command/supervise\""))
            #expect(desk.text.contains("当前没有网格员在巡查"))  // patrols are registered; nobody is out in the test county
            #expect(desk.text.contains("class=\"trend columns\"") && desk.text.contains("class=\"trend lines\""))
            let wall = try await browser.get("/command/wall?node=YT-GT&period=today")
            #expect(wall.status == .ok && wall.text.contains("class=\"cc-wall\"") && wall.text.contains("一屏观、一网管"))
            #expect(!wall.text.contains("<header class=\"top\">"))                                  // no site chrome on the wall
            // The grid's cases, as the map link opens them.
            let cases = try await browser.get("/cases?node=\(g1.id!.uuidString)&state=")
            #expect(cases.text.contains(s.ids["A"]!) && !cases.text.contains(s.ids["E"]!))
        }
    }

    @Test func theWallListsWhatFitsAndCountsTheRestWhileTheDeskListsMore() async throws {
        try await withDemoApp { app in
            // setup: ten more cases in 古亭社区, all past their deadlines a month later
            _ = try await CommandCentreScenario.build(app)
            let compound = try await CommandCentreScenario.firstCompound(under: "YT-GT-01-G02", app)
            for i in 1...10 {
                let filed = try await app.api(.POST, "/api/v1/cases", token: try await app.token("resident_demo"),
                                              json: #"{"categoryCode":"huanjing","nodeId":"\#(compound.id!)","description":"垃圾满了 \#(i)"}"#)
                #expect(filed.status == .created)
            }
            app.clock.set(CommandCentreScenario.now.addingTimeInterval(30 * 86400))
            let community = try await app.node("YT-GT-01")
            let browser = Browser(app)
            try await browser.login("gt01_community")
            // act
            let live = try #require(try await browser.get("/command/live?theme=dark").json()["parts"] as? [String: String])
            let desk = try #require(try await browser.get("/command/live").json()["parts"] as? [String: String])
            let overdue = try await CommandCentreService(db: app.db, now: app.clock.now(), cache: .init()).backlog(path: community.path).overdue
            // check: six on the wall, the rest counted and linked to the community's overdue cases; the desk lists them all
            #expect(overdue > 10)
            let wallItems = live["overdue"]!.components(separatedBy: "<li>").count - 1
            #expect(wallItems == CommandCentreViews.wallListLength)
            #expect(live["overdue"]!.contains("另有 \(overdue - wallItems) 件"))
            #expect(live["overdue"]!.contains("href=\"/cases?state=overdue&amp;node=\(community.id!.uuidString)\""))
            #expect(desk["overdue"]!.components(separatedBy: "<li>").count - 1 == min(overdue, CommandCentreService.listLimit))
        }
    }

    @Test func liveRefreshReturnsFreshPieces() async throws {
        try await withDemoApp { app in
            let s = try await CommandCentreScenario.build(app)
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let before = try await browser.get("/command/live?theme=dark")
            #expect(before.status == .ok && before.headers.contentType == .json)
            let parts = try #require(try before.json()["parts"] as? [String: String])
            #expect(Set(parts.keys) == ["asof", "counts", "rates", "map", "overdue", "duesoon", "patrols", "trends"])
            #expect(parts["counts"]!.contains("data-figure=\"new\">3<"))
            // A new case arrives; the next poll counts it.
            let compound = try await CommandCentreScenario.firstCompound(under: "YT-GT-01-G02", app)
            let filed = try await app.api(.POST, "/api/v1/cases", token: try await app.token("resident_demo"),
                                          json: #"{"categoryCode":"huanjing","nodeId":"\#(compound.id!)","description":"垃圾满了"}"#)
            #expect(filed.status == .created)
            let after = try #require(try await browser.get("/command/live").json()["parts"] as? [String: String])
            #expect(after["counts"]!.contains("data-figure=\"new\">4<"))
            #expect(after["overdue"]!.contains(s.ids["D"]!))
            // Outside the scope: refused.
            #expect(try await browser.get("/command/live?node=YT-BH").status == .notFound)
        }
    }

    @Test func pagesRefuseForeignSubtreesAndOtherRoles() async throws {
        try await withDemoApp { app in
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let foreign = try await browser.get("/command?node=YT-BH-01")
            #expect(foreign.status == .notFound && foreign.text.contains("不在您的管辖范围"))
            let resident = Browser(app)
            try await resident.login("resident_demo")
            let refused = try await resident.get("/command/wall")
            #expect(refused.status == .forbidden && refused.text.contains("指挥中心仅供"))
        }
    }

    @Test func supervisionByFormNeedsTheFormToken() async throws {
        try await withDemoApp { app in
            let s = try await CommandCentreScenario.build(app)
            let browser = Browser(app)
            try await browser.login("gt_street")
            _ = try await browser.get("/command")
            // Without the token: refused, nothing recorded.
            let forged = try await browser.post("/command/supervise", [("caseId", s.ids["F"]!), ("back", "/command")], withCSRF: false)
            #expect(forged.status == .forbidden)
            #expect(try await Notification.query(on: app.db).filter(\.$kind == "supervision").count() == 0)
            // With it: a notice, then back to the page with a message.
            let done = try await browser.post("/command/supervise", [("caseId", s.ids["F"]!), ("back", "/command/wall")])
            #expect(done.status == .seeOther && done.headers.first(name: .location) == "/command/wall")
            #expect(try await Notification.query(on: app.db).filter(\.$kind == "supervision").count() >= 1)
            let page = try await browser.get("/command")
            #expect(page.text.contains("已督办诉求"))
            // Pressed again: told so, no second notice.
            let count = try await Notification.query(on: app.db).filter(\.$kind == "supervision").count()
            _ = try await browser.post("/command/supervise", [("caseId", s.ids["F"]!), ("back", "https://evil.example/")])
            #expect(try await Notification.query(on: app.db).filter(\.$kind == "supervision").count() == count)
            #expect(try await browser.get("/command").text.contains("刚刚已督办"))
        }
    }

    @Test func monthlyReportPageCSVAndPrint() async throws {
        try await withDemoApp { app in
            // setup
            _ = try await CommandCentreScenario.build(app)
            let browser = Browser(app)
            try await browser.login("gt_street")
            // act
            let page = try await browser.get("/reports/monthly?month=2026-11")
            let csv = try await browser.get("/reports/monthly.csv?month=2026-11")
            let print = try await browser.get("/reports/monthly/print?month=2026-11")
            // check
            #expect(page.status == .ok && page.text.contains("谷亭街道 2026-11 月度通报") && page.text.contains("社区擂台赛"))
            #expect(csv.status == .ok && csv.headers.first(name: .contentDisposition)?.contains("report-YT-GT-2026-11.csv") == true)
            let lines = csv.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { CSV.parse($0)[0].fields }
            #expect(lines[0] == MonthlyReportPages.csvHeader)
            #expect(lines[1][0] == "合计" && lines[1][4] == "5")                         // A B C D E
            let communities = lines.filter { $0[0] == "社区" }
            #expect(communities.count == 2 && communities[0][3] == "古亭社区" && communities[0][1] == "1" && communities[0][4] == "5")
            #expect(lines.contains { $0[0] == "类别" && $0[2] == "zhian" && $0[4] == "5" })
            #expect(lines.contains { $0[0] == "渠道" && $0[4] == "5" })
            #expect(lines.contains { $0[0] == "问题突出小区" && $0[1] == "1" && $0[4] == "4" })  // G01's compound: A B C D
            #expect(print.status == .ok && print.text.contains("class=\"print\"") && !print.text.contains("<header class=\"top\">"))
            #expect(CommandCentreAssets.css.contains("@page{size:A4"))
            // Bad month and roles.
            #expect(try await browser.get("/reports/monthly?month=2026-13").status == .unprocessableEntity)
            let worker = Browser(app)
            try await worker.login("gt01_grid")
            #expect(try await worker.get("/reports/monthly").status == .forbidden)
        }
    }
}

/// The patrol panel and track replay take their data from a provider the patrol feature registers.
@Suite struct CommandCentreProviderTests {
    @Test func aRegisteredPatrolProviderFillsThePanelAndTheReplay() async throws {
        try await withDemoApp { app in
            // setup: a stand-in for the patrol feature, with one worker on patrol in 古亭社区 G01
            let grid = try await app.node("YT-GT-01-G01")
            let text = try #require(grid.boundary)
            let box = try #require(GeoBox(boundaries: [try Boundary.parse(text: text)]))
            let patrolID = UUID()
            let points = (0..<4).map { i in
                PatrolTrackPoint(latitude: box.south + (box.north - box.south) * (0.2 + 0.2 * Double(i)),
                                 longitude: box.west + (box.east - box.west) * 0.5, at: CommandCentreScenario.now.addingTimeInterval(Double(i) * 60))
            }
            let gridID = grid.id!, gridPath = grid.path
            app.commandCentre.patrols = { _, scope, _, _ in
                scope.contains(gridPath) ? [PatrolOnMap(patrolId: patrolID, workerName: "张网格", gridId: gridID, gridName: "第一网格",
                                                         startedAt: CommandCentreScenario.now, lastFixAt: points.last?.at,
                                                         latitude: points.last?.latitude, longitude: points.last?.longitude, distanceMeters: 420)] : []
            }
            app.commandCentre.track = { _, viewer, id in
                id == patrolID && viewer.scope.contains(gridPath) ? TrackOnMap(patrolId: id, workerName: "张网格", gridId: gridID, points: points) : nil
            }
            app.clock.set(CommandCentreScenario.now)
            // act
            let json = try await app.api(.GET, "/api/v1/command-centre", token: try await app.token("gt01_community")).json()
            let other = try await app.api(.GET, "/api/v1/command-centre", token: try await app.token("bh01_community")).json()
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let desk = try await browser.get("/command")
            let replay = try await browser.get("/command/patrols/\(patrolID)")
            let track = try await app.api(.GET, "/api/v1/command-centre/patrols/\(patrolID)/track", token: try await app.token("gt01_community"))
            let foreignTrack = try await app.api(.GET, "/api/v1/command-centre/patrols/\(patrolID)/track", token: try await app.token("bh01_community"))
            // check
            let patrols = try #require(json["patrols"] as? [String: Any])
            #expect(patrols["available"] as? Bool == true && (patrols["active"] as? [[String: Any]])?.first?["workerName"] as? String == "张网格")
            #expect(((other["patrols"] as? [String: Any])?["active"] as? [Any])?.isEmpty == true)
            #expect(desk.text.contains("张网格") && desk.text.contains("class=\"marker\"") && !desk.text.contains("暂无巡查数据"))
            #expect(replay.status == .ok && replay.text.contains("class=\"track\"") && replay.text.contains("共 4 个定位点"))
            let trackPoints = try track.json()["points"] as? [Any]
            #expect(track.status == .ok && trackPoints?.count == 4)
            #expect(foreignTrack.status == .notFound)
        }
    }

    @Test func aVisitsProviderFillsTheReportsCoverage() async throws {
        try await withDemoApp { app in
            // setup: every unit planned 4 visits in the month and made 3 on time
            app.commandCentre.visits = { _, nodes, from, to in
                #expect(from == "2026-10-01" && to == "2026-10-31")
                return nodes.map { VisitsCoverage(nodeId: $0.id!, planned: 4, onTime: 3) }
            }
            app.clock.set(CommandCentreScenario.now)
            let browser = Browser(app)
            try await browser.login("gt_street")
            // act: last month by default
            let page = try await browser.get("/reports/monthly")
            let csv = try await browser.get("/reports/monthly.csv")
            // check
            #expect(page.text.contains("2026-10 月度通报") && page.text.contains("75.0%") && !page.text.contains("暂无走访数据"))
            let rows = csv.text.dropFirst().components(separatedBy: "\r\n").filter { !$0.isEmpty }.map { CSV.parse($0)[0].fields }
            #expect(rows.filter { $0[0] == "社区" }.allSatisfy { $0[10] == "75.0%" })
            #expect(rows[1][10] == "75.0%")
        }
    }

    @Test func withoutTheProviderThereIsNoPatrolData() async throws {
        try await withDemoApp { app in
            app.commandCentre = CommandCentreProviders()
            let res = try await app.api(.GET, "/api/v1/command-centre/patrols/\(UUID())/track", token: try await app.token("gt01_community"))
            #expect(res.status == .notFound && res.errorCode == "no_patrols")
        }
    }
}
