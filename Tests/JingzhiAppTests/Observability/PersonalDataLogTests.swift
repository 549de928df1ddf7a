import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The PIPL access log: who was shown an unmasked ID number or phone, by subject id, never the number.
@Suite struct PersonalDataLogTests {
    func entries(_ app: Application) async throws -> [PersonalDataAccess] {
        try await PersonalDataAccess.query(on: app.db).sort(\.$at).all()
    }

    /// A resident with phone and ID number where this account works.
    func resident(_ app: Application, seenBy username: String) async throws -> Resident {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == username).first())
        let node = try #require(try await OrgNode.find(user.nodeID, on: app.db))
        return try #require(try await Resident.query(on: app.db).within(DataScope(rootPath: node.path))
            .filter(\.$phone != nil).filter(\.$idNumber != nil).sort(\.$nodePath).first())
    }

    /// resident_demo's compound, where a case about their home is filed.
    static func homeCompound(_ app: Application) async throws -> OrgNode {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
        let resident = try #require(try await Resident.find(user.residentID, on: app.db))
        let node = try #require(try await OrgNode.find(resident.nodeID, on: app.db))
        return try #require(try await OrgService(db: app.db, now: Date()).ancestors(of: node).last { $0.kind == .compound })
    }

    func act(_ app: Application, _ id: String, _ action: String, as user: String, _ json: String = "{}") async throws {
        let res = try await app.api(.POST, "/api/v1/cases/\(id)/actions/\(action)", token: try await app.token(user), json: json)
        #expect(res.status == .ok, "\(action) as \(user)")
    }

    @Test func revealingAPhoneWritesOneEntryAndAMaskedViewWritesNone() async throws {
        try await withDemoApp { app in
            // setup
            let resident = try await resident(app, seenBy: "gt01_grid")
            let grid = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_grid").first())
            let gridToken = try await app.token("gt01_grid")
            #expect(try await entries(app).isEmpty)
            // act: a grid worker sees phones in full, ID numbers masked
            let shown = try await app.api(.GET, "/api/v1/residents/\(resident.id!)", token: gridToken)
            // check
            #expect(shown.status == .ok)
            #expect(try shown.json()["phone"] as? String == resident.phone)
            let log = try await entries(app)
            #expect(log.count == 1)
            let e = try #require(log.first)
            #expect(e.viewerID == grid.id && e.viewerRole == "grid_worker")
            #expect(e.subjectKind == "resident" && e.subjectID == resident.id && e.subjectCount == 1)
            #expect(e.fields == "phone", "the ID number was masked, so it is not logged")
            #expect(e.page == "GET /api/v1/residents/:id")
            #expect(e.nodePath == resident.nodePath)
            #expect(e.requestID == shown.headers.first(name: .xRequestId))
            for text in [e.viewerName, e.page, e.fields, e.subjectKind] {
                #expect(!text.contains(resident.phone ?? "-") && !text.contains(resident.idNumber ?? "-"))
            }

            // act: a resident's case goes to a county department, whose staff see the reporter's phone masked
            let compound = try await Self.homeCompound(app)
            let filed = try await app.api(.POST, "/api/v1/cases", token: try await app.token("resident_demo"),
                                          json: #"{"categoryCode":"sheshi","nodeId":"\#(compound.id!)","description":"楼道灯坏了","reporterPhone":"13987654321"}"#)
            let caseID = try #require(try filed.json()["id"] as? String)
            try await act(app, caseID, "accept", as: "gt01_community")
            try await act(app, caseID, "dispatch", as: "gt01_community", #"{"level":"community"}"#)
            try await act(app, caseID, "escalate", as: "gt01_community", #"{"note":"需街道协调"}"#)
            try await act(app, caseID, "escalate", as: "gt_street", #"{"note":"街呼县应：住建局"}"#)
            let before = try await entries(app).count
            let dept = try await app.api(.GET, "/api/v1/cases/\(caseID)", token: try await app.token("dept_zhujian"))
            // check: masked, and nothing written
            #expect(dept.status == .ok)
            #expect(try dept.json()["reporterPhone"] as? String == "139****4321")
            #expect(try await entries(app).count == before)
            // and the street staff who see it in full are logged once per case, however often the page shows it
            let page = try await WebSession.login(app, "gt_street").get("/cases/\(caseID)")
            #expect(page.text.contains("13987654321"))
            let last = try await entries(app).filter { $0.subjectID?.uuidString.lowercased() == caseID.lowercased() && $0.page == "GET /cases/:id" }
            #expect(last.count == 1 && last.first?.subjectKind == "case_reporter" && last.first?.fields == "phone")
        }
    }

    @Test func theLogIsOnTheAuditPageAndInTheAPIForThoseWhoMayReadTheAuditOnly() async throws {
        try await withDemoApp { app in
            // setup: a community worker opens a resident in full
            let resident = try await resident(app, seenBy: "gt01_community")
            _ = try await app.api(.GET, "/api/v1/residents/\(resident.id!)", token: try await app.token("gt01_community"))
            // act
            let admin = try await app.token("admin")
            let list = try await app.api(.GET, "/api/v1/audit/personal-data?subjectId=\(resident.id!)&field=id_number", token: admin)
            let none = try await app.api(.GET, "/api/v1/audit/personal-data?viewer=nobody-like-this", token: admin)
            let bad = try await app.api(.GET, "/api/v1/audit/personal-data?field=name", token: admin)
            let grid = try await app.api(.GET, "/api/v1/audit/personal-data", token: try await app.token("gt01_grid"))
            let someone = try await app.api(.GET, "/api/v1/audit/personal-data", token: try await app.token("resident_demo"))
            let page = try await WebSession.login(app, "admin").get("/audit/personal-data?kind=resident")
            let trail = try await WebSession.login(app, "admin").get("/audit")
            let gridPage = try await WebSession.login(app, "gt01_grid").get("/audit/personal-data")
            // check
            let body = try list.json()
            #expect(body["total"] as? Int == 1)
            let item = try #require((body["items"] as? [[String: Any]])?.first)
            #expect(item["subjectId"] as? String == resident.id!.uuidString)
            #expect(item["fields"] as? [String] == ["id_number", "phone"])
            #expect(item["viewerRole"] as? String == "community_staff")
            #expect(try none.json()["total"] as? Int == 0)
            #expect(bad.status == .unprocessableEntity && bad.errorField == "field")
            #expect(grid.status == .forbidden, "grid workers see phones but may not read who saw what")
            #expect(someone.status == .forbidden)
            #expect(gridPage.status == .forbidden)
            #expect(page.status == .ok)
            #expect(page.text.contains("个人信息查看记录") && page.text.contains(resident.id!.uuidString.lowercased()))
            #expect(page.text.contains("GET /api/v1/residents/:id"))
            #expect(!page.text.contains(resident.idNumber ?? "-"), "the log never shows the number itself")
            #expect(trail.text.contains("/audit/personal-data"), "the audit page links its personal-data tab")
        }
    }
}
