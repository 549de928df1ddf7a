import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Service logs, the community's confirmation and the 双报到 report per unit and year; the staff and phone pages.
@Suite struct ServiceLogTests {
    @Test func confirmedServiceAndFulfilledClaimsCountInTheYearsReport() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            try await PartnerFixture.partner(app)
            try await PartnerFixture.registerMember(app)
            let partner = try await app.token("partner_demo"), member = try await app.token("resident_demo")
            let staff = try await app.token("gt01_community")
            // act
            let a = try await app.api(.POST, "/api/v1/service-logs", token: partner, json: #"{"what":"为独居老人送餐","day":"2026-11-30","hours":2.5,"forWhom":"独居老人"}"#)
            let b = try await app.api(.POST, "/api/v1/service-logs", token: member, json: #"{"what":"政策宣讲","day":"2026-11-29","hours":1.5}"#)
            let future = try await app.api(.POST, "/api/v1/service-logs", token: member, json: #"{"what":"x","day":"2026-12-05","hours":1}"#)
            let tooLong = try await app.api(.POST, "/api/v1/service-logs", token: member, json: #"{"what":"x","day":"2026-11-29","hours":25}"#)
            let staffLogs = try await app.api(.POST, "/api/v1/service-logs", token: staff, json: #"{"what":"x","day":"2026-11-29","hours":1}"#)
            let byPartner = try await app.api(.POST, "/api/v1/service-logs/\(try PartnerFixture.id(a))/confirm", token: partner)
            let ca = try await app.api(.POST, "/api/v1/service-logs/\(try PartnerFixture.id(a))/confirm", token: staff)
            let rb = try await app.api(.POST, "/api/v1/service-logs/\(try PartnerFixture.id(b))/reject", token: staff, json: #"{"note":"当天无此活动"}"#)
            let wish = try await PartnerFixture.wish(app)
            _ = try await PartnerFixture.claim(app, wish)
            _ = try await PartnerFixture.handOver(app, wish)
            _ = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: staff)
            let report = try await app.api(.GET, "/api/v1/partners/report?year=2026", token: staff)
            let lastYear = try await app.api(.GET, "/api/v1/partners/report?year=2025", token: staff)
            let residentReport = try await app.api(.GET, "/api/v1/partners/report", token: member)
            // check
            #expect(a.status == .created && b.status == .created)
            #expect(future.status == .unprocessableEntity && future.errorField == "day")
            #expect(tooLong.status == .unprocessableEntity && tooLong.errorField == "hours")
            #expect(staffLogs.status == .forbidden)
            #expect(byPartner.status == .forbidden && ca.status == .ok && rb.status == .ok)
            let lines = try report.jsonArray()
            let line = try #require(lines.first { $0["unit"] as? String == "孝贤大食堂" })
            // The log, and the hour the confirmed wish earned (no hours entered: 1).
            #expect(line["hours"] as? Double == 3.5 && line["activities"] as? Int == 2 && line["claimsFulfilled"] as? Int == 1)
            #expect(!lines.contains { $0["unit"] as? String == "县财政局机关党支部" }, "a rejected log counts for nothing")
            #expect(try lastYear.jsonArray().isEmpty)
            #expect(residentReport.status == .forbidden)
        }
    }

    @Test func thePagesOfStaffPartnersAndResidentsOpen() async throws {
        try await withDemoApp { app in
            try await PartnerFixture.partner(app)
            let wish = try await PartnerFixture.wish(app)
            let staff = try await WebSession.login(app, "gt01_community")
            let partner = try await WebSession.login(app, "partner_demo")
            let resident = try await WebSession.login(app, "resident_demo")
            // act
            let staffPages = ["/partners", "/partners/new", "/partner-lists/needs", "/partner-lists/resources", "/partner-lists/projects", "/wishes",
                              "/service-logs", "/partners-report?year=2026"]
            var statuses: [String: HTTPStatus] = [:]
            for p in staffPages { statuses[p] = try await staff.get(p).status }
            let claimPage = try await partner.get("/wishes")
            let wishPage = try await partner.get("/wishes/\(wish)")
            let claimed = try await partner.post("/wishes/\(wish)/act/claim", [("showName", "1")])
            let afterClaim = try await partner.get("/wishes/\(wish)")
            let home = try await resident.get("/")
            let wall = try await resident.get("/wish-wall")
            let ours = try await WebSession(app).get("/our-partners")
            let residentStaffPage = try await resident.get("/partner-lists/projects")
            // check
            for (p, s) in statuses { #expect(s == .ok, "\(p)") }
            #expect(claimPage.text.contains("一套新书包") && wishPage.text.contains("认领这个心愿"))
            #expect(claimed.status == .seeOther || claimed.status == .found)
            #expect(afterClaim.text.contains("上传照片") && afterClaim.text.contains("放弃认领"))
            #expect(home.text.contains("/wish-wall") && home.text.contains("/our-partners"))
            #expect(wall.text.contains("孝贤大食堂"), "the claimer agreed to be named")
            #expect(ours.text.contains("孝贤大食堂") && ours.text.contains("老年助餐"))
            #expect(residentStaffPage.status == .forbidden)
        }
    }
}
