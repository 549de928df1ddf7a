import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Care-visit plans: periods, due and overdue visits, recording (with a case), coverage per grid, scope.
@Suite struct CareVisitTests {
    /// Wednesday 9 December 2026, noon in Shanghai; the demo's own visits end on 20 November.
    static let now = ISO8601DateFormatter().date(from: "2026-12-09T04:00:00Z")!

    @Test func periodsFollowTheCalendar() {
        #expect(VisitPeriod.week.start(of: "2026-12-09") == "2026-12-07")
        #expect(VisitPeriod.week.start(of: "2026-12-07") == "2026-12-07")
        #expect(VisitPeriod.week.start(of: "2026-12-13") == "2026-12-07")
        #expect(VisitPeriod.week.next("2026-12-28") == "2027-01-04")
        #expect(VisitPeriod.month.start(of: "2026-02-28") == "2026-02-01")
        #expect(VisitPeriod.month.previous("2026-01-01") == "2025-12-01")
        #expect(VisitPeriod.quarter.start(of: "2026-08-15") == "2026-07-01")
        #expect(VisitPeriod.quarter.next("2026-10-01") == "2027-01-01")
        // a plan starting mid-week counts from the next Monday
        #expect(VisitPeriod.week.firstCounted(from: "2026-12-02") == "2026-12-07")
        #expect(VisitPeriod.week.firstCounted(from: "2026-11-30") == "2026-11-30")
        #expect(VisitPeriod.dayBefore("2026-03-01") == "2026-02-28")
    }

    /// Households of 古亭社区 with a resident tagged `tag`, by id, with their node paths.
    func tagged(_ app: Application, _ tag: String, under code: String) async throws -> [UUID: String] {
        let node = try await app.node(code)
        let residents = try await Resident.query(on: app.db).join(ResidentTag.self, on: \ResidentTag.$residentID == \Resident.$id)
            .filter(ResidentTag.self, \.$tag == tag).within(DataScope(rootPath: node.path)).all()
        return Dictionary(residents.map { ($0.householdID, $0.nodePath) }, uniquingKeysWith: { a, _ in a })
    }

