import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The passbook and the shop on a resident's phone, and the staff's goods, collect and award pages.
@Suite struct PointsPagesTests {
    @Test func aResidentRedeemsOnThePhoneAndStaffCollectByTheCode() async throws {
        try await withDemoApp { app in
            // setup
            let resident = try await PointsFixture.demoResident(app)
            try await PointsFixture.award(app, resident, 50)
            let soap = try await PointsFixture.goods(app, name: "洗衣皂", price: 10, stock: 3)
            let phone = Browser(app)
            try await phone.login("resident_demo")
            // act
            let passbook = try await phone.get("/points")
            let shop = try await phone.get("/points/shop")
            let redeemed = try await phone.post("/points/shop/\(soap.id!)/redeem", [("quantity", "1"), ("idempotencyKey", "tap-1")])
            let retried = try await phone.post("/points/shop/\(soap.id!)/redeem", [("quantity", "1"), ("idempotencyKey", "tap-1")])
            let location = try #require(redeemed.headers.first(name: .location))
            let shown = try await phone.get(location)
            let r = try #require(try await PointsRedemption.query(on: app.db).filter(\.$residentID == resident.id!).first())
            let desk = Browser(app)
            try await desk.login("gt01_community")
            let waiting = try await desk.get("/points/collect")
            let forged = try await desk.post("/points/collect", [("code", r.code)], withCSRF: false)
            let collected = try await desk.post("/points/collect", [("code", r.code.lowercased())])
            let after = try await desk.get("/points/collect")
            let wrong = try await desk.post("/points/collect", [("code", "NOSUCHCODE")])
            let wrongPage = try await desk.get("/points/collect")
            // check
            #expect(passbook.status == .ok && passbook.text.contains("50") && passbook.text.contains("测试"))
            #expect(shop.text.contains("洗衣皂") && shop.text.contains("兑换一件"))
            #expect(redeemed.status == .seeOther && retried.status == .seeOther && location.hasPrefix("/points/redemptions/"))
            #expect(try await PointsRedemption.query(on: app.db).filter(\.$residentID == resident.id!).count() == 1)
            #expect(shown.text.contains("已兑换 洗衣皂 ×1") && shown.text.contains(r.code) && shown.text.contains("<svg"))
            #expect(waiting.text.contains(r.code) && forged.status == .forbidden)
            #expect(collected.status == .seeOther && after.text.contains("已核销 \(r.code)") && !after.text.contains("<b>\(r.code)</b>"))
            #expect(wrong.status == .seeOther && wrongPage.text.contains("NOSUCHCODE"))
            let (balance, stock) = (try await PointsFixture.balance(app, resident), try await PointsFixture.stock(app, soap))
            #expect(balance == 40 && stock == 2)
        }
    }

