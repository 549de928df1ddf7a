import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Goods a partner donated (捐赠) to a community's supermarket: only a partner serving the community whose agreement
/// covers goods; residents see who gave them.
@Suite struct GoodsDonorTests {
    static func body(_ node: String, donor: String) -> String {
        #"{"node":"\#(node)","name":"毛巾两条装","pricePoints":15,"stock":10,"donor":"\#(donor)"}"#
    }

    @Test func staffRecordWhichPartnerDonatedTheGoods() async throws {
        try await withDemoApp { app in
            // setup: a goods partner of 古亭社区, a services-only one, and one of 滨湖 (another street)
            app.clock.set(ISOTime.parse("2026-12-01T10:00:00+08:00")!)
            let giver = try await PartnerFixture.partner(app, categories: ["goods"], account: nil)
            let services = try await PartnerFixture.partner(app, categories: ["service"], account: nil, name: "鲁南职业培训学校", credit: "91370827MA3C4D5E8H")
            let elsewhere = try await PartnerFixture.partner(app, staff: "bh01_community", at: "YT-BH-01", categories: ["goods"], account: nil,
                                                             name: "滨湖超市", credit: "91370827MA3C4D5E9J")
            let staff = try await app.token("gt01_community")
            // act
            let given = try await app.api(.POST, "/api/v1/points/goods", token: staff, json: Self.body("YT-GT-01", donor: giver.uuidString))
            let wrongCategory = try await app.api(.POST, "/api/v1/points/goods", token: staff, json: Self.body("YT-GT-01", donor: services.uuidString))
            let wrongArea = try await app.api(.POST, "/api/v1/points/goods", token: staff, json: Self.body("YT-GT-01", donor: elsewhere.uuidString))
            let unknown = try await app.api(.POST, "/api/v1/points/goods", token: staff, json: Self.body("YT-GT-01", donor: UUID().uuidString))
            let id = try PartnerFixture.id(given)
            let listed = try await app.api(.GET, "/api/v1/points/goods", token: try await app.token("resident_demo")).json()["items"] as? [[String: Any]]
            let phone = Browser(app)
            try await phone.login("resident_demo")
            let shop = try await phone.get(SiteURL.Points.shop.path)
            let bought = try await app.api(.PATCH, "/api/v1/points/goods/\(id)", token: staff, json: #"{"donor":""}"#)
            // check
            let givenJSON = try given.json()
            #expect(given.status == .created && givenJSON["donor"] as? String == "孝贤大食堂", "\(given.text)")
            #expect(wrongCategory.status == .forbidden && wrongCategory.errorCode == "outside_agreement")
            #expect(wrongArea.status == .forbidden && wrongArea.errorCode == "outside_agreement")
            #expect(unknown.status == .unprocessableEntity && unknown.errorField == "donor")
            #expect(listed?.first { $0["id"] as? String == id.uuidString }?["donorPartnerId"] as? String == giver.uuidString)
            #expect(shop.text.contains("孝贤大食堂捐赠"))
            let boughtJSON = try bought.json()
            #expect(bought.status == .ok && boughtJSON["donor"] == nil)
            #expect(try await PointsGoods.query(on: app.db).count() == 1, "refused goods are not offered")
        }
    }
}
