import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The hand-over through the grid worker as its own step: claimed → with the community → handed over with a photo →
/// confirmed.
@Suite struct WishCourierTests {
    @Test func theGridWorkerTakesTheGiftPassesItOnWithAPhotoAndTheClaimNoLongerLapses() async throws {
        try await withDemoApp { app in
            // setup
            let start = ISOTime.parse("2026-12-01T10:00:00+08:00")!
            app.clock.set(start)
            try await PartnerFixture.partner(app)
            let wish = try await PartnerFixture.wish(app)
            #expect(try await PartnerFixture.claim(app, wish).status == .ok)
            // act
            let byPartner = try await app.api(.POST, "/api/v1/wishes/\(wish)/receive", token: try await app.token("partner_demo"))
            let otherGrid = try await app.api(.POST, "/api/v1/wishes/\(wish)/receive", token: try await app.token("bh01_grid"))
            let received = try await app.api(.POST, "/api/v1/wishes/\(wish)/receive", token: try await app.token("gt01_grid"), json: #"{"note":"在社区服务站收到"}"#)
            let twice = try await app.api(.POST, "/api/v1/wishes/\(wish)/receive", token: try await app.token("gt01_grid"))
            let gridPage = try await WebSession.login(app, "gt01_grid").get("/wishes/\(wish)")
            app.clock.set(start.addingTimeInterval(8 * 86400))
            let lapsed = await PartnersScheduler.tick(app)
            let photo = try await PartnerFixture.handOver(app, wish, as: "gt01_grid")
            let confirmed = try await app.api(.POST, "/api/v1/wishes/\(wish)/confirm", token: try await app.token("gt01_community"))
            // check
            #expect(byPartner.status == .notFound && otherGrid.status == .notFound)
            #expect(try received.status == .ok && (try received.json()["state"] as? String) == "received", "\(received.text)")
            #expect(twice.status == .conflict)
            #expect(gridPage.text.contains("已送到，上传照片") && gridPage.text.contains(PartnerFixture.person))
            #expect(lapsed == 0, "a gift with the community does not lapse")
            #expect(photo.status == .ok, "\(photo.text)")
            #expect(try confirmed.status == .ok && (try confirmed.json()["state"] as? String) == "fulfilled")
            let history = try await LifecycleEvent.history("wish", wish, on: app.db)
            #expect(history.map(\.action) == ["claim", "receive", "hand_over", "confirm"])
            #expect(history[1].note?.contains("在社区服务站收到") == true)
        }
    }
}
