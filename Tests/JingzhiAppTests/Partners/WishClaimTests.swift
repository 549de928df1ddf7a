import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Claiming micro-wishes: the reservation and its deadline, one winner among parallel claims, lapsing, fulfilment.
@Suite struct WishClaimTests {
    @Test func aClaimReservesTheWishWithADeadlineAndASecondClaimIsRefused() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            try await PartnerFixture.partner(app)
            try await PartnerFixture.registerMember(app)
            let wish = try await PartnerFixture.wish(app)
            // act
            let first = try await PartnerFixture.claim(app, wish)
            let second = try await PartnerFixture.claim(app, wish, as: "resident_demo")
            // check
            #expect(first.status == .ok, "\(first.text)")
            let body = try first.json()
            #expect(body["state"] as? String == "claimed")
            #expect(body["claimDeadline"] as? String == "2026-12-08T02:00:00Z", "seven days after the claim")
            #expect(second.status == .conflict && second.errorCode == "already_claimed")
            #expect(try await WishClaim.query(on: app.db).count() == 1)
        }
    }

    @Test func ofParallelClaimsExactlyOneWins() async throws {
        try await withDemoApp { app in
            // setup: the partner and a registered party member claim the same wish many times at once
            try await PartnerFixture.partner(app)
            try await PartnerFixture.registerMember(app)
            let wish = try await PartnerFixture.wish(app)
            let tokens = [try await app.token("partner_demo"), try await app.token("resident_demo")]
            // act
            let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                for i in 0..<12 {
                    group.addTask { try await app.api(.POST, "/api/v1/wishes/\(wish)/claim", token: tokens[i % 2]).status }
                }
                return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
            }
            // check
            #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
            #expect(statuses.filter { $0 == .conflict }.count == 11, "\(statuses)")
            #expect(try await WishClaim.query(on: app.db).count() == 1)
            let w = try #require(try await Wish.find(wish, on: app.db))
            #expect(w.state == .claimed && w.version == 2)
        }
    }

    @Test func aClaimNotFulfilledByItsDeadlineLapsesInTheSweepAndTheWishIsOpenAgain() async throws {
        try await withDemoApp { app in
            // setup
            let start = ISOTime.parse("2026-12-01T10:00:00+08:00")!
            app.clock.set(start)
            try await PartnerFixture.partner(app)
            try await PartnerFixture.registerMember(app)
            let wish = try await PartnerFixture.wish(app)
            #expect(try await PartnerFixture.claim(app, wish).status == .ok)
            // act: a day before the deadline nothing happens; just after it the claim lapses
            app.clock.set(start.addingTimeInterval(6 * 86400))
            let early = await PartnersScheduler.tick(app)
            app.clock.set(start.addingTimeInterval(7 * 86400 + 60))
            let due = await PartnersScheduler.tick(app)
            let again = await PartnersScheduler.tick(app)
            let afterLapse = try await app.api(.GET, "/api/v1/wishes/\(wish)", token: nil)
            let reclaim = try await PartnerFixture.claim(app, wish, as: "resident_demo")
            // check
            #expect(early == 0 && due == 1 && again == 0)
            #expect(try afterLapse.json()["state"] as? String == "open")
            #expect(reclaim.status == .ok, "another claimer may claim it now")
            let claims = try await WishClaim.query(on: app.db).sort(\.$claimedAt).all()
            #expect(claims.map(\.outcome) == ["lapsed", "active"])
            let history = try await LifecycleEvent.history("wish", wish, on: app.db).map(\.action)
            #expect(history == ["claim", "lapse", "claim"])
            // The lapsed claimer can no longer hand over.
            let late = try await PartnerFixture.handOver(app, wish)
            #expect(late.status == .forbidden && late.errorCode == "not_your_claim")
        }
    }

    @Test func fulfilmentNeedsAnImageAndTheCommunityConfirmsThenThanksAreShownAndPointsPaid() async throws {
        try await withDemoApp { app in
            // setup: a registered party member claims
            try await PartnerFixture.partner(app)
            try await PartnerFixture.registerMember(app)
            let wish = try await PartnerFixture.wish(app)
            #expect(try await PartnerFixture.claim(app, wish, as: "resident_demo").status == .ok)
            let staff = try await app.token("gt01_community")
            // act
            let pdf = try await PartnerFixture.handOver(app, wish, as: "resident_demo", data: Data("%PDF-1.4 not a picture".utf8))
            let other = try await PartnerFixture.handOver(app, wish, as: "partner_demo")
            let early = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: staff)
            let handed = try await PartnerFixture.handOver(app, wish, as: "resident_demo")
            let byPartner = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: try await app.token("partner_demo"))
            let byOtherCommunity = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: try await app.token("bh01_community"))
            let confirmed = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: staff)
            let thanked = try await app.api(.POST, "/api/v1/wishes/\(wish)/thank", token: staff, json: #"{"thanks":"谢谢叔叔阿姨！"}"#)
            let wall = try await app.api(.GET, "/api/v1/wishes?state=fulfilled", token: nil)
            // check
            #expect(pdf.status == .unprocessableEntity && pdf.errorField == "photo")
            #expect(other.status == .forbidden, "only the claimer hands over")
            #expect(early.status == .conflict && early.errorCode == "illegal_transition")
            #expect(try handed.status == .ok && (handed.json()["state"] as? String) == "handed_over")
            #expect(byPartner.status == .forbidden && byOtherCommunity.status == .forbidden)
            #expect(try confirmed.status == .ok && (confirmed.json()["state"] as? String) == "fulfilled")
            #expect(thanked.status == .ok)
            let items = try #require(try wall.json()["items"] as? [[String: Any]])
            #expect(items.count == 1 && items[0]["thanks"] as? String == "谢谢叔叔阿姨！")
            let claim = try #require(try await WishClaim.query(on: app.db).first())
            #expect(claim.outcome == "fulfilled")
            let resident = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first()?.residentID)
            let paid = try await PointsEntry.query(on: app.db).filter(\.$sourceRef == "wish:\(wish.uuidString)").all()
            #expect(paid.count == 1 && paid[0].points == WishService.points)
            let account = try #require(try await PointsAccount.query(on: app.db).filter(\.$residentID == resident).first())
            #expect(account.balance == WishService.points)
        }
    }
}
