import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The staff queues (待受理, 我的待办, 待评价, 已办结): what each role finds in them, in which order, and the counts.
@Suite struct CaseQueueTests {
    /// resident_demo's compound, in grid YT-GT-01-G01 of community YT-GT-01.
    func home(_ app: Application) async throws -> OrgNode { try await CaseLoopTests().homeCompound(app) }

    func file(_ app: Application, as user: String, at node: OrgNode, _ category: String = "sheshi", _ text: String = "楼道灯坏了",
              extra: String = "") async throws -> (id: String, number: String) {
        let res = try await app.api(.POST, "/api/v1/cases", token: try await app.token(user),
                                    json: #"{"categoryCode":"\#(category)","nodeId":"\#(node.id!)","description":"\#(text)"\#(extra)}"#)
        #expect(res.status == .created, "file as \(user): \(res.text)")
        let json = try res.json()
        return (try #require(json["id"] as? String), try #require(json["number"] as? String))
    }

    func act(_ app: Application, _ id: String, _ action: String, as user: String, _ json: String = "{}") async throws {
        let res = try await app.api(.POST, "/api/v1/cases/\(id)/actions/\(action)", token: try await app.token(user), json: json)
        #expect(res.status == .ok, "\(action) by \(user): \(res.text)")
    }

    /// The ids in a queue, in order, and the counts of every queue.
    func queue(_ app: Application, _ queue: String, as user: String, _ extra: String = "") async throws -> (ids: [String], counts: [String: Int]) {
        let res = try await app.api(.GET, "/api/v1/cases?queue=\(queue)&per=100\(extra)", token: try await app.token(user))
        #expect(res.status == .ok, "\(queue) as \(user): \(res.text)")
        let json = try res.json()
        let items = try #require(json["items"] as? [[String: Any]])
        return (items.compactMap { $0["id"] as? String }, (json["counts"] as? [String: Int]) ?? [:])
    }

    func setDue(_ app: Application, _ id: String, _ due: Date, overdueMarked: Bool = false) async throws {
        try await Case.query(on: app.db).filter(\.$id == UUID(uuidString: id)!).set(\.$resolutionDueAt, to: due)
            .set(\.$resolutionOverdueAt, to: overdueMarked ? due : nil).update()
    }

    @Test func aGridWorkersNewPatrolEventTopsToAcceptAndAClosedLateCaseBuriesNothing() async throws {
        try await withDemoApp { app in
            // setup: a case that was late once and is closed now, then a fresh patrol event
            let compound = try await home(app)
            let old = try await file(app, as: "resident_demo", at: compound, "huanjing", "垃圾桶满了")
            try await act(app, old.id, "accept", as: "gt01_grid")
            try await act(app, old.id, "dispatch", as: "gt01_community", #"{"level":"grid"}"#)
            try await act(app, old.id, "reply", as: "gt01_grid", #"{"note":"已清运"}"#)
            try await act(app, old.id, "rate", as: "resident_demo", #"{"rating":"satisfied"}"#)
            try await setDue(app, old.id, Date(timeIntervalSince1970: 0), overdueMarked: true)
            let patrol = try await file(app, as: "gt01_grid", at: compound, "huanjing", "巡查发现楼下堆放杂物")
            // act
            let toAccept = try await queue(app, "to_accept", as: "gt01_grid")
            let page = try await WebSession.login(app, "gt01_grid").get("/cases")
            // check: the new event is first, the closed one only under 已办结
            #expect(toAccept.ids == [patrol.id])
            #expect(toAccept.counts == ["to_accept": 1, "mine": 0, "to_rate": 0, "done": 1])
            #expect(try await queue(app, "done", as: "gt01_grid").ids == [old.id])
            let rows = page.text.components(separatedBy: "<tbody>").last ?? ""
            #expect(rows.components(separatedBy: "</tr>").first?.contains(patrol.number) == true)
            #expect(page.text.contains("aria-current=\"page\">待受理 <span class=\"count\">1</span>"))
            // another community's grid worker sees neither
            #expect(try await queue(app, "to_accept", as: "bh01_grid").ids.isEmpty)
        }
    }

    @Test func myToDosPutOverdueFirstThenTheNearestDeadline() async throws {
        try await withDemoApp { app in
            // setup: three cases the community handles, and one closed long ago that was overdue
            let compound = try await home(app)
            let now = Date()
            var open: [String] = []
            for _ in 0..<3 {
                let c = try await file(app, as: "resident_demo", at: compound)
                try await act(app, c.id, "accept", as: "gt01_community")
                open.append(c.id)
            }
            try await setDue(app, open[0], now.addingTimeInterval(3 * 86400))
            try await setDue(app, open[1], now.addingTimeInterval(-3600), overdueMarked: true)
            try await setDue(app, open[2], now.addingTimeInterval(3600))
            let closed = try await file(app, as: "resident_demo", at: compound)
            try await act(app, closed.id, "reject", as: "gt01_community", #"{"note":"重复反映"}"#)
            try await setDue(app, closed.id, Date(timeIntervalSince1970: 0), overdueMarked: true)
            // act
            let mine = try await queue(app, "mine", as: "gt01_community")
            // check: overdue now, then due soonest; the closed one is done, not a to-do
            #expect(mine.ids == [open[1], open[2], open[0]])
            #expect(mine.counts == ["to_accept": 0, "mine": 3, "to_rate": 0, "done": 1])
            // the street and the grid do not handle them; the admin of the county (no unit of their own) sees all
            #expect(try await queue(app, "mine", as: "gt_street").ids.isEmpty)
            #expect(try await queue(app, "mine", as: "gt01_grid").ids.isEmpty)
            #expect(try await queue(app, "mine", as: "admin").ids == [open[1], open[2], open[0]])
        }
    }

    @Test func anEscalatedCaseReachesTheStreetThenTheDepartmentsToAccept() async throws {
        try await withDemoApp { app in
            // setup
            let c = try await file(app, as: "resident_demo", at: try await home(app))
            try await act(app, c.id, "accept", as: "gt01_community")
            try await act(app, c.id, "dispatch", as: "gt01_community", #"{"level":"community"}"#)
            try await act(app, c.id, "escalate", as: "gt01_community", #"{"note":"需街道协调"}"#)
            // check: the street has it to accept, the community no longer
            #expect(try await queue(app, "to_accept", as: "gt_street").ids == [c.id])
            #expect(try await queue(app, "to_accept", as: "gt01_community").ids.isEmpty)
            #expect(try await queue(app, "to_accept", as: "bh_street").ids.isEmpty)
            // act: the street passes it to the county department
            try await act(app, c.id, "escalate", as: "gt_street", #"{"note":"街呼县应：住建局"}"#)
            let dept = try await queue(app, "to_accept", as: "dept_zhujian")
            let unitOnly = try await WebSession.login(app, "dept_zhujian").get("/cases?mine=1&queue=all")
            // check: the department finds it, also under 只看本单位
            #expect(dept.ids == [c.id])
            #expect(dept.counts["to_accept"] == 1)
            #expect(unitOnly.text.contains(c.number))
            #expect(try await queue(app, "to_accept", as: "gt_street").ids.isEmpty)
            // the county finds it by the named department that holds it, not by another unit
            let held = try #require(try await Case.find(UUID(uuidString: c.id), on: app.db))
            let code = try #require(try await Department.find(held.handlerDepartmentID, on: app.db)?.code)
            let gt01 = try await app.node("YT-GT-01")
            func listed(_ handler: String) async throws -> [String] {
                let res = try await app.api(.GET, "/api/v1/cases?per=100&handler=\(handler)", token: try await app.token("admin"))
                return (try res.json()["items"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            #expect(try await listed("dept:\(code)").contains(c.id))
            #expect(try await listed("dept:nosuch").isEmpty)
            #expect(try await listed("department").contains(c.id))
            #expect(!(try await listed("node:\(gt01.id!)").contains(c.id)))
            #expect(try await app.api(.GET, "/api/v1/cases?handler=somebody", token: try await app.token("admin")).errorField == "handler")
            // act: handed back to the community, it is the community's to accept again, and no longer the department's
            try await act(app, c.id, "hand_back", as: "dept_zhujian", #"{"level":"community","note":"属社区范围"}"#)
            #expect(try await queue(app, "to_accept", as: "gt01_community").ids == [c.id])
            #expect(try await queue(app, "to_accept", as: "dept_zhujian").ids.isEmpty)
            try await act(app, c.id, "start", as: "gt01_community")
            #expect(try await queue(app, "mine", as: "gt01_community").ids == [c.id])
            let byCommunity = try await listed("node:\(gt01.id!)"), byDepartment = try await listed("dept:\(code)")
            #expect(byCommunity.contains(c.id) && !byDepartment.contains(c.id))
            try await act(app, c.id, "reply", as: "gt01_community", #"{"note":"已修好"}"#)
            let rate = try await queue(app, "to_rate", as: "gt01_community")
            #expect(rate.ids == [c.id] && rate.counts == ["to_accept": 0, "mine": 0, "to_rate": 1, "done": 0])
        }
    }

    @Test func aPropertyCompanyQueuesItsOwnRepairsOnly() async throws {
        try await withDemoApp { app in
            // setup
            let company = try await PropertyFixture.homeCompany(app)
            let compound = try #require(try await PropertyFixture.compounds(of: company, app).last)
            let repair = try await file(app, as: "admin", at: compound, "dianti", "电梯停在三楼")
            let complaint = try await file(app, as: "admin", at: compound, PropertyCatalog.complaintCategory, "物业乱收费")
            try await act(app, repair.id, "accept", as: "admin")
            try await act(app, repair.id, "dispatch", as: "admin", #"{"level":"property"}"#)
            // check: dispatched to it, not started: to accept; started: a to-do
            #expect(try await queue(app, "to_accept", as: "property_demo").ids == [repair.id])
            try await act(app, repair.id, "start", as: "property_demo")
            let mine = try await queue(app, "mine", as: "property_demo")
            #expect(mine.ids == [repair.id])
            #expect(mine.counts == ["to_accept": 0, "mine": 1, "to_rate": 0, "done": 0])
            // the complaint about the company is the community's, never in the company's lists
            #expect(!(try await queue(app, "to_accept", as: "admin").ids.contains(repair.id)))
            #expect(try await queue(app, "to_accept", as: "admin").ids.contains(complaint.id))
            #expect(try await queue(app, "mine", as: "gt01_grid").ids.isEmpty)
        }
    }

    @Test func residentsAndPartnersHaveNoStaffQueues() async throws {
        try await withDemoApp { app in
            _ = try await file(app, as: "resident_demo", at: try await home(app))
            for user in ["resident_demo", "partner_demo"] {
                let res = try await app.api(.GET, "/api/v1/cases?queue=to_accept", token: try await app.token(user))
                #expect(res.status == .forbidden, "\(user)")
            }
            let page = try await WebSession.login(app, "resident_demo").get("/cases")
            #expect(page.status == .ok)
            #expect(!page.text.contains("queue=to_accept") && !page.text.contains("只看本单位"))
            #expect(try await app.api(.GET, "/api/v1/cases?queue=later", token: try await app.token("admin")).errorField == "queue")
        }
    }

    @Test func searchFindsANumberAPlaceAFullPhoneAndWords() async throws {
        try await withDemoApp { app in
            // setup
            let compound = try await home(app)
            let hotline = try await file(app, as: "gt01_community", at: compound, "zaoyin", "夜里广场舞声音太大",
                                         extra: #","channel":"hotline","reporterName":"王先生","reporterPhone":"13912345678""#)
            let other = try await file(app, as: "gt01_grid", at: compound, "huanjing", "垃圾没人收")
            func found(_ q: String, _ more: String = "") async throws -> [String] {
                let escaped = q.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? q
                return try await queue(app, "to_accept", as: "gt01_community", "&q=\(escaped)\(more)").ids
            }
            // check
            #expect(try await found(hotline.number) == [hotline.id])
            #expect(try await found("广场舞") == [hotline.id])
            #expect(try await found("13912345678") == [hotline.id])
            #expect(try await found("1391234").isEmpty)
            #expect(Set(try await found(compound.name)) == [hotline.id, other.id])
            #expect(try await found("", "&channel=patrol") == [other.id])
            #expect(try await found("", "&category=zaoyin&handler=grid") == [hotline.id])
            #expect(try await found("", "&from=2000-01-01&to=2000-01-02").isEmpty)
            let page = try await WebSession.login(app, "gt01_community").get("/cases?queue=to_accept&q=\(hotline.number)")
            #expect(page.text.contains(hotline.number) && !page.text.contains(other.number))
            // the place filter offers the community's grids and narrows to one
            let grid = try await app.node("YT-GT-01-G01")
            #expect(page.text.contains("<option value=\"\(grid.id!)\">\(grid.name)</option>"))
            #expect(Set(try await found("", "&node=YT-GT-01-G01")) == [hotline.id, other.id])
            #expect(try await found("", "&node=YT-GT-01-G02").isEmpty)
        }
    }
}
