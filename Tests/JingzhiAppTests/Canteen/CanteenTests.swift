import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The canteen: menus with prices per diner, ordering tomorrow before the cut-off, closed meals, sold out, the
/// kitchen's counts, delivery; every refusal in words.
@Suite struct CanteenTests {
    /// Monday 2027-03-01 10:00 in Shanghai.
    static let monday = Date(timeIntervalSince1970: 1_803_866_400)

    /// 古亭社区's canteen, opened by its staff on first use (the tiny demo has none).
    static func canteen(_ app: Application) async throws -> Canteen {
        let node = try await app.node("YT-GT-01")
        if let have = try await Canteen.query(on: app.db).filter(\.$nodeID == node.id!).first() { return have }
        return try await CanteenService(db: app.db, now: app.clock.now()).open(name: "古亭社区孝贤大食堂", community: node, address: "党群服务中心一楼",
                                                                            by: try await staff(app))
    }

    static func staff(_ app: Application, _ name: String = "gt01_community") async throws -> Actor {
        let u = try #require(try await User.query(on: app.db).filter(\.$username == name).first())
        return try await Actor.load(u, on: app.db, now: app.clock.now())
    }

    /// Tuesday's lunch (two dishes) and dinner (closed), published by community staff.
    static func menus(_ app: Application) async throws -> (CanteenDish, CanteenDish) {
        let c = try await canteen(app)
        let service = CanteenService(db: app.db, now: app.clock.now())
        let lunch = try await service.setMenu(c, day: "2027-03-02", meal: "lunch", closed: false, note: nil,
                                              dishes: [DishInput(name: "红烧肉", prices: [1500, 1200, 1000, 600]), DishInput(name: "清炒时蔬", prices: [800, 700, 600, 400])],
                                              by: try await staff(app))
        _ = try await service.setMenu(c, day: "2027-03-02", meal: "dinner", closed: true, note: "设备检修", dishes: [], by: try await staff(app))
        let dishes = try await CanteenDish.query(on: app.db).filter(\.$menuID == lunch.id!).sort(\.$sortOrder).all()
        return (dishes[0], dishes[1])
    }

