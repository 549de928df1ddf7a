import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// 三领 besides wishes: partners and registered party members claim volunteer posts and small requests; a claim holds
/// until its deadline, a second claim is refused, claims not done lapse, fulfilling logs the service.
@Suite struct TaskClaimTests {
    static let start = ISOTime.parse("2026-12-01T10:00:00+08:00")!

    /// A volunteer post of 古亭社区, set up by its staff.
    static func post(_ app: Application, title: String = "文明劝导岗") async throws -> UUID {
        let res = try await app.api(.POST, "/api/v1/points/volunteer-posts", token: try await app.token("gt01_community"),
                                    json: #"{"community":"YT-GT-01","title":"\#(title)","place":"幸福家园东门","duties":"周末劝导文明停车"}"#)
        #expect(res.status == .created, "\(res.text)")
        return try PartnerFixture.id(res)
    }

    /// A need of 古亭社区's first grid, claimable unless told.
    static func need(_ app: Application, quantity: Int = 2, claimable: Bool = true) async throws -> TestingHTTPResponse {
        let node = try await app.node("YT-GT-01-G01")
        return try await app.api(.POST, "/api/v1/needs", token: try await app.token("gt01_community"), json: """
            {"title":"帮独居老人换灯泡","category":"service","quantity":\(quantity),"unit":"次","forWhom":"幸福家园独居老人","nodeId":"\(node.id!)",
             "dueDay":"2026-12-20","claimable":\(claimable)}
            """)
    }

    static func claim(_ app: Application, _ kind: String, _ id: UUID, as username: String) async throws -> TestingHTTPResponse {
        try await app.api(.POST, "/api/v1/claims", token: try await app.token(username), json: #"{"kind":"\#(kind)","targetId":"\#(id)"}"#)
    }

    @Test func aPartnerClaimsAVolunteerPostUntilADeadlineAndASecondClaimIsRefused() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.start)
            try await PartnerFixture.partner(app, categories: ["volunteers", "service"])
            try await PartnerFixture.registerMember(app)
            let post = try await Self.post(app)
            let openBefore = try await app.api(.GET, "/api/v1/claims/open", token: try await app.token("resident_demo"))
            // act
            let first = try await Self.claim(app, "post", post, as: "partner_demo")
            let second = try await Self.claim(app, "post", post, as: "resident_demo")
            let openAfter = try await app.api(.GET, "/api/v1/claims/open", token: try await app.token("resident_demo"))
            let residentVolunteerPage = try await app.api(.GET, "/api/v1/points/volunteer-posts?node=YT-GT-01", token: try await app.token("gt01_community"))
            // check
            #expect(first.status == .created, "\(first.text)")
            let body = try first.json()
            #expect(body["outcome"] as? String == "active" && body["kind"] as? String == "post")
            #expect(body["deadline"] as? String == "2026-12-08T02:00:00Z", "seven days after the claim")
            #expect(second.status == .conflict && second.errorCode == "already_claimed")
            #expect(try openBefore.jsonArray().contains { $0["id"] as? String == post.uuidString })
            #expect(try !openAfter.jsonArray().contains { $0["id"] as? String == post.uuidString })
            let p = try #require(try await VolunteerPost.find(post, on: app.db))
            #expect(p.postState == .claimed && p.holderName == "孝贤大食堂" && p.volunteerID == nil)
            #expect(residentVolunteerPage.text.contains("孝贤大食堂"))
            #expect(try await TaskClaim.query(on: app.db).count() == 1)
        }
    }

    @Test func aSmallRequestIsClaimedByAPartyMemberAndFulfillingItMeetsTheNeedAndLogsTheHours() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.start)
            try await PartnerFixture.partner(app)
            try await PartnerFixture.registerMember(app)
            let created = try await Self.need(app)
            let need = try PartnerFixture.id(created)
            let tooBig = try await Self.need(app, quantity: 50)
            let plain = try PartnerFixture.id(try await Self.need(app, claimable: false))
            // act
            let notClaimable = try await Self.claim(app, "need", plain, as: "resident_demo")
            let claimed = try await Self.claim(app, "need", need, as: "resident_demo")
            let byPartner = try await Self.claim(app, "need", need, as: "partner_demo")
            let claim = try PartnerFixture.id(claimed)
            let byOther = try await app.api(.POST, "/api/v1/claims/\(claim)/fulfil", token: try await app.token("partner_demo"), json: #"{"hours":2}"#)
            let badHours = try await app.api(.POST, "/api/v1/claims/\(claim)/fulfil", token: try await app.token("resident_demo"), json: #"{"hours":99}"#)
            let done = try await app.api(.POST, "/api/v1/claims/\(claim)/fulfil", token: try await app.token("resident_demo"),
                                         json: #"{"hours":1.5,"note":"换了两个灯泡"}"#)
            let again = try await app.api(.POST, "/api/v1/claims/\(claim)/fulfil", token: try await app.token("resident_demo"), json: #"{"hours":1}"#)
            // check
            #expect(try created.json()["claimable"] as? Bool == true)
            #expect(tooBig.status == .unprocessableEntity && tooBig.errorField == "claimable")
            #expect(notClaimable.status == .badRequest && notClaimable.errorCode == "not_claimable")
            #expect(claimed.status == .created && byPartner.status == .conflict && byPartner.errorCode == "already_claimed")
            #expect(byOther.status == .notFound, "another claimer's claim is not theirs to see")
            #expect(badHours.status == .unprocessableEntity && badHours.errorField == "hours")
            #expect(done.status == .ok, "\(done.text)")
            #expect(try done.json()["outcome"] as? String == "fulfilled")
            #expect(again.status == .conflict && again.errorCode == "claim_ended")
            let n = try #require(try await Need.find(need, on: app.db))
            #expect(n.state == .met && n.delivered == 0, "met by the claim, not by a delivery of a match")
            let logs = try await ServiceLog.query(on: app.db).all()
            #expect(logs.count == 1 && logs[0].tenths == 15 && logs[0].state == .logged && logs[0].unit == "县财政局机关党支部")
            #expect(logs[0].what.contains("帮独居老人换灯泡") && logs[0].what.contains("换了两个灯泡"))
            #expect(try await LifecycleEvent.history("need", need, on: app.db).map(\.action) == ["fulfil"])
        }
    }

    @Test func aClaimNotDoneByItsDeadlineLapsesAndThePostIsOpenAgain() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.start)
            try await PartnerFixture.partner(app, categories: ["volunteers"])
            try await PartnerFixture.registerMember(app)
            let post = try await Self.post(app)
            let claim = try PartnerFixture.id(try await Self.claim(app, "post", post, as: "partner_demo"))
            // act
            app.clock.set(Self.start.addingTimeInterval(6 * 86400))
            let early = await PartnersScheduler.tick(app)
            app.clock.set(Self.start.addingTimeInterval(7 * 86400 + 60))
            let late = try await app.api(.POST, "/api/v1/claims/\(claim)/fulfil", token: try await app.token("partner_demo"), json: #"{"hours":2}"#)
            let due = await PartnersScheduler.tick(app)
            let twice = await PartnersScheduler.tick(app)
            let reclaim = try await Self.claim(app, "post", post, as: "resident_demo")
            // check
            #expect(early == 0 && due == 1 && twice == 0)
            #expect(late.status == .conflict && late.errorCode == "claim_ended", "past the deadline it cannot be fulfilled")
            #expect(reclaim.status == .created, "the lapsed post is open to the next claimer: \(reclaim.text)")
            let claims = try await TaskClaim.query(on: app.db).sort(\.$claimedAt).all()
            #expect(claims.map(\.outcome) == ["lapsed", "active"] && claims[0].holdKey == nil)
            let p = try #require(try await VolunteerPost.find(post, on: app.db))
            #expect(p.postState == .claimed && p.holderName != nil && p.holderName != "孝贤大食堂", "held by the new claimer")
            #expect(try await ServiceLog.query(on: app.db).count() == 0)
        }
    }

    @Test func claimsAreRefusedToWhoMayNotClaimAndOutsideTheArea() async throws {
        try await withDemoApp { app in
            // setup: a partner whose agreement does not cover volunteers, a post, a request of another street
            app.clock.set(Self.start)
            let partner = try await PartnerFixture.partner(app, categories: ["goods"])
            let post = try await Self.post(app)
            let need = try PartnerFixture.id(try await Self.need(app))
            // act
            let outsideAgreement = try await Self.claim(app, "post", post, as: "partner_demo")
            let notAClaimer = try await Self.claim(app, "post", post, as: "gt01_grid")
            let badKind = try await app.api(.POST, "/api/v1/claims", token: try await app.token("partner_demo"), json: #"{"kind":"house","targetId":"\#(post)"}"#)
            let unknown = try await Self.claim(app, "need", UUID(), as: "partner_demo")
            _ = try await app.api(.POST, "/api/v1/partners/\(partner)/retire", token: try await app.token("gt01_community"), json: #"{"note":"退出"}"#)
            let retired = try await Self.claim(app, "need", need, as: "partner_demo")
            let openForResident = try await app.api(.GET, "/api/v1/claims/open", token: try await app.token("resident_demo"))
            // check
            #expect(outsideAgreement.status == .forbidden && outsideAgreement.errorCode == "outside_agreement")
            #expect(notAClaimer.status == .forbidden && notAClaimer.errorCode == "not_a_claimer")
            #expect(badKind.status == .unprocessableEntity && badKind.errorField == "kind")
            #expect(unknown.status == .notFound)
            #expect(retired.status == .forbidden && retired.errorCode == "partner_inactive")
            #expect(openForResident.status == .forbidden, "an unregistered resident is not a claimer")
            #expect(try await TaskClaim.query(on: app.db).count() == 0)
            #expect(try await VolunteerPost.find(post, on: app.db)?.postState == .open)
        }
    }

    @Test func staffOfTheAreaTakeAClaimBackAndOthersGet404() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.start)
            try await PartnerFixture.partner(app, categories: ["volunteers"])
            let post = try await Self.post(app)
            let claim = try PartnerFixture.id(try await Self.claim(app, "post", post, as: "partner_demo"))
            // act
            let otherStreet = try await app.api(.POST, "/api/v1/claims/\(claim)/release", token: try await app.token("bh01_community"))
            let otherList = try await app.api(.GET, "/api/v1/claims", token: try await app.token("bh01_community"))
            let staffList = try await app.api(.GET, "/api/v1/claims?state=active", token: try await app.token("gt01_community"))
            let staffPage = try await WebSession.login(app, "gt01_community").get("/claims")
            let back = try await app.api(.POST, "/api/v1/claims/\(claim)/release", token: try await app.token("gt01_community"))
            let partnerPage = try await WebSession.login(app, "partner_demo").get("/claims")
            // check
            #expect(otherStreet.status == .notFound)
            #expect(try otherList.json()["total"] as? Int == 0)
            #expect(try staffList.json()["total"] as? Int == 1)
            #expect(staffPage.status == .ok && staffPage.text.contains("文明劝导岗") && staffPage.text.contains("孝贤大食堂"))
            #expect(try back.status == .ok && (try back.json()["outcome"] as? String) == "released")
            #expect(try await VolunteerPost.find(post, on: app.db)?.postState == .open)
            #expect(partnerPage.status == .ok && partnerPage.text.contains("文明劝导岗") && partnerPage.text.contains("认领（7 天内完成）"))
            let audit = try await AuditEntry.query(on: app.db).filter(\.$entity == "task_claim").all().map(\.action).sorted()
            #expect(audit == ["claim", "released"])
        }
    }

    @Test func ofParallelClaimsOfARequestExactlyOneWins() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.start)
            try await PartnerFixture.partner(app)
            try await PartnerFixture.registerMember(app)
            let need = try PartnerFixture.id(try await Self.need(app))
            let tokens = [try await app.token("partner_demo"), try await app.token("resident_demo")]
            // act
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<10 {
                    group.addTask {
                        try await app.api(.POST, "/api/v1/claims", token: tokens[i % 2], json: #"{"kind":"need","targetId":"\#(need)"}"#).status
                    }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            // check
            #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 9, "\(statuses)")
            #expect(try await TaskClaim.query(on: app.db).filter(\.$outcome == "active").count() == 1)
        }
    }
}
