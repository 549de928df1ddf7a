import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The command centre's JSON on the known cases of `CommandCentreScenario`, on SQLite and PostgreSQL.
@Suite struct CommandCentreAPITests {
    func tally(_ json: [String: Any], _ key: String) -> [Int] {
        let t = json[key] as? [String: Any] ?? [:]
        return ["new", "inProgress", "overdue", "awaitingRating", "closed"].map { t[$0] as? Int ?? -1 }
    }

    @Test func countsListsAndRatesOfAStreet() async throws {
        try await withDemoApp { app in
            // setup
            let s = try await CommandCentreScenario.build(app)
            // act
            let res = try await app.api(.GET, "/api/v1/command-centre", token: try await app.token("gt_street"))
            // check
            #expect(res.status == .ok, "\(res.text)")
            let json = try res.json()
            #expect(tally(json, "today") == [3, 1, 0, 1, 1])           // A B C: A open, B replied, C closed
            #expect(tally(json, "month") == [5, 2, 1, 1, 1])           // + D (open, overdue) and E (rejected)
            let backlog = try #require(json["backlog"] as? [String: Int])
            #expect(backlog == ["open": 3, "overdue": 2, "dueSoon": 1])  // A D F open; D F overdue; A due tomorrow 09:00
            let overdue = try #require(json["overdue"] as? [[String: Any]]).map { $0["id"] as? String }
            #expect(overdue == [s.ids["F"], s.ids["D"]])                // the longest overdue first
            let dueSoon = try #require(json["dueSoon"] as? [[String: Any]])
            #expect(dueSoon.map { $0["id"] as? String } == [s.ids["A"]])
            #expect(dueSoon.first?["hoursOverdue"] as? Double == -18)   // 18 hours left
            #expect(dueSoon.first?["categoryName"] as? String == "治安隐患")
            let rates = try #require(json["rates"] as? [String: Any])
            #expect(rates["month"] as? String == "2026-11")
            // This month's answered cases are B and C of the five; A is not due yet, D is overdue: 2 of 3.
            #expect(rates["resolutionRate"] as? Double == 2.0 / 3.0)
            let patrols = try #require(json["patrols"] as? [String: Any])
            // the patrol feature is registered; nobody is out on patrol in the test county
            #expect(patrols["available"] as? Bool == true && (patrols["active"] as? [Any])?.isEmpty == true)
            // The whole tree (admin) also has G in 站前.
            let all = try await app.api(.GET, "/api/v1/command-centre", token: try await app.token("admin")).json()
            #expect(tally(all, "today") == [4, 2, 0, 1, 1])
        }
    }

    @Test func aSubtreeOutsideTheScopeIsRefused() async throws {
        try await withDemoApp { app in
            let community = try await app.token("gt01_community")
            // Another street's community: the same answer as a node that does not exist.
            let foreign = try await app.api(.GET, "/api/v1/command-centre?node=YT-BH-01", token: community)
            #expect(foreign.status == .notFound && foreign.errorCode == "unknown_node" && foreign.errorField == "node")
            #expect(foreign.text.contains("不在您的管辖范围"))
            // Above one's own scope is outside it too.
            let above = try await app.api(.GET, "/api/v1/command-centre/map?node=YT-GT", token: try await app.token("gt01_grid"))
            #expect(above.status == .notFound && above.errorCode == "unknown_node")
            // Roles without a command centre.
            for user in ["resident_demo", "dept_zhujian", "partner_demo"] {
                let res = try await app.api(.GET, "/api/v1/command-centre", token: try await app.token(user))
                #expect(res.status == .forbidden, "\(user)")
                #expect(res.text.contains("指挥中心仅供"))
            }
            let bad = try await app.api(.GET, "/api/v1/command-centre/map?period=week", token: community)
            #expect(bad.status == .unprocessableEntity && bad.errorField == "period")
            let badCategory = try await app.api(.GET, "/api/v1/command-centre/map?category=nope", token: community)
            #expect(badCategory.status == .unprocessableEntity && badCategory.errorField == "category")
            #expect(try await app.api(.GET, "/api/v1/command-centre", token: nil).status == .unauthorized)
        }
    }

    @Test func choroplethIsCasesPerThousandHouseholdsByGrid() async throws {
        try await withDemoApp { app in
            // setup
            _ = try await CommandCentreScenario.build(app)
            let g1 = try await app.node("YT-GT-01-G01"), g2 = try await app.node("YT-GT-01-G02")
            let h1 = try await Household.query(on: app.db).within(DataScope(rootPath: g1.path)).count()
            let h2 = try await Household.query(on: app.db).within(DataScope(rootPath: g2.path)).count()
            #expect(h1 > 0 && h2 > 0)
            // act
            let json = try await app.api(.GET, "/api/v1/command-centre/map?node=YT-GT-01&period=month", token: try await app.token("gt01_community")).json()
            // check
            let grids = try #require(json["grids"] as? [[String: Any]])
            #expect(grids.map { $0["code"] as? String } == ["YT-GT-01-G01", "YT-GT-01-G02"])
            #expect(grids[0]["cases"] as? Int == 4 && grids[0]["households"] as? Int == h1)    // A B C D
            #expect(grids[0]["casesPer1000Households"] as? Double == (4000 / Double(h1) * 10).rounded() / 10)
            #expect(grids[1]["cases"] as? Int == 1 && grids[1]["households"] as? Int == h2)    // E
            #expect(json["from"] as? String == "2026-11-01" && json["to"] as? String == "2026-11-20")
            // Today only: A B C.
            let today = try await app.api(.GET, "/api/v1/command-centre/map?node=YT-GT-01&period=today", token: try await app.token("gt01_community")).json()
            #expect((today["grids"] as? [[String: Any]])?.first?["cases"] as? Int == 3)
            // Another category has none of them.
            let other = try await app.api(.GET, "/api/v1/command-centre/map?node=YT-GT-01&category=huanjing", token: try await app.token("gt01_community")).json()
            #expect((other["grids"] as? [[String: Any]])?.compactMap { $0["cases"] as? Int } == [0, 0])
        }
    }

