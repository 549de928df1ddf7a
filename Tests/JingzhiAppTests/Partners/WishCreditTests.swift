import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A confirmed wish gives its claimer service hours (a confirmed log for the 双报到 report), points when they are a
/// resident of the area (once, by the source ref), and a message; the hours they entered at the hand-over count.
@Suite struct WishCreditTests {
    static let start = ISOTime.parse("2026-12-01T10:00:00+08:00")!

    static func user(_ app: Application, _ name: String) async throws -> User {
        try #require(try await User.query(on: app.db).filter(\.$username == name).first())
    }

    static func messages(_ app: Application, _ name: String) async throws -> [String] {
        let u = try await user(app, name)
        return try await JingzhiApp.Notification.query(on: app.db).filter(\.$userID == u.id!).all().map(\.text)
    }

    @Test func aMemberWhoseGiftWentThroughTheGridWorkerEntersHoursAndEarnsALogPointsAndAMessageOnce() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.start)
            try await PartnerFixture.partner(app)
            try await PartnerFixture.registerMember(app)
            let wish = try await PartnerFixture.wish(app)
            #expect(try await PartnerFixture.claim(app, wish, as: "resident_demo").status == .ok)
            let member = try await app.token("resident_demo"), staff = try await app.token("gt01_community")
            _ = try await app.api(.POST, "/api/v1/wishes/\(wish)/receive", token: try await app.token("gt01_grid"))
            // act
            let zero = try await app.api(.POST, "/api/v1/wishes/\(wish)/hours", token: member, json: #"{"hours":0}"#)
            let tooMany = try await app.api(.POST, "/api/v1/wishes/\(wish)/hours", token: member, json: #"{"hours":24.5}"#)
            let notClaimer = try await app.api(.POST, "/api/v1/wishes/\(wish)/hours", token: try await app.token("partner_demo"), json: #"{"hours":2}"#)
            let entered = try await app.api(.POST, "/api/v1/wishes/\(wish)/hours", token: member, json: #"{"hours":2.5}"#)
            let claimerPage = try await WebSession.login(app, "resident_demo").get("/wishes/\(wish)")
            _ = try await PartnerFixture.handOver(app, wish, as: "gt01_grid")
            let otherCommunity = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: try await app.token("bh01_community"))
            let confirmed = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: staff)
            let again = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: staff)
            // A retry of the crediting itself writes no second log and pays no second time.
            let claim = try #require(try await WishClaim.query(on: app.db).filter(\.$wishID == wish).first())
            let w = try #require(try await Wish.find(wish, on: app.db))
            let staffActor = try await Actor.load(try await Self.user(app, "gt01_community"), on: app.db, now: app.clock.now())
            let repaid = try await WishService.credit(claim, w, by: staffActor, source: .system(), now: app.clock.now(), on: app.db)
            let report = try await app.api(.GET, "/api/v1/partners/report?year=2026", token: staff)
            // check
            #expect(zero.status == .unprocessableEntity && zero.errorField == "hours")
            #expect(tooMany.status == .unprocessableEntity && tooMany.errorField == "hours")
            #expect(notClaimer.status == .forbidden)
            #expect(try entered.status == .ok && entered.json()["hours"] as? Double == 2.5, "\(entered.text)")
            #expect(claimerPage.text.contains("我花了多少小时") && claimerPage.text.contains("value=\"2.5\""))
            #expect(otherCommunity.status == .forbidden, "another community's staff confirm nothing")
            #expect(confirmed.status == .ok, "\(confirmed.text)")
            #expect(again.status == .conflict)
            #expect(repaid == 0)
            let logs = try await ServiceLog.query(on: app.db).filter(\.$unit == "县财政局机关党支部").all()
            #expect(logs.count == 1 && logs[0].state == .confirmed && logs[0].tenths == 25 && !logs[0].forWhom.contains(PartnerFixture.person))
            let paid = try await PointsEntry.query(on: app.db).filter(\.$sourceRef == "wish:\(wish.uuidString)").all()
            #expect(paid.count == 1 && paid[0].points == WishService.points)
            let told = try await Self.messages(app, "resident_demo")
            #expect(told.count == 1 && told[0].contains("一套新书包") && told[0].contains("2.5 小时") && told[0].contains("\(WishService.points) 积分"))
            let line = try #require(try report.jsonArray().first { $0["unit"] as? String == "县财政局机关党支部" })
            #expect(line["hours"] as? Double == 2.5 && line["claimsFulfilled"] as? Int == 1)
        }
    }

    @Test func aPartnerIsToldOfAReturnedPhotoEarnsAnHourWithoutPointsAndCannotEnterHoursOnceRetired() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.start)
            let partner = try await PartnerFixture.partner(app)
            let wish = try await PartnerFixture.wish(app), second = try await PartnerFixture.wish(app)
            let staff = try await app.token("gt01_community"), token = try await app.token("partner_demo")
            _ = try await PartnerFixture.claim(app, wish)
            _ = try await PartnerFixture.claim(app, second)
            // act
            _ = try await PartnerFixture.handOver(app, wish)
            let rejected = try await app.api(.POST, "/api/v1/wishes/\(wish)/reject", token: staff, json: #"{"note":"照片看不清"}"#)
            let badQuery = try await PartnerFixture.handOver(app, wish, query: "?hours=30")
            let stillClaimed = try #require(try await Wish.find(wish, on: app.db)).state
            _ = try await PartnerFixture.handOver(app, wish)
            let confirmed = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: staff)
            let retired = try await app.api(.POST, "/api/v1/partners/\(partner)/retire", token: staff, json: #"{"note":"协议期内多次未履约"}"#)
            let afterRetire = try await app.api(.POST, "/api/v1/wishes/\(second)/hours", token: token, json: #"{"hours":1}"#)
            // check
            #expect(rejected.status == .ok && confirmed.status == .ok, "\(confirmed.text)")
            #expect(badQuery.status == .unprocessableEntity && badQuery.errorField == "hours" && stillClaimed == .claimed)
            let told = try await Self.messages(app, "partner_demo")
            #expect(told.contains { $0.contains("被社区退回") && $0.contains("照片看不清") })
            #expect(told.contains { $0.contains("已由社区确认实现") && $0.contains("1 小时") && !$0.contains("积分") })
            let logs = try await ServiceLog.query(on: app.db).filter(\.$unit == "孝贤大食堂").all()
            #expect(logs.count == 1 && logs[0].tenths == 10 && logs[0].state == .confirmed)
            #expect(try await PointsEntry.query(on: app.db).filter(\.$sourceRef == "wish:\(wish.uuidString)").count() == 0, "a partner has no points account")
            #expect(retired.status == .ok, "\(retired.text)")
            #expect(afterRetire.status == .forbidden && afterRetire.errorCode == "partner_inactive")
        }
    }
}