    @Test func aResidentCancelsAndSeesThePointsReturn() async throws {
        try await withDemoApp { app in
            let resident = try await PointsFixture.demoResident(app)
            try await PointsFixture.award(app, resident, 30)
            let soap = try await PointsFixture.goods(app, name: "洗衣皂", price: 10, stock: 3)
            let phone = Browser(app)
            try await phone.login("resident_demo")
            let redeemed = try await phone.post("/points/shop/\(soap.id!)/redeem", [("quantity", "1")])
            let page = try await phone.get(try #require(redeemed.headers.first(name: .location)))
            let id = try #require(try await PointsRedemption.query(on: app.db).first()?.id)
            #expect(page.text.contains("/points/redemptions/\(id)/cancel"))
            _ = try await phone.post("/points/redemptions/\(id)/cancel", [])
            let passbook = try await phone.get("/points")
            #expect(passbook.text.contains("已取消兑换 洗衣皂，10 分已退回") && passbook.text.contains("兑换退回"))
            #expect(try await PointsFixture.balance(app, resident) == 30)
        }
    }

    @Test func staffAwardFindAResidentAndOfferGoods() async throws {
        try await withDemoApp { app in
            // setup
            let resident = try await PointsFixture.demoResident(app)
            let desk = Browser(app)
            try await desk.login("gt01_community")
            let community = try await app.node("YT-GT-01")
            // act
            let found = try await desk.get("/points/award?q=\(SiteURL.escape(resident.name))")
            let awarded = try await desk.post("/points/award", [("residentId", resident.id!.uuidString), ("points", "12"), ("reason", "调解邻里纠纷"),
                                                                ("idempotencyKey", "form-1")])
            let again = try await desk.post("/points/award", [("residentId", resident.id!.uuidString), ("points", "12"), ("reason", "调解邻里纠纷"),
                                                              ("idempotencyKey", "form-1")])
            let againPage = try await desk.get("/points/award")
            let fraction = try await desk.post("/points/award", [("residentId", resident.id!.uuidString), ("points", "1.5"), ("reason", "x")])
            let fractionPage = try await desk.get("/points/award")
            let offered = try await desk.post("/points/goods", [("node", community.id!.uuidString), ("name", "酱油"), ("pricePoints", "8"),
                                                                ("stock", "12"), ("monthlyLimit", "0")])
            let goodsPage = try await desk.get("/points/goods")
            // check
            #expect(found.text.contains(resident.name) && found.text.contains("name=\"residentId\""))
            #expect(awarded.status == .seeOther && again.status == .seeOther)
            #expect(againPage.text.contains("未重复发放") && againPage.text.contains("余额 12 分"))
            #expect(fractionPage.text.contains("flash error") && fraction.status == .seeOther)
            #expect(offered.status == .seeOther && goodsPage.text.contains("已上架 酱油") && goodsPage.text.contains("酱油"))
            #expect(try await PointsFixture.balance(app, resident) == 12)
            // the resident's links and a grid worker's refusal
            let phone = Browser(app)
            try await phone.login("resident_demo")
            #expect(try await phone.get("/").text.contains("href=\"/points\""))
            #expect(try await desk.get("/").text.contains("href=\"/points/goods\""))
            let grid = Browser(app)
            try await grid.login("gt01_grid")
            #expect(try await grid.get("/points/award").status == .forbidden)
            #expect(try await phone.get("/points/goods").status == .forbidden)
        }
    }
}

/// The month's points per community, on the page and as CSV.
@Suite struct PointsReportTests {
    @Test func theMonthShowsIssuedAndSpentPerCommunity() async throws {
        try await withDemoApp { app in
            // setup: 30 awarded, 5 reversed; 10 redeemed and kept, 10 redeemed and cancelled
            let resident = try await PointsFixture.demoResident(app)
            let staff = try await PointsFixture.actor(app, "gt01_community"), me = try await PointsFixture.actor(app, "resident_demo")
            let points = PointsService(db: app.db, now: app.clock.now())
            try await PointsFixture.award(app, resident, 30)
            let wrong = try await points.award(residentID: resident.id, points: 5, reason: "误发", sourceRef: nil, idempotencyKey: nil, by: staff).entry
            _ = try await points.reverse(entryID: wrong.id, reason: "更正", by: staff)
            let soap = try await PointsFixture.goods(app, name: "洗衣皂", price: 10, stock: 5)
            let market = SupermarketService(db: app.db, now: app.clock.now())
            _ = try await market.redeem(goodsID: soap.id, quantity: 1, idempotencyKey: nil, by: me)
            let (second, _) = try await market.redeem(goodsID: soap.id, quantity: 1, idempotencyKey: nil, by: me)
            try await market.cancel(second, by: me)
            let month = ShanghaiTime.currentMonth(app.clock.now())
            // act
            let rows = try await PointsReport.month(month, scope: staff.scope, on: app.db)
            let desk = Browser(app)
            try await desk.login("gt01_community")
            let page = try await desk.get("/points/report?month=\(month)")
            let csv = try await desk.get("/points/report/export?month=\(month)")
            let others = try await PointsReport.month(month, scope: try await PointsFixture.actor(app, "bh01_community").scope, on: app.db)
            // check
            let gt = try #require(rows.first { $0.community.code == "YT-GT-01" })
            #expect(gt.issued == 30 && gt.spent == 10 && gt.points(.refund) == 10 && gt.points(.reversal) == 5)
            #expect(page.status == .ok && page.text.contains("古亭社区"))
            #expect(csv.headers.contentType?.subType == "csv" && csv.text.contains("\(month),古亭社区,35,5,20,10,0,30,10"))
            #expect(others.allSatisfy { $0.issued == 0 && $0.spent == 0 } && !others.contains { $0.community.code == "YT-GT-01" })
        }
    }
}