    @Test func theHeatLayerBinsLocatedCasesLikeTheReferenceCode() async throws {
        try await withDemoApp { app in
            // setup
            let s = try await CommandCentreScenario.build(app)
            // act: the street for the last 365 days
            let json = try await app.api(.GET, "/api/v1/command-centre/map?period=365d", token: try await app.token("gt_street")).json()
            // check: the database's cells are `HeatGrid.bin` of the same points
            let heat = try #require(json["heat"] as? [String: Any])
            let box = GeoBox(west: heat["west"] as! Double, south: heat["south"] as! Double, east: heat["east"] as! Double, north: heat["north"] as! Double)
            let grid = HeatGrid(box: box, columns: heat["columns"] as! Int)
            #expect(grid.rows == heat["rows"] as? Int)
            let expected = grid.bin(["A", "B", "C", "D", "F"].map { (s.points[$0]!.0, s.points[$0]!.1) })
            let cells = try #require(heat["cells"] as? [[String: Int]])
            let got = Dictionary(uniqueKeysWithValues: cells.map { (HeatGrid.Cell(column: $0["column"]!, row: $0["row"]!), $0["count"]!) })
            #expect(got == expected)
            #expect(got.values.max() == 2)                               // A and D at the same spot
            #expect(heat["located"] as? Int == 5 && heat["total"] as? Int == 6)   // E has no coordinates; G is another street
        }
    }

    @Test func trendsCountDaysByCategoryAndRatesByMonth() async throws {
        try await withDemoApp { app in
            _ = try await CommandCentreScenario.build(app)
            let json = try await app.api(.GET, "/api/v1/command-centre/trends", token: try await app.token("gt_street")).json()
            let days = try #require(json["days"] as? [String])
            #expect(days.count == 30 && days.first == "2026-10-22" && days.last == "2026-11-20")
            let categories = try #require(json["categories"] as? [[String: Any]])
            #expect(categories.count == 1 && categories[0]["code"] as? String == "zhian")
            let counts = try #require(categories[0]["counts"] as? [Int])
            #expect(counts.reduce(0, +) == 6 && counts.last == 3 && counts[days.firstIndex(of: "2026-10-30")!] == 1)
            let months = try #require(json["months"] as? [[String: Any]])
            #expect(months.count == 12 && months.last?["month"] as? String == "2026-11" && months.first?["month"] as? String == "2025-12")
            #expect(months.last?["cases"] as? Int == 5 && months[10]["cases"] as? Int == 1)
            #expect(months[0]["responseRate"] is NSNull)
        }
    }

    @Test func supervisionRecordsANoticeOnce() async throws {
        try await withDemoApp { app in
            // setup
            let s = try await CommandCentreScenario.build(app)
            let street = try await app.token("gt_street")
            let handler = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first())
            // act
            let res = try await app.api(.POST, "/api/v1/command-centre/supervisions", token: street, json: #"{"caseId":"\#(s.ids["D"]!)","note":"今天必须答复"}"#)
            // check
            #expect(res.status == .created, "\(res.text)")
            #expect(try res.json()["notified"] as? Int ?? 0 >= 1)
            let notices = try await Notification.query(on: app.db).filter(\.$kind == "supervision").filter(\.$userID == handler.id!).all()
            #expect(notices.count == 1 && notices[0].text.contains("今天必须答复") && notices[0].caseID?.uuidString == s.ids["D"])
            let events = try await CaseEvent.query(on: app.db).filter(\.$caseID == UUID(uuidString: s.ids["D"]!)!).filter(\.$action == "supervise").all()
            #expect(events.count == 1 && events[0].actorName.isEmpty == false)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$action == "supervise").count() == 1)
            // The list shows it as supervised.
            let summary = try await app.api(.GET, "/api/v1/command-centre", token: street).json()
            let d = (summary["overdue"] as? [[String: Any]])?.first { $0["id"] as? String == s.ids["D"] }
            #expect(d?["supervisedAt"] is String)
            let sent = try await Notification.query(on: app.db).filter(\.$kind == "supervision").count()
            // A double click is not a second notice; answered cases, other streets and grid workers are refused.
            let again = try await app.api(.POST, "/api/v1/command-centre/supervisions", token: street, json: #"{"caseId":"\#(s.ids["D"]!)"}"#)
            #expect(again.status == .conflict && again.errorCode == "already_supervised")
            let closed = try await app.api(.POST, "/api/v1/command-centre/supervisions", token: street, json: #"{"caseId":"\#(s.ids["C"]!)"}"#)
            #expect(closed.status == .conflict && closed.errorCode == "not_open")
            let foreign = try await app.api(.POST, "/api/v1/command-centre/supervisions", token: street, json: #"{"caseId":"\#(s.ids["G"]!)"}"#)
            #expect(foreign.status == .notFound)
            let worker = try await app.api(.POST, "/api/v1/command-centre/supervisions", token: try await app.token("gt01_grid"), json: #"{"caseId":"\#(s.ids["A"]!)"}"#)
            #expect(worker.status == .forbidden)
            let missing = try await app.api(.POST, "/api/v1/command-centre/supervisions", token: street, json: "{}")
            #expect(missing.status == .unprocessableEntity && missing.errorField == "caseId")
            #expect(try await Notification.query(on: app.db).filter(\.$kind == "supervision").count() == sent)
        }
    }
}
