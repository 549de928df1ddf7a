import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Claims of posts and requests count in the 双报到 report; a post staff free on the Points side ends its claim; the
/// resident who raised a need is told of the review.
@Suite struct ClaimEndsTests {
    @Test func fulfilledPostsAndRequestsCountAsClaimsInTheReport() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(TaskClaimTests.start)
            try await PartnerFixture.partner(app, categories: ["volunteers", "service"])
            try await PartnerFixture.registerMember(app)
            let post = try await TaskClaimTests.post(app)
            let need = try PartnerFixture.id(try await TaskClaimTests.need(app))
            let onPost = try PartnerFixture.id(try await TaskClaimTests.claim(app, "post", post, as: "partner_demo"))
            let onNeed = try PartnerFixture.id(try await TaskClaimTests.claim(app, "need", need, as: "resident_demo"))
            // act
            let a = try await app.api(.POST, "/api/v1/claims/\(onPost)/fulfil", token: try await app.token("partner_demo"), json: #"{"hours":2}"#)
            let b = try await app.api(.POST, "/api/v1/claims/\(onNeed)/fulfil", token: try await app.token("resident_demo"), json: #"{"hours":1}"#)
            let report = try await app.api(.GET, "/api/v1/partners/report?year=2026", token: try await app.token("gt01_community"))
            let otherReport = try await app.api(.GET, "/api/v1/partners/report?year=2026", token: try await app.token("bh01_community"))
            // check
            #expect(a.status == .ok && b.status == .ok, "\(a.text) \(b.text)")
            let lines = try report.jsonArray()
            #expect(lines.first { $0["unit"] as? String == "孝贤大食堂" }?["claimsFulfilled"] as? Int == 1)
            #expect(lines.first { $0["unit"] as? String == "县财政局机关党支部" }?["claimsFulfilled"] as? Int == 1)
            #expect(try otherReport.jsonArray().allSatisfy { ($0["claimsFulfilled"] as? Int ?? 0) == 0 }, "another area's report counts none of them")
        }
    }

    @Test func staffFreeingAHeldPostOnThePointsSideReleasesTheClaimAndTellsTheClaimer() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(TaskClaimTests.start)
            try await PartnerFixture.partner(app, categories: ["volunteers", "service"])
            let post = try await TaskClaimTests.post(app)
            let claim = try PartnerFixture.id(try await TaskClaimTests.claim(app, "post", post, as: "partner_demo"))
            // act
            let otherStaff = try await app.api(.POST, "/api/v1/points/volunteer-posts/\(post)/release", token: try await app.token("bh01_community"))
            let byPartner = try await app.api(.POST, "/api/v1/points/volunteer-posts/\(post)/release", token: try await app.token("partner_demo"))
            let stillActive = try #require(try await TaskClaim.find(claim, on: app.db)).outcome
            let freed = try await app.api(.POST, "/api/v1/points/volunteer-posts/\(post)/release", token: try await app.token("gt01_community"))
            let fulfil = try await app.api(.POST, "/api/v1/claims/\(claim)/fulfil", token: try await app.token("partner_demo"), json: #"{"hours":1}"#)
            let reclaimed = try await TaskClaimTests.claim(app, "post", post, as: "partner_demo")
            // check
            #expect(otherStaff.status == .notFound)
            #expect(byPartner.status == .forbidden)
            #expect(stillActive == "active")
            #expect(freed.status == .ok, "\(freed.text)")
            let t = try #require(try await TaskClaim.find(claim, on: app.db))
            #expect(t.outcome == "released" && t.holdKey == nil && t.endedAt != nil)
            #expect(fulfil.status == .conflict && fulfil.errorCode == "claim_ended")
            #expect(reclaimed.status == .created, "the post can be claimed again: \(reclaimed.text)")
            let partner = try #require(try await User.query(on: app.db).filter(\.$username == "partner_demo").first())
            let told = try await JingzhiApp.Notification.query(on: app.db).filter(\.$userID == partner.id!).all().map(\.text)
            #expect(told.contains { $0.contains("社区收回") && $0.contains("文明劝导岗") })
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "task_claim").filter(\.$entityID == claim).all().map(\.action)
            #expect(audit.contains("released"))
        }
    }

    @Test func theResidentIsToldWhenTheirNeedIsAcceptedOrDeclined() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(TaskClaimTests.start)
            let first = try PartnerFixture.id(try await NeedRaiseTests.raise(app))
            let second = try PartnerFixture.id(try await NeedRaiseTests.raise(app))
            let staff = try await app.token("gt01_community")
            // act
            let otherStaff = try await app.api(.POST, "/api/v1/needs/\(first)/accept", token: try await app.token("bh01_community"))
            let accepted = try await app.api(.POST, "/api/v1/needs/\(first)/accept", token: staff)
            let declined = try await app.api(.POST, "/api/v1/needs/\(second)/decline", token: staff, json: #"{"note":"已由物业报修处理"}"#)
            let page = try await WebSession.login(app, "resident_demo").get("/notifications")
            // check
            #expect(otherStaff.status == .notFound && accepted.status == .ok && declined.status == .ok)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let told = try await JingzhiApp.Notification.query(on: app.db).filter(\.$userID == user.id!).sort(\.$createdAt).all()
            #expect(told.count == 2)
            #expect(told.contains { $0.kind == "need_accepted" && $0.text.contains("楼道灯坏了") })
            #expect(told.contains { $0.kind == "need_declined" && $0.text.contains("已由物业报修处理") })
            #expect(page.text.contains("已由物业报修处理"))
            let staffUser = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_community").first())
            #expect(try await JingzhiApp.Notification.query(on: app.db).filter(\.$userID == staffUser.id!).count() == 0)
        }
    }
}