    @Test func aResidentOrdersTomorrowAtTheirOwnPriceBeforeTheCutOffAndTheKitchenCountsIt() async throws {
        try await withDemoApp { app in
            // setup: resident_demo is 86 and on 低保
            app.clock.set(Self.monday)
            let user = try #require(try await User.query(on: app.db).filter(\.$username == "resident_demo").first())
            let r = try #require(try await Resident.find(user.residentID, on: app.db))
            r.birthDate = "1940-05-01"
            r.tags = "低保"
            try await r.save(on: app.db)
            let (pork, greens) = try await Self.menus(app)
            let token = try await app.token("resident_demo")
            // act
            let menu = try await app.api(.GET, "/api/v1/canteen/menus?day=2027-03-02", token: token)
            let ordered = try await app.api(.POST, "/api/v1/canteen/orders", token: token, json: #"{"dishId":"\#(pork.id!)","quantity":2,"delivery":true}"#)
            let twice = try await app.api(.POST, "/api/v1/canteen/orders", token: token, json: #"{"dishId":"\#(pork.id!)"}"#)
            let tooMany = try await app.api(.POST, "/api/v1/canteen/orders", token: token, json: #"{"dishId":"\#(greens.id!)","quantity":9}"#)
            try await CanteenService(db: app.db, now: app.clock.now()).setSoldOut(greens, true, in: try await Self.canteen(app), by: try await Self.staff(app))
            let soldOut = try await app.api(.POST, "/api/v1/canteen/orders", token: token, json: #"{"dishId":"\#(greens.id!)"}"#)
            app.clock.set(Self.monday.addingTimeInterval(7.5 * 3600))
            let late = try await app.api(.POST, "/api/v1/canteen/orders", token: token, json: #"{"dishId":"\#(greens.id!)"}"#)
            let counts = try await CanteenService(db: app.db, now: app.clock.now()).kitchen(try await Self.canteen(app), day: "2027-03-02")
            // check
            let meals = try #require(try menu.json()["meals"] as? [[String: Any]])
            #expect(meals.first { $0["meal"] as? String == "dinner" }?["closed"] as? Bool == true)
            #expect(meals.first { $0["meal"] as? String == "breakfast" }?["published"] as? Bool == false)
            let lunch = try #require(meals.first { $0["meal"] as? String == "lunch" }?["dishes"] as? [[String: Any]])
            #expect(lunch.first?["price"] as? Int == 600, "the lowest of the over-80 and 低保 prices")
            #expect(try ordered.status == .created && (try ordered.json()["price"] as? Int) == 1200 && (try ordered.json()["dinerType"] as? String) == "assisted")
            #expect(twice.status == .conflict && twice.errorCode == "already_ordered")
            #expect(tooMany.status == .unprocessableEntity && tooMany.errorField == "quantity")
            #expect(soldOut.status == .unprocessableEntity && soldOut.errorCode == "sold_out")
            #expect(late.status == .unprocessableEntity && late.errorCode == "after_cutoff" && late.text.contains("17:00"))
            #expect(counts.count == 1 && counts[0].dish == "红烧肉" && counts[0].portions == 2 && counts[0].deliveries == 2)
        }
    }

    @Test func aCanteenOpensOncePerCommunityByItsOwnStaff() async throws {
        try await withDemoApp { app in
            // setup
            let node = try await app.node("YT-GT-01")
            let service = CanteenService(db: app.db, now: app.clock.now())
            // act
            let byWorker = await #expect(throws: APIError.self) { _ = try await service.open(name: "x", community: node, address: "x", by: try await Self.staff(app, "gt01_grid")) }
            let byOther = await #expect(throws: APIError.self) { _ = try await service.open(name: "x", community: node, address: "x", by: try await Self.staff(app, "bh01_community")) }
            _ = try await Self.canteen(app)
            let twice = await #expect(throws: APIError.self) { _ = try await service.open(name: "x", community: node, address: "x", by: try await Self.staff(app)) }
            // check
            #expect(byWorker?.status == .forbidden && byOther?.status == .notFound && twice?.code == "canteen_exists")
        }
    }

    @Test func staffWithoutACanteenAreOfferedToOpenOne() async throws {
        try await withDemoApp { app in
            // setup
            let web = try await WebSession.login(app, "gt01_community")
            let node = try await app.node("YT-GT-01")
            // act
            let before = try await web.get("/canteen")
            let noName = try await web.post("/canteen/open", [("communityId", node.id!.uuidString), ("name", ""), ("address", "一楼"), ("cutoffHour", "17")])
            let opened = try await web.post("/canteen/open", [("communityId", node.id!.uuidString), ("name", "古亭社区孝贤大食堂"), ("address", "一楼"), ("cutoffHour", "16")])
            let after = try await web.get("/canteen")
            // check
            #expect(before.text.contains("开通社区食堂") && before.text.contains("古亭社区"))
            #expect(noName.status == .unprocessableEntity && noName.text.contains("名称"))
            #expect(opened.status == .seeOther)
            #expect(after.text.contains("备餐数量"))
            #expect(try await Canteen.query(on: app.db).filter(\.$nodeID == node.id!).first()?.cutoffHour == 16)
        }
    }

    @Test func aClosedMealIsShownClosedAndTakesNoOrders() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.monday)
            _ = try await Self.menus(app)
            let c = try await Self.canteen(app)
            let dinner = try #require(try await CanteenMenu.query(on: app.db).filter(\.$canteenID == c.id!).filter(\.$day == "2027-03-02").filter(\.$meal == "dinner").first())
            // act: an order for a dish of a closed menu (its dishes are gone), and the page of the day
            let breakfast = try await CanteenService(db: app.db, now: app.clock.now()).setMenu(
                c, day: "2027-03-02", meal: "breakfast", closed: false, note: nil, dishes: [DishInput(name: "小米粥", prices: [300, 300, 200, 100])], by: try await Self.staff(app))
            let porridge = try #require(try await CanteenDish.query(on: app.db).filter(\.$menuID == breakfast.id!).first())
            let token = try await app.token("resident_demo")
            _ = try await app.api(.POST, "/api/v1/canteen/orders", token: token, json: #"{"dishId":"\#(porridge.id!)"}"#)
            let closeWithOrders = try? await CanteenService(db: app.db, now: app.clock.now()).setMenu(
                c, day: "2027-03-02", meal: "breakfast", closed: true, note: nil, dishes: [], by: try await Self.staff(app))
            let page = try await WebSession.login(app, "resident_demo").get("/canteen")
            // check
            #expect(dinner.closed && dinner.note == "设备检修")
            #expect(closeWithOrders == nil, "a meal residents ordered cannot be closed")
            #expect(page.status == .ok && page.text.contains("明日订餐"))
        }
    }

    @Test func onlyTheCommunitysStaffKeepTheMenuAndDeliveriesGoToTheAssignedWorker() async throws {
        try await withDemoApp { app in
            // setup
            app.clock.set(Self.monday)
            let (pork, _) = try await Self.menus(app)
            let c = try await Self.canteen(app)
            let service = CanteenService(db: app.db, now: app.clock.now())
            let o = try await service.order(dishID: pork.id, quantity: 1, delivery: true, by: try await Self.staff(app, "resident_demo"))
            let worker = try #require(try await User.query(on: app.db).filter(\.$username == "gt01_grid").first())
            let partnerElsewhere = try #require(try await User.query(on: app.db).filter(\.$username == "bh01_grid").first())
            // act
            let byWorker = await #expect(throws: APIError.self) {
                _ = try await service.setMenu(c, day: "2027-03-03", meal: "lunch", closed: true, note: nil, dishes: [], by: try await Self.staff(app, "gt01_grid"))
            }
            let byOther = await #expect(throws: APIError.self) {
                _ = try await service.setMenu(c, day: "2027-03-03", meal: "lunch", closed: true, note: nil, dishes: [], by: try await Self.staff(app, "bh01_community"))
            }
            let wrongCourier = await #expect(throws: APIError.self) { try await service.assign(o, to: partnerElsewhere.id, by: try await Self.staff(app)) }
            try await service.assign(o, to: worker.id, by: try await Self.staff(app))
            let list = try await WebSession.login(app, "gt01_grid").get("/canteen/deliveries")
            let kitchen = try await WebSession.login(app, "gt01_community").get("/canteen?canteen=\(c.id!)&day=2027-03-02")
            let otherKitchen = try await WebSession.login(app, "bh01_community").get("/canteen?canteen=\(c.id!)&day=2027-03-02")
            let notMine = await #expect(throws: APIError.self) { try await service.delivered(o, by: try await Self.staff(app, "bh01_grid")) }
            try await service.delivered(o, by: try await Self.staff(app, "gt01_grid"))
            // check
            #expect(byWorker?.status == .forbidden && byOther?.status == .notFound)
            #expect(wrongCourier?.code == "unknown_courier")
            #expect(list.text.contains(o.residentName))
            #expect(kitchen.status == .ok && kitchen.text.contains("备餐数量") && kitchen.text.contains("红烧肉"), "\(kitchen.status)")
            #expect(!otherKitchen.text.contains("红烧肉"), "another community's staff do not see this kitchen")
            #expect(notMine?.status == .notFound)
            #expect(try await CanteenOrder.find(o.id, on: app.db)?.state == "delivered")
        }
    }
}
