import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// A community's own matters (社区自有事项): its staff add, change and retire them; only its residents see and apply.
@Suite struct ServiceCommunityMatterTests {
    static let body = #"{"code":"GTHD","name":"社区活动室借用","description":"居民借用社区活动室开展文体活动","eligibility":"本社区居民","materials":["活动方案"],"deadlineDays":2}"#

    static func codes(_ res: TestingHTTPResponse) throws -> [String] { try res.jsonArray().compactMap { $0["code"] as? String } }

    @Test func communityStaffAddAMatterThatOnlyTheirCommunitySeesAndAppliesFor() async throws {
        try await withDemoApp { app in
            // setup
            let staff = try await app.token("gt01_community")
            let community = try await app.node("YT-GT-01")
            let outside = try await app.resident(under: "YT-GT-02")
            let demo = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first()?.residentID)
            let inside = try #require(try await Resident.query(on: app.db).within(DataScope(rootPath: community.path)).filter(\.$id != demo).first())
            // act
            let made = try await app.api(.POST, "/api/v1/services/matters", token: staff, json: Self.body)
            let id = try #require(try made.json()["id"] as? String)
            let mine = try await app.api(.GET, "/api/v1/services/matters", token: try await app.token("resident_demo"))
            let otherStaff = try await app.api(.GET, "/api/v1/services/matters", token: try await app.token("bh01_community"))
            let street = try await app.api(.GET, "/api/v1/services/matters", token: try await app.token("gt_street"))
            let otherPage = try await WebSession.login(app, "bh01_community").get("/services/matters/\(id)")
            let otherPut = try await app.api(.PUT, "/api/v1/services/matters/\(id)", token: try await app.token("bh01_community"), json: Self.body)
            let applied = try await ServiceFixture.apply(app, code: "GTHD")
            let proxyInside = try await ServiceFixture.apply(app, as: "gt_street", code: "GTHD", residentID: inside.id)
            let proxyOutside = try await ServiceFixture.apply(app, as: "gt_street", code: "GTHD", residentID: outside.id)
            // check
            #expect(made.status == .created, "\(made.text)")
            #expect(try made.json()["nodeId"] as? String == community.id!.uuidString)
            #expect(try (made.json()["nodeName"] as? String) == community.name)
            #expect(try Self.codes(mine).contains("GTHD") && Self.codes(mine).contains("JZZM"), "the resident sees their community's and the county's")
            #expect(try !Self.codes(otherStaff).contains("GTHD") && Self.codes(otherStaff).contains("JZZM"))
            #expect(try Self.codes(street).contains("GTHD"), "the street's staff see the matters of their communities")
            #expect(otherPage.status == .notFound && otherPut.status == .notFound)
            #expect(applied.status == .created, "\(applied.text)")
            #expect(proxyInside.status == .created, "\(proxyInside.text)")
            #expect(proxyOutside.status == .unprocessableEntity && proxyOutside.errorCode == "not_eligible")
            let audit = try #require(try await AuditEntry.query(on: app.db).filter(\.$entity == "service_matter").filter(\.$summary ~~ "社区活动室借用").first())
            #expect(audit.nodePath == community.path && audit.summary.contains("自有"))
        }
    }

    @Test func staffKeepOnlyTheirOwnMattersAndNotTheCountys() async throws {
        try await withDemoApp { app in
            // setup
            let staff = try await app.token("gt01_community")
            let county = try await ServiceFixture.matter(app, "JZZM")
            let otherCommunity = try await app.node("YT-GT-02")
            let grid = try await app.node("YT-GT-01-G01")
            // act
            let byWorker = try await app.api(.POST, "/api/v1/services/matters", token: try await app.token("gt01_grid"), json: Self.body)
            let byResident = try await app.api(.POST, "/api/v1/services/matters", token: try await app.token("resident_demo"), json: Self.body)
            let elsewhere = try await app.api(.POST, "/api/v1/services/matters", token: staff,
                                              json: Self.body.replacingOccurrences(of: "{", with: #"{"nodeId":"\#(otherCommunity.id!)","#))
            let onGrid = try await app.api(.POST, "/api/v1/services/matters", token: staff,
                                           json: Self.body.replacingOccurrences(of: "{", with: #"{"nodeId":"\#(grid.id!)","#))
            let countyEdit = try await app.api(.PUT, "/api/v1/services/matters/\(county.id!)", token: staff, json: Self.body)
            let made = try await app.api(.POST, "/api/v1/services/matters", token: staff, json: Self.body)
            let id = try #require(try made.json()["id"] as? String)
            let retired = try await app.api(.PUT, "/api/v1/services/matters/\(id)", token: staff,
                                            json: Self.body.replacingOccurrences(of: "}", with: #","active":false,"version":1}"#))
            let stale = try await app.api(.PUT, "/api/v1/services/matters/\(id)", token: staff,
                                          json: Self.body.replacingOccurrences(of: "}", with: #","version":1}"#))
            let residentList = try await app.api(.GET, "/api/v1/services/matters", token: try await app.token("resident_demo"))
            let staffList = try await app.api(.GET, "/api/v1/services/matters", token: staff)
            let applyRetired = try await ServiceFixture.apply(app, code: "GTHD")
            // check
            #expect(byWorker.status == .forbidden && byResident.status == .forbidden)
            #expect(elsewhere.status == .notFound && elsewhere.errorCode == "unknown_node")
            #expect(onGrid.status == .unprocessableEntity && onGrid.errorField == "nodeId")
            #expect(countyEdit.status == .forbidden && countyEdit.errorCode == "county_matter")
            #expect(try await ServiceFixture.matter(app, "JZZM").name == county.name, "the county's matter is unchanged")
            #expect(try retired.status == .ok && (try retired.json()["active"] as? Bool) == false)
            #expect(stale.status == .conflict && stale.errorCode == "matter_changed")
            #expect(try !Self.codes(residentList).contains("GTHD"))
            #expect(try staffList.jsonArray().contains { $0["code"] as? String == "GTHD" && $0["active"] as? Bool == false },
                    "staff still see their retired matter to bring it back")
            #expect(applyRetired.status == .notFound)
        }
    }

    @Test func theFormsLetCommunityStaffAddAMatterAndShowWhoseItIs() async throws {
        try await withDemoApp { app in
            // setup
            let web = try await WebSession.login(app, "gt01_community")
            let county = try await ServiceFixture.matter(app, "JZZM")
            // act
            let form = try await web.get("/services/catalogue/new")
            let empty = try await web.post("/services/catalogue/new", [("code", "GTHD"), ("name", "社区活动室借用"), ("details", "借用活动室"),
                                                                       ("eligibility", "本社区居民"), ("materials", ""), ("deadlineDays", "2"), ("active", "1")])
            let saved = try await web.post("/services/catalogue/new", [("code", "GTHD"), ("name", "社区活动室借用"), ("details", "借用活动室"),
                                                                       ("eligibility", "本社区居民"), ("materials", "活动方案"), ("deadlineDays", "2"), ("active", "1")])
            let m = try await ServiceFixture.matter(app, "GTHD")
            let page = try await web.get("/services/matters/\(m.id!)")
            let countyForm = try await web.get("/services/matters/\(county.id!)/edit")
            let otherForm = try await WebSession.login(app, "bh01_community").get("/services/matters/\(m.id!)/edit")
            let residentPage = try await WebSession.login(app, "resident_demo").get("/services")
            // check
            #expect(form.status == .ok && form.text.contains("办理范围") && !form.text.contains("全县（县级事项）"))
            #expect(empty.status == .unprocessableEntity && empty.text.contains("至少列出一项所需材料"))
            #expect(saved.status == .seeOther)
            #expect(m.nodePath == (try await app.node("YT-GT-01")).path)
            #expect(page.status == .ok && page.text.contains("自有事项") && page.text.contains("修改事项"))
            #expect(countyForm.status == .forbidden && otherForm.status == .notFound)
            #expect(residentPage.text.contains("社区活动室借用"))
        }
    }
}
