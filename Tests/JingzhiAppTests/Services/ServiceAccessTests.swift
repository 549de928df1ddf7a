import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Who sees and moves applications and keeps the catalogue: every refusal is what the person would see.
@Suite struct ServiceAccessTests {
    @Test func staffOfAnotherCommunityDoNotSeeItAndGridWorkersCannotDecide() async throws {
        try await withDemoApp { app in
            // setup
            let id = try await ServiceFixture.applied(app)
            // act
            let other = try await app.api(.GET, "/api/v1/services/applications/\(id)", token: try await app.token("bh01_community"))
            let otherAct = try await ServiceFixture.act(app, id, "accept", as: "bh01_community")
            let otherPage = try await WebSession.login(app, "bh01_community").get("/services/applications/\(id)")
            let worker = try await ServiceFixture.act(app, id, "approve", as: "gt01_grid")
            let workerSees = try await app.api(.GET, "/api/v1/services/applications/\(id)", token: try await app.token("gt01_grid"))
            let partner = try await app.api(.GET, "/api/v1/services/applications/\(id)", token: try await app.token("partner_demo"))
            let deptList = try await app.api(.GET, "/api/v1/services/applications", token: try await app.token("dept_zhujian"))
            let selfApprove = try await ServiceFixture.act(app, id, "approve", as: "resident_demo")
            let tooEarly = try await ServiceFixture.act(app, id, "approve")
            let noReason = try await ServiceFixture.act(app, id, "reject")
            let noMissing = try await ServiceFixture.act(app, id, "request-more")
            let stale = try await ServiceFixture.act(app, id, "accept", json: #"{"version":7}"#)
            // check
            #expect(other.status == .notFound && otherAct.status == .notFound && otherPage.status == .notFound)
            #expect(worker.status == .forbidden, "a grid worker follows but does not decide")
            #expect(workerSees.status == .ok)
            #expect(partner.status == .notFound && deptList.status == .forbidden)
            #expect(selfApprove.status == .forbidden)
            #expect(tooEarly.status == .conflict && tooEarly.errorCode == "illegal_transition")
            #expect(noReason.status == .unprocessableEntity && noReason.errorField == "note")
            #expect(noMissing.status == .unprocessableEntity && noMissing.errorField == "missing")
            #expect(stale.status == .conflict && stale.errorCode == "service_application_changed")
            #expect(try await ServiceFixture.load(app, id).state == .submitted)
        }
    }

    @Test func aGridWorkerAppliesForAResidentOfTheirGridOnlyAndTheResidentSeesIt() async throws {
        try await withDemoApp { app in
            // setup
            let inside = try await app.resident(under: "YT-GT-01-G01")
            let outside = try await app.resident(under: "YT-GT-02")
            // act
            let proxied = try await ServiceFixture.apply(app, as: "gt01_grid", code: "DBCS", residentID: inside.id)
            let elsewhere = try await ServiceFixture.apply(app, as: "gt01_grid", code: "DBCS", residentID: outside.id)
            let noResident = try await ServiceFixture.apply(app, as: "gt01_grid", code: "DBCS")
            let byPartner = try await ServiceFixture.apply(app, as: "partner_demo", code: "DBCS", residentID: inside.id)
            let forOther = try await ServiceFixture.apply(app, as: "resident_demo", code: "DBCS", residentID: outside.id)
            let list = try await app.api(.GET, "/api/v1/services/applications", token: try await app.token("gt01_grid"))
            // check
            #expect(try proxied.status == .created && (try proxied.json()["proxy"] as? Bool) == true)
            #expect(elsewhere.status == .notFound && forOther.status == .notFound)
            #expect(noResident.status == .unprocessableEntity && noResident.errorField == "residentId")
            #expect(byPartner.status == .forbidden)
            #expect((try list.json()["total"] as? Int) == 1)
        }
    }

    @Test func onlyAdminsAndStaffKeepTheCatalogue() async throws {
        try await withDemoApp { app in
            // setup
            let admin = try await app.token("admin")
            let body = #"{"code":"HJZM","name":"火化证明","description":"出具火化证明","eligibility":"逝者家属","materials":["死亡证明"],"deadlineDays":2}"#
            // act
            let byStaff = try await app.api(.POST, "/api/v1/services/matters", token: try await app.token("gt01_grid"), json: body)
            let badDays = try await app.api(.POST, "/api/v1/services/matters", token: admin, json: body.replacingOccurrences(of: #""deadlineDays":2"#, with: #""deadlineDays":0"#))
            let noMaterials = try await app.api(.POST, "/api/v1/services/matters", token: admin, json: body.replacingOccurrences(of: #"["死亡证明"]"#, with: "[]"))
            let made = try await app.api(.POST, "/api/v1/services/matters", token: admin, json: body)
            let taken = try await app.api(.POST, "/api/v1/services/matters", token: admin, json: body)
            let id = try #require(try made.json()["id"] as? String)
            let retired = try await app.api(.PUT, "/api/v1/services/matters/\(id)", token: admin, json: body.replacingOccurrences(of: "}", with: #","active":false}"#))
            let residentView = try await app.api(.GET, "/api/v1/services/matters", token: try await app.token("resident_demo"))
            let applyRetired = try await app.api(.POST, "/api/v1/services/applications", token: try await app.token("resident_demo"),
                                                 json: #"{"matterId":"\#(id)","materials":[{"material":"死亡证明","data":"\#(ServiceFixture.png)"}]}"#)
            // check
            #expect(byStaff.status == .forbidden)
            #expect(badDays.status == .unprocessableEntity && badDays.errorField == "deadlineDays")
            #expect(noMaterials.status == .unprocessableEntity && noMaterials.errorField == "materials")
            #expect(made.status == .created && taken.status == .conflict && taken.errorCode == "code_taken")
            #expect(try retired.status == .ok && (try retired.json()["active"] as? Bool) == false)
            #expect(!(try residentView.jsonArray().contains { $0["code"] as? String == "HJZM" }))
            #expect(applyRetired.status == .notFound)
            #expect(try await AuditEntry.query(on: app.db).filter(\.$entity == "service_matter").count() >= 8)
        }
    }
}