    func visit(_ app: Application, _ token: String, _ household: UUID, on day: String, extra: String = "") async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/visits", token: token,
                          json: #"{"householdId":"\#(household)","visitedOn":"\#(day)","notes":"老人身体尚好"\#(extra)}"#)
    }

    @Test func dueOverdueAndCoverageOfAWeeklyPlan() async throws {
        try await withDemoApp { app in
            // setup: a tag several households of 古亭社区 carry, visited weekly from Monday 30 November
            app.clock.set(Self.now)
            let community = try await app.token("gt01_community")
            var tag = "", targets: [UUID: String] = [:]
            for t in ["高龄老人", "党员", "空巢老人", "出租户", "流动人口"] where targets.count < 3 {
                (tag, targets) = (t, try await tagged(app, t, under: "YT-GT-01"))
            }
            try #require(targets.count >= 3)
            let plan = try await app.api(.POST, "/api/v1/visit-plans", token: community,
                                         json: #"{"nodeId":"YT-GT-01","tag":"\#(tag)","period":"week","startsOn":"2026-11-30"}"#)
            #expect(plan.status == .created)
            let grid = try await app.node("YT-GT-01-G01")
            let ids = targets.keys.sorted { $0.uuidString < $1.uuidString }
            let a = ids[0], b = ids[1]
            // act: A visited last week, B this week
            #expect(try await visit(app, community, a, on: "2026-12-03").status == .created)
            #expect(try await visit(app, community, b, on: "2026-12-08").status == .created)
            // check: the community's list
            let due = try await app.api(.GET, "/api/v1/visits/due?status=all&per=100", token: community).json()
            let items = try #require(due["items"] as? [[String: Any]])
            let status = Dictionary(uniqueKeysWithValues: items.map { (UUID(uuidString: $0["householdId"] as! String)!, $0["status"] as! String) })
            #expect(status.count == targets.count)
            #expect(status[a] == "due" && status[b] == "done")
            #expect(status.values.filter { $0 == "overdue" }.count == targets.count - 2)
            #expect(items.first?["status"] as? String == (targets.count > 2 ? "overdue" : "due"), "overdue first")
            // an overdue visit was due by the end of the week it missed; an open one by the end of this week
            #expect(items.first?["dueBy"] as? String == (targets.count > 2 ? "2026-12-06" : "2026-12-13"))
            #expect(items.filter { $0["status"] as? String == "due" }.allSatisfy { $0["dueBy"] as? String == "2026-12-13" })
            // the grid worker sees only the households of their grid, open ones by default
            let mine = try await app.api(.GET, "/api/v1/visits/due", token: try await app.token("gt01_grid")).json()
            let inGrid = targets.filter { $0.value.hasPrefix(grid.path) && $0.key != b }.count
            #expect(mine["total"] as? Int == inGrid)
            // coverage in December: only the week of 30 Nov–6 Dec has ended; A was visited in it
            let cov = try await app.api(.GET, "/api/v1/visits/coverage?node=YT-GT-01&month=2026-12", token: community).json()
            let total = try #require(cov["total"] as? [String: Any])
            #expect(total["planned"] as? Int == targets.count)
            #expect(total["done"] as? Int == 1)
            let rate: Double = try #require(total["rate"] as? Double)
            #expect(abs(rate - 1.0 / Double(targets.count)) < 1e-9)
            let grids = try #require(cov["grids"] as? [[String: Any]])
            let gridNodes = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.grid.rawValue)
                .within(DataScope(rootPath: try await app.node("YT-GT-01").path)).all()
            let aGridID = try #require(gridNodes.first { targets[a]!.hasPrefix($0.path) }?.id)
            let aGrid = try #require(grids.first { $0["gridId"] as? String == aGridID.uuidString })
            #expect(aGrid["done"] as? Int == 1)
            #expect(grids.map { $0["planned"] as? Int ?? 0 }.reduce(0, +) == targets.count)
            // a week later, last week's gaps are overdue and B's visit counts for December too
            app.clock.set(Self.now.addingTimeInterval(7 * 86400))
            let later = try await app.api(.GET, "/api/v1/visits/coverage?node=YT-GT-01&month=2026-12", token: community).json()
            #expect((later["total"] as? [String: Any])?["planned"] as? Int == 2 * targets.count)
            #expect((later["total"] as? [String: Any])?["done"] as? Int == 2)
        }
    }

    @Test func theVisitsPageFiltersPagesAndNeverShowsANoughtBesideOverdue() async throws {
        try await withDemoApp { app in
            // setup: a weekly plan from Monday 30 November, nobody visited
            app.clock.set(Self.now)
            let community = try await app.token("gt01_community")
            var tag = "", targets: [UUID: String] = [:]
            for t in ["高龄老人", "党员", "空巢老人", "出租户", "流动人口"] where targets.count < 2 {
                (tag, targets) = (t, try await tagged(app, t, under: "YT-GT-01"))
            }
            try #require(targets.count >= 2)
            let plan = try await app.api(.POST, "/api/v1/visit-plans", token: community,
                                         json: #"{"nodeId":"YT-GT-01","tag":"\#(tag)","period":"week","startsOn":"2026-11-30"}"#)
            #expect(plan.status == .created)
            let web = try await WebSession.login(app, "gt01_community")
            let escaped = tag.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            // act
            let page = try await web.get("/visits?tag=\(escaped)")
            let paged = try await web.get("/visits?tag=\(escaped)&per=1")
            let otherTag = ResidentTags.all.first { $0 != tag && !["高龄老人", "党员", "空巢老人", "出租户", "流动人口"].contains($0) }!
            let other = try await web.get("/visits?tag=\(otherTag.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!)")
            // check: an overdue visit was due on a day in the past, and says so
            #expect(page.status == .ok)
            #expect(page.text.contains("应于 2026-12-06 前走访") && !page.text.contains("截止 2026-12-13"))
            #expect(paged.text.contains("第 1/\(targets.count) 页"))
            #expect(!other.text.contains("应于 2026-12-06 前走访"))
            // every input has its label, the month one included
            #expect(page.text.contains("<span>覆盖率月份</span>") && page.text.contains("<span>范围</span>"))
            #expect(try await web.get("/visits?tag=nosuch").status == .unprocessableEntity)
            // before any period of the plan has ended there is no table of noughts, only words
            app.clock.set(ISO8601DateFormatter().date(from: "2026-12-02T04:00:00Z")!)
            let early = try await web.get("/visits?tag=\(escaped)")
            #expect(early.text.contains("id=\"coverage-none\"") && !early.text.contains("id=\"coverage-total\""))
        }
    }

    @Test func aVisitCanRaiseACaseAtTheHousehold() async throws {
        try await withDemoApp { app in
            app.clock.set(Self.now)
            let token = try await app.token("gt01_grid")
            let grid = try await app.node("YT-GT-01-G01")
            let household = try #require(try await Household.query(on: app.db).within(DataScope(rootPath: grid.path)).first())
            // act
            let res = try await visit(app, token, household.id!, on: "2026-12-09", extra: #","caseCategoryCode":"zaoyin","caseDescription":"楼道灯坏了，老人夜间出行不便""#)
            // check
            #expect(res.status == .created)
            let body = try res.json()
            let caseID = try #require(body["caseId"] as? String)
            let c = try #require(try await Case.find(UUID(uuidString: caseID), on: app.db))
            #expect(c.nodeID == household.nodeID && c.channel == "patrol" && c.description.contains("楼道灯"))
            let stored = try #require(try await Visit.find(UUID(uuidString: (body["visit"] as! [String: Any])["id"] as! String), on: app.db))
            #expect(stored.caseID == c.id)
            // a bad category files neither the visit nor a case
            let before = try await Visit.query(on: app.db).count()
            let bad = try await visit(app, token, household.id!, on: "2026-12-09", extra: #","caseCategoryCode":"nope""#)
            #expect(bad.status == .unprocessableEntity && bad.errorField == "categoryCode")
            #expect(try await Visit.query(on: app.db).count() == before)
        }
    }

    @Test func plansAndVisitsStayInsideScope() async throws {
        try await withDemoApp { app in
            app.clock.set(Self.now)
            let worker = try await app.token("gt01_grid")
            let other = try await app.node("YT-BH-01")
            let foreign = try #require(try await Household.query(on: app.db).within(DataScope(rootPath: other.path)).first())
            #expect(try await visit(app, worker, foreign.id!, on: "2026-12-09").status == .notFound)
            #expect(try await app.api(.POST, "/api/v1/visit-plans", token: worker,
                                      json: #"{"nodeId":"YT-GT-01-G01","tag":"独居老人","period":"week"}"#).status == .forbidden)
            let community = try await app.token("gt01_community")
            let unknownTag = try await app.api(.POST, "/api/v1/visit-plans", token: community, json: #"{"nodeId":"YT-GT-01","tag":"富豪","period":"week"}"#)
            #expect(unknownTag.status == .unprocessableEntity && unknownTag.errorField == "tag")
            let badPeriod = try await app.api(.POST, "/api/v1/visit-plans", token: community, json: #"{"nodeId":"YT-GT-01","tag":"独居老人","period":"daily"}"#)
            #expect(badPeriod.status == .unprocessableEntity && badPeriod.errorField == "period")
            #expect(try await app.api(.POST, "/api/v1/visit-plans", token: community,
                                      json: #"{"nodeId":"YT-BH-01","tag":"独居老人","period":"week"}"#).status == .notFound)
            #expect(try await app.api(.GET, "/api/v1/visits/coverage?node=YT-BH-01", token: community).status == .notFound)
            #expect(try await app.api(.GET, "/api/v1/visits/coverage?month=2026-13x", token: community).status == .unprocessableEntity)
        }
    }
}
