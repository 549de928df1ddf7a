import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The hotline operator's keyboard page: typed place and category, a case per call, the form back for the next one.
@Suite struct HotlinePageTests {
    func compound(_ app: Application, under code: String) async throws -> OrgNode {
        let grid = try await app.node(code)
        return try #require(try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.compound.rawValue)
            .within(DataScope(rootPath: grid.path)).sort(\.$path).first())
    }

    @Test func anOperatorFilesACallFromTypedPlaceAndCategoryAndGetsTheFormBack() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let place = try await compound(app, under: "YT-GT-01-G01")
            let form = try await browser.get("/cases/hotline")
            #expect(form.status == .ok)
            #expect(form.text.contains("list=\"hotline-places\"") && form.text.contains("\(place.name)（\(place.code)）"))
            #expect(form.text.contains("<option value=\"wuye 物业管理\">"))
            let key = try #require(form.text.firstMatch(of: /name="idempotencyKey" value="([^"]+)"/)?.1)
            // act: what the keyboard sends — the suggestion as typed back, the category's code and name
            let fields = [("idempotencyKey", String(key)), ("reporterPhone", "13912345678"), ("reporterName", "王先生"),
                          ("place", "\(place.name)（\(place.code)）"), ("category", "xiashuidao 下水道堵塞"), ("description", "3号楼下水道堵了")]
            let filed = try await browser.post("/cases/hotline", fields)
            // check: a hotline case with the caller, at the place, and the form again for the next call
            #expect(filed.status == .seeOther && filed.headers.first(name: .location) == "/cases/hotline")
            let c = try #require(try await Case.query(on: app.db).filter(\.$reporterPhone == "13912345678").first())
            #expect(c.channel == "hotline" && c.categoryCode == "xiashuidao" && c.nodeID == place.id && c.reporterName == "王先生")
            #expect(c.reporterID == nil)
            let next = try await browser.get("/cases/hotline")
            #expect(next.text.contains("已登记 \(c.number)"))
            #expect(next.text.contains("<a href=\"/cases/\(c.id!)\">\(c.number)</a>"))
            #expect(!next.text.contains(String(key)), "a new call gets a new idempotency key")
            // a retried submit of the same form files nothing new
            let again = try await browser.post("/cases/hotline", fields)
            #expect(again.status == .seeOther)
            #expect(try await Case.query(on: app.db).filter(\.$reporterPhone == "13912345678").count() == 1)
            // a bare code and a bare category code work too
            let bare = try await browser.post("/cases/hotline", [("reporterPhone", "13912345679"), ("place", place.code), ("category", "zaoyin"),
                                                                  ("description", "夜间施工噪音")])
            #expect(bare.status == .seeOther)
            #expect(try await Case.query(on: app.db).filter(\.$reporterPhone == "13912345679").first()?.categoryCode == "zaoyin")
        }
    }

    @Test func wrongPlacesCategoriesAndMissingFieldsComeBackWithTheTypingKept() async throws {
        try await withDemoApp { app in
            // setup
            let browser = Browser(app)
            try await browser.login("gt01_community")
            _ = try await browser.get("/cases/hotline")
            let foreign = try await compound(app, under: "YT-BH-01-G01")
            let base = [("reporterPhone", "13900000001"), ("reporterName", "李女士"), ("category", "wuye 物业管理"), ("description", "楼道灯坏了")]
            // act + check: a place in another community is not offered and not accepted
            let outside = try await browser.post("/cases/hotline", base + [("place", "\(foreign.name)（\(foreign.code)）")])
            #expect(outside.status == .unprocessableEntity)
            #expect(outside.text.contains("找不到地点") && outside.text.contains("value=\"李女士\"") && outside.text.contains("楼道灯坏了"))
            #expect(outside.text.contains("name=\"place\"") && outside.text.contains("autofocus"))
            // an unknown category
            let place = try await compound(app, under: "YT-GT-01-G01")
            let unknown = try await browser.post("/cases/hotline", [("reporterPhone", "13900000001"), ("place", place.code),
                                                                     ("category", "kongtiao"), ("description", "空调外机滴水")])
            #expect(unknown.status == .unprocessableEntity && unknown.text.contains("未知类别"))
            // no phone, no description
            let noPhone = try await browser.post("/cases/hotline", [("place", place.code), ("category", "wuye"), ("description", "x")])
            #expect(noPhone.status == .unprocessableEntity && noPhone.text.contains("请填写来电号码"))
            let noText = try await browser.post("/cases/hotline", [("reporterPhone", "13900000001"), ("place", place.code), ("category", "wuye")])
            #expect(noText.status.code >= 400 && noText.status.code < 500)
            // nothing was filed by any of these
            #expect(try await Case.query(on: app.db).filter(\.$channel == "hotline").count() == 0)
        }
    }

    @Test func aKnownCallersHomeAndOpenCasesAreLookedUpOnlyForOperators() async throws {
        try await withDemoApp { app in
            // setup: a resident of the community with a phone, who already has an open case
            let browser = Browser(app)
            try await browser.login("gt01_community")
            let scope = DataScope(rootPath: try await app.node("YT-GT-01").path)
            let resident = try #require(try await Resident.query(on: app.db).within(scope).filter(\.$phone != nil).sort(\.$id).first())
            let phone = try #require(resident.phone)
            _ = try await browser.get("/cases/hotline")
            let place = try await compound(app, under: "YT-GT-01-G01")
            _ = try await browser.post("/cases/hotline", [("reporterPhone", phone), ("place", place.code), ("category", "wuye"), ("description", "门禁坏了")])
            let open = try #require(try await Case.query(on: app.db).filter(\.$reporterPhone == phone).first())
            // act
            let known = try await browser.post("/cases/hotline/caller", [("phone", phone)])
            // check
            #expect(known.status == .ok)
            let json = try known.json()
            #expect((json["place"] as? String)?.hasSuffix("）") == true)
            #expect(json["openCases"] as? [String] == [open.number])
            #expect(try await browser.post("/cases/hotline/caller", [("phone", "12")]).status == .unprocessableEntity)
            // residents and grid workers do not take calls
            let resident2 = Browser(app)
            try await resident2.login("resident_demo")
            #expect(try await resident2.get("/cases/hotline").status == .forbidden)
            #expect(try await resident2.post("/cases/hotline/caller", [("phone", phone)]).status == .forbidden)
            let worker = Browser(app)
            try await worker.login("gt01_grid")
            #expect(try await worker.get("/cases/hotline").status == .forbidden)
        }
    }
}
