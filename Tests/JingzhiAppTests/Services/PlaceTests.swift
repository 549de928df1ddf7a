import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The 15-minute services directory: staff keep their area's places; residents list them by distance, open now.
@Suite struct PlaceTests {
    /// Monday 2026-12-07 10:00 in Shanghai.
    static let monday = Date(timeIntervalSince1970: 1_796_608_800)

    static func body(_ name: String, kind: String = "pharmacy", lat: Double, lon: Double, hours: String = #"["08:00-12:00 14:00-18:00","08:00-12:00","08:00-12:00","08:00-12:00","08:00-12:00","休息","休息"]"#,
                     extra: String = "") -> String {
        #"{"name":"\#(name)","kind":"\#(kind)","address":"东门旁","phone":"0537-6212345","lat":\#(lat),"lon":\#(lon),"hours":\#(hours)\#(extra)}"#
    }

    /// The middle of resident_demo's compound, as the directory measures from it.
    static func home(_ app: Application) async throws -> GeoPoint {
        let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
        let actor = try await Actor.load(user, on: app.db, now: app.clock.now())
        return try #require(try await PlaceService.home(of: actor, on: app.db)).point
    }

    @Test func residentsSeePlacesNearestFirstWithWhetherEachIsOpenNow() async throws {
        try await withDemoApp { app in
            // setup: three places 300 m, 100 m and 5 km north of the compound
            app.clock.set(Self.monday)
            try await ServicePlace.query(on: app.db).delete()
            let h = try await Self.home(app)
            let staff = try await app.token("gt01_community")
            let far = try await app.api(.POST, "/api/v1/services/places", token: staff, json: Self.body("远处药房", lat: h.lat + 0.045, lon: h.lon))
            let mid = try await app.api(.POST, "/api/v1/services/places", token: staff, json: Self.body("中间药房", lat: h.lat + 0.0027, lon: h.lon))
            let near = try await app.api(.POST, "/api/v1/services/places", token: staff,
                                         json: Self.body("楼下诊所", kind: "clinic", lat: h.lat + 0.0009, lon: h.lon, hours: #"["14:00-18:00","","","","","",""]"#))
            let token = try await app.token("resident_demo")
            // act
            let all = try await app.api(.GET, "/api/v1/services/places", token: token)
            let open = try await app.api(.GET, "/api/v1/services/places?open=1", token: token)
            let clinics = try await app.api(.GET, "/api/v1/services/places?kind=clinic", token: token)
            let midID = try #require(try mid.json()["id"] as? String)
            _ = try await app.api(.POST, "/api/v1/services/places/\(midID)/closures", token: staff, json: #"{"day":"2026-12-07","reason":"内部盘点"}"#)
            let afterClosure = try await app.api(.GET, "/api/v1/services/places?open=1", token: token)
            let page = try await WebSession.login(app, "resident_demo").get("/services/nearby")
            // check
            #expect(far.status == .created && mid.status == .created && near.status == .created)
            let names = try all.jsonArray().map { $0["name"] as? String }
            #expect(names == ["楼下诊所", "中间药房"], "nearest first, nothing beyond 3 km")
            let metres = try all.jsonArray().compactMap { $0["metres"] as? Int }
            #expect(metres.count == 2 && abs(metres[0] - 100) < 5 && abs(metres[1] - 300) < 5)
            #expect(try open.jsonArray().map { $0["name"] as? String } == ["中间药房"], "the clinic opens at 14:00")
            #expect(try clinics.jsonArray().count == 1)
            #expect(try afterClosure.jsonArray().isEmpty, "closed for stocktaking today")
            #expect(page.status == .ok && page.text.contains("<svg class=\"place-map\"") && page.text.contains("内部盘点"))
        }
    }

    @Test func staffKeepOnlyTheirAreasPlacesAndWrongInputIsRefusedInWords() async throws {
        try await withDemoApp { app in
            // setup
            let h = try await Self.home(app)
            let staff = try await app.token("gt01_community")
            let made = try await app.api(.POST, "/api/v1/services/places", token: staff, json: Self.body("社区药房", lat: h.lat, lon: h.lon))
            let id = try #require(try made.json()["id"] as? String)
            // act
            let byWorker = try await app.api(.POST, "/api/v1/services/places", token: try await app.token("gt01_grid"), json: Self.body("x", lat: h.lat, lon: h.lon))
            let byResident = try await app.api(.POST, "/api/v1/services/places", token: try await app.token("resident_demo"), json: Self.body("x", lat: h.lat, lon: h.lon))
            let badHours = try await app.api(.POST, "/api/v1/services/places", token: staff,
                                             json: Self.body("x", lat: h.lat, lon: h.lon, hours: #"["22:00-02:00","","","","","",""]"#))
            let sixDays = try await app.api(.POST, "/api/v1/services/places", token: staff, json: Self.body("x", lat: h.lat, lon: h.lon, hours: #"["","","","","",""]"#))
            let badKind = try await app.api(.POST, "/api/v1/services/places", token: staff, json: Self.body("x", kind: "casino", lat: h.lat, lon: h.lon))
            let badLink = try await app.api(.POST, "/api/v1/services/places", token: staff,
                                            json: Self.body("x", lat: h.lat, lon: h.lon, extra: #","onlineUrl":"javascript:alert(1)""#))
            let otherCommunity = try await app.api(.PUT, "/api/v1/services/places/\(id)", token: try await app.token("bh01_community"),
                                                   json: Self.body("改名", lat: h.lat, lon: h.lon))
            let stale = try await app.api(.PUT, "/api/v1/services/places/\(id)", token: staff, json: Self.body("改名", lat: h.lat, lon: h.lon, extra: #","version":9"#))
            let holidaysByStaff = try await app.api(.PUT, "/api/v1/services/holidays", token: staff, json: #"{"text":"2027-01-01 元旦"}"#)
            let badHoliday = try await app.api(.PUT, "/api/v1/services/holidays", token: try await app.token("admin"), json: #"{"text":"元旦"}"#)
            // check
            #expect(byWorker.status == .forbidden && byResident.status == .forbidden)
            #expect(badHours.status == .unprocessableEntity && badHours.errorField == "hours" && badHours.text.contains("跨夜"))
            #expect(sixDays.status == .unprocessableEntity && sixDays.errorField == "hours")
            #expect(badKind.status == .unprocessableEntity && badKind.errorField == "kind")
            #expect(badLink.status == .unprocessableEntity && badLink.errorField == "onlineUrl")
            #expect(otherCommunity.status == .notFound)
            #expect(stale.status == .conflict && stale.errorCode == "place_changed")
            #expect(holidaysByStaff.status == .forbidden)
            #expect(badHoliday.status == .unprocessableEntity && badHoliday.errorField == "holidays")
        }
    }
}
