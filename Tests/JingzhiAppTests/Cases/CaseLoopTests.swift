import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The closed loop through the API: intake, dispatch, escalation to a department, an unsatisfied rating,
/// the return visit, and closing — plus the refusals on the way.
@Suite struct CaseLoopTests {
    /// The resident_demo's compound, where a case about their home is filed.
    func homeCompound(_ app: Application) async throws -> OrgNode {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
        let resident = try #require(try await Resident.find(user.residentID, on: app.db))
        let node = try #require(try await OrgNode.find(resident.nodeID, on: app.db))
        let chain = try await OrgService(db: app.db, now: Date()).ancestors(of: node)
        return try #require(chain.last { $0.kind == .compound })
    }

    func submit(_ app: Application, token: String, node: OrgNode, key: String? = nil, category: String = "sheshi") async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/cases", token: token,
                          json: #"{"categoryCode":"\#(category)","nodeId":"\#(node.id!)","description":"楼道灯坏了，晚上看不见"}"#,
                          headers: key.map { ["Idempotency-Key": $0] } ?? [:])
    }

    func act(_ app: Application, _ id: String, _ action: String, as user: String, _ json: String = "{}") async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/cases/\(id)/actions/\(action)", token: try await app.token(user), json: json)
    }

    @Test func aCaseRunsTheWholeLoopWithEscalationAndAReturnVisit() async throws {
        try await withDemoApp { app in
            // setup
            let resident = try await app.token("resident_demo")
            let compound = try await homeCompound(app)
            // act: intake
            let created = try await submit(app, token: resident, node: compound)
            #expect(created.status == .created)
            let body = try created.json()
            let id = try #require(body["id"] as? String)
            #expect((body["number"] as? String)?.hasPrefix("YT") == true)
            #expect(body["state"] as? String == "submitted")
            // the loop
            let steps: [(String, String, String, String)] = [
                ("accept", "gt01_community", "{}", "accepted"),
                ("dispatch", "gt01_community", #"{"level":"grid"}"#, "dispatched"),
                ("start", "gt01_grid", "{}", "in_progress"),
                ("escalate", "gt01_grid", #"{"note":"需要社区协调物业"}"#, "escalated"),
                ("dispatch", "gt01_community", #"{"level":"community"}"#, "dispatched"),
                ("escalate", "gt01_community", #"{"note":"需街道协调"}"#, "escalated"),
                ("escalate", "gt_street", #"{"note":"街呼县应：住建局"}"#, "escalated"),
                ("hand_back", "dept_zhujian", #"{"level":"community","note":"属物业维修范围"}"#, "dispatched"),
                ("reply", "gt01_community", #"{"note":"已更换灯具"}"#, "replied"),
                ("rate", "resident_demo", #"{"rating":"unsatisfied","note":"只换了一层"}"#, "reopened"),
                ("start", "gt01_community", "{}", "in_progress"),
                ("reply", "gt01_community", #"{"note":"回访后全部楼层已更换"}"#, "replied"),
                ("rate", "resident_demo", #"{"rating":"satisfied"}"#, "closed"),
            ]
            for (action, user, json, expected) in steps {
                let res = try await act(app, id, action, as: user, json)
                #expect(res.status == .ok, "\(action) by \(user): \(res.text)")
                #expect(try res.json()["state"] as? String == expected, "\(action) by \(user)")
            }
            // check: the whole history, in order, with who did it
            let final = try await app.api(.GET, "/api/v1/cases/\(id)", token: resident)
            let json = try final.json()
            let history = try #require(json["history"] as? [[String: Any]])
            #expect(history.map { $0["toState"] as? String } == ["submitted"] + steps.map(\.3))
            #expect(json["reopenedCount"] as? Int == 1)
            #expect(json["rating"] as? String == "satisfied")
            #expect((json["deadlines"] as? [String: Any])?["resolutionDueAt"] != nil)
        }
    }

    @Test func illegalMovesAreRefusedWithAReason() async throws {
        try await withDemoApp { app in
            // setup
            let id = try #require(try await submit(app, token: try await app.token("resident_demo"), node: try await homeCompound(app)).json()["id"] as? String)
            // act + check: rating a case nobody has answered
            let rate = try await act(app, id, "rate", as: "resident_demo", #"{"rating":"satisfied"}"#)
            #expect(rate.status == .conflict)
            #expect(rate.errorCode == "illegal_transition")
            // a grid worker may not close cases at all
            #expect(try await act(app, id, "close", as: "gt01_grid").status == .forbidden)
            // replying before anyone accepted it
            let reply = try await act(app, id, "reply", as: "gt01_community", #"{"note":"好了"}"#)
            #expect(reply.status == .conflict)
            // escalating without a reason
            _ = try await act(app, id, "accept", as: "gt01_community")
            let escalate = try await act(app, id, "escalate", as: "gt01_community")
            #expect(escalate.status == .unprocessableEntity)
            #expect(escalate.errorField == "note")
            // unknown action
            #expect(try await act(app, id, "teleport", as: "gt01_community").status == .notFound)
            // nothing of the refused moves reached the history
            let history = try #require(try await app.api(.GET, "/api/v1/cases/\(id)", token: try await app.token("gt01_community")).json()["history"] as? [[String: Any]])
            #expect(history.count == 2)
        }
    }

    @Test func aRetriedSubmitMakesOneCase() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("resident_demo")
            let node = try await homeCompound(app)
            // act
            let first = try await submit(app, token: token, node: node, key: "retry-123")
            let second = try await submit(app, token: token, node: node, key: "retry-123")
            // check
            #expect(first.status == .created)
            #expect(second.status == .ok)
            #expect(try first.json()["id"] as? String == second.json()["id"] as? String)
            #expect(try await Case.query(on: app.db).count() == 1)
            #expect(try await CaseEvent.query(on: app.db).count() == 1)
        }
    }

    @Test func aStalePageIsToldTheCaseChanged() async throws {
        try await withDemoApp { app in
            // setup: two workers loaded version 1
            let id = try #require(try await submit(app, token: try await app.token("resident_demo"), node: try await homeCompound(app)).json()["id"] as? String)
            // act
            let first = try await act(app, id, "accept", as: "gt01_community", #"{"version":1}"#)
            let second = try await act(app, id, "reject", as: "gt_street", #"{"version":1,"note":"重复"}"#)
            // check
            #expect(first.status == .ok)
            #expect(second.status == .conflict)
            #expect(second.errorCode == "case_changed")
            #expect(try await Case.find(UUID(uuidString: id), on: app.db)?.state == .accepted)
        }
    }

    @Test func casesStayInsideScopeAndResidentsSeeOnlyTheirOwn() async throws {
        try await withDemoApp { app in
            // setup: a case in 古亭社区
            let id = try #require(try await submit(app, token: try await app.token("resident_demo"), node: try await homeCompound(app)).json()["id"] as? String)
            // act + check
            #expect(try await app.api(.GET, "/api/v1/cases/\(id)", token: try await app.token("bh01_community")).status == .notFound)
            #expect(try await act(app, id, "accept", as: "bh01_community").status == .notFound)
            #expect(try await app.api(.GET, "/api/v1/cases/\(id)", token: try await app.token("gt_street")).status == .ok)
            let list = try await app.api(.GET, "/api/v1/cases", token: try await app.token("bh01_community"))
            #expect(try list.json()["total"] as? Int == 0)
        }
    }

    @Test func badSubmissionsAreRefusedAndWriteNothing() async throws {
        try await withDemoApp { app in
            // setup
            let token = try await app.token("gt01_community")
            let node = try await homeCompound(app)
            let foreign = try await app.node("YT-BH-01")
            // act + check
            let unknown = try await submit(app, token: token, node: node, category: "nope")
            #expect(unknown.status == .unprocessableEntity && unknown.errorField == "categoryCode")
            let empty = try await app.api(.POST, "/api/v1/cases", token: token, json: #"{"categoryCode":"sheshi","nodeId":"\#(node.id!)","description":"  "}"#)
            #expect(empty.status == .unprocessableEntity && empty.errorField == "description")
            let outside = try await submit(app, token: token, node: foreign)
            #expect(outside.status == .notFound && outside.errorField == "nodeId")
            #expect(try await Case.query(on: app.db).count() == 0)
        }
    }

    @Test func workingHourDeadlinesSkipNightsAndWeekends() {
        // Friday 2026-11-27 16:30 Shanghai + 2 working hours → Monday 2026-11-30 09:30.
        let friday = ISO8601DateFormatter().date(from: "2026-11-27T08:30:00Z")!
        let due = Deadlines.due(from: friday, hours: 2, workingHours: true)
        #expect(ShanghaiTime.format(due) == "2026-11-30 09:30")
        // Calendar hours just add.
        #expect(Deadlines.due(from: friday, hours: 2, workingHours: false) == friday.addingTimeInterval(7200))
        // Saturday night + 1 working hour → Monday 09:30.
        let saturday = ISO8601DateFormatter().date(from: "2026-11-28T14:00:00Z")!
        #expect(ShanghaiTime.format(Deadlines.due(from: saturday, hours: 1, workingHours: true)) == "2026-11-30 09:30")
    }
}
