import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Residents raise needs from the phone for their compound or a group by tag; the community reviews them before they
/// are on the list.
@Suite struct NeedRaiseTests {
    static func raise(_ app: Application, tag: String? = nil, as username: String = "resident_demo") async throws -> TestingHTTPResponse {
        let t = tag.map { #","forTag":"\#($0)""# } ?? ""
        return try await app.api(.POST, "/api/v1/needs", token: try await app.token(username), json: """
            {"title":"楼道灯坏了想请人修","category":"service","quantity":1,"unit":"次","dueDay":"2026-12-20"\(t)}
            """)
    }

    @Test func aResidentsNeedWaitsForReviewAndIsForTheirCompound() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            try await PartnerFixture.partner(app)
            // act
            let raised = try await Self.raise(app)
            let id = try PartnerFixture.id(raised)
            let mine = try await app.api(.GET, "/api/v1/needs", token: try await app.token("resident_demo"))
            let partnerBefore = try await app.api(.GET, "/api/v1/needs", token: try await app.token("partner_demo"))
            let staffProposed = try await app.api(.GET, "/api/v1/needs?state=proposed", token: try await app.token("gt01_community"))
            let byGrid = try await app.api(.POST, "/api/v1/needs/\(id)/accept", token: try await app.token("gt01_grid"))
            let byResident = try await app.api(.POST, "/api/v1/needs/\(id)/accept", token: try await app.token("resident_demo"))
            let otherStreet = try await app.api(.POST, "/api/v1/needs/\(id)/accept", token: try await app.token("bh01_community"))
            let accepted = try await app.api(.POST, "/api/v1/needs/\(id)/accept", token: try await app.token("gt01_community"), json: #"{"claimable":true}"#)
            let twice = try await app.api(.POST, "/api/v1/needs/\(id)/decline", token: try await app.token("gt01_community"), json: #"{"note":"重复"}"#)
            let partnerAfter = try await app.api(.GET, "/api/v1/needs", token: try await app.token("partner_demo"))
            // check
            #expect(raised.status == .created, "\(raised.text)")
            let body = try raised.json()
            #expect(body["state"] as? String == "proposed" && body["source"] as? String == "resident" && body["claimable"] as? Bool == false)
            let need = try #require(try await Need.find(id, on: app.db))
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let resident = try #require(try await Resident.find(user.residentID, on: app.db))
            let node = try #require(try await OrgNode.find(need.nodeID, on: app.db))
            #expect(resident.nodePath.hasPrefix(need.nodePath), "the need is for the resident's own place")
            #expect(need.forWhom == node.name && need.raisedBy != nil)
            #expect(try mine.json()["total"] as? Int == 1)
            #expect(!partnerBefore.text.contains("楼道灯坏了"), "not on the list before the review")
            #expect(staffProposed.text.contains("楼道灯坏了"))
            #expect(byGrid.status == .forbidden && byResident.status == .forbidden && otherStreet.status == .notFound)
            #expect(try accepted.status == .ok && (try accepted.json()["state"] as? String) == "open" && (try accepted.json()["claimable"] as? Bool) == true)
            #expect(twice.status == .conflict)
            #expect(partnerAfter.text.contains("楼道灯坏了"))
            #expect(try await LifecycleEvent.history("need", id, on: app.db).map(\.action) == ["accept"])
        }
    }

    @Test func aNeedForAGroupByTagIsForTheCommunityAndADeclineKeepsTheReason() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            // act
            let badTag = try await Self.raise(app, tag: "大款")
            let grid = try await Self.raise(app, as: "gt01_grid")
            let tagged = try await Self.raise(app, tag: "独居老人")
            let id = try PartnerFixture.id(tagged)
            let noReason = try await app.api(.POST, "/api/v1/needs/\(id)/decline", token: try await app.token("gt01_community"), json: "{}")
            let declined = try await app.api(.POST, "/api/v1/needs/\(id)/decline", token: try await app.token("gt01_community"),
                                             json: #"{"note":"已由物业统一维修"}"#)
            let page = try await WebSession.login(app, "resident_demo").get("/my-needs")
            // check
            #expect(badTag.status == .unprocessableEntity && badTag.errorField == "forTag")
            #expect(grid.status == .unprocessableEntity && grid.errorField == "forWhom", "staff and grid workers name a place or a group")
            #expect(tagged.status == .created, "\(tagged.text)")
            let need = try #require(try await Need.find(id, on: app.db))
            let node = try #require(try await OrgNode.find(need.nodeID, on: app.db))
            #expect(node.kind == .community && need.forTag == "独居老人" && need.forWhom.contains("独居老人"))
            #expect(noReason.status == .unprocessableEntity && noReason.errorField == "note")
            #expect(try declined.status == .ok && (try declined.json()["state"] as? String) == "declined")
            #expect(page.status == .ok && page.text.contains("已由物业统一维修") && page.text.contains("未采纳"))
        }
    }

    @Test func theStaffPageReviewsAndTheResidentsPageRaises() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            _ = try await Self.raise(app)
            // act
            let staff = try await WebSession.login(app, "gt01_community").get("/partner-lists/needs?state=proposed")
            let residentList = try await WebSession.login(app, "resident_demo").get("/partner-lists/needs")
            let form = try await WebSession.login(app, "resident_demo").get("/my-needs")
            // check
            #expect(staff.status == .ok && staff.text.contains("楼道灯坏了") && staff.text.contains("采纳") && staff.text.contains("不采纳"))
            #expect(residentList.status == .seeOther || residentList.status == .found, "a resident is sent to their own needs")
            #expect(form.status == .ok && form.text.contains("提交给社区") && form.text.contains("独居老人"))
        }
    }
}
