import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The fixed contract of `/api/v1/points`: awards, passbooks, goods, redemptions.
@Suite struct PointsAPITests {
    @Test func anAwardPaysOncePerSourceRefAndIdempotencyKeyAndShowsInThePassbook() async throws {
        try await withDemoApp { app in
            // setup
            let staff = try await app.token("gt01_community")
            let me = try await app.token("resident_demo")
            let resident = try await PointsFixture.demoResident(app)
            let body = #"{"residentId":"\#(resident.id!)","points":30,"reason":"参加清扫楼道志愿活动","sourceRef":"activity:42:\#(resident.id!)"}"#
            // act
            let first = try await app.api(.POST, "/api/v1/points/awards", token: staff, json: body)
            let again = try await app.api(.POST, "/api/v1/points/awards", token: staff, json: body)
            let keyed = #"{"residentId":"\#(resident.id!)","points":5,"reason":"调解邻里纠纷"}"#
            let k1 = try await app.api(.POST, "/api/v1/points/awards", token: staff, json: keyed, headers: ["Idempotency-Key": "retry-1"])
            let k2 = try await app.api(.POST, "/api/v1/points/awards", token: staff, json: keyed, headers: ["Idempotency-Key": "retry-1"])
            let mine = try await app.api(.GET, "/api/v1/points/accounts/me", token: me).json()
            let byStaff = try await app.api(.GET, "/api/v1/points/accounts/\(resident.id!)?per=1", token: staff).json()
            // check
            let (a, b) = (try first.json(), try again.json())
            #expect(first.status == .created && again.status == .ok)
            #expect(a["id"] as? String == b["id"] as? String && b["repeated"] as? Bool == true)
            let (ka, kb) = (try k1.json(), try k2.json())
            #expect(k1.status == .created && k2.status == .ok && ka["id"] as? String == kb["id"] as? String)
            #expect(mine["balance"] as? Int == 35)
            let entries = try #require(mine["entries"] as? [[String: Any]])
            #expect(entries.count == 2 && entries.contains { $0["reason"] as? String == "参加清扫楼道志愿活动" && $0["points"] as? Int == 30 })
            #expect(byStaff["balance"] as? Int == 35 && (byStaff["entries"] as? [Any])?.count == 1 && byStaff["total"] as? Int == 2)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }

    @Test func wrongPointsAndMissingFieldsAreRefusedWith400() async throws {
        try await withDemoApp { app in
            let staff = try await app.token("gt01_community")
            let id = try await PointsFixture.demoResident(app).id!
            for points in ["0", "-5", "1.5", "1000000", "\"ten\"", "null"] {
                let res = try await app.api(.POST, "/api/v1/points/awards", token: staff, json: #"{"residentId":"\#(id)","points":\#(points),"reason":"x"}"#)
                #expect(res.status == .badRequest, "points \(points)")
            }
            let noReason = try await app.api(.POST, "/api/v1/points/awards", token: staff, json: #"{"residentId":"\#(id)","points":3}"#)
            #expect(noReason.status == .unprocessableEntity && noReason.errorField == "reason")
            #expect(try await PointsFixture.balance(app, try await PointsFixture.demoResident(app)) == 0)
        }
    }

    @Test func rolesAndScopesThatMustBeRefused() async throws {
        try await withDemoApp { app in
            // setup
            let resident = try await PointsFixture.demoResident(app)
            let other = try #require(try await Resident.query(on: app.db).filter(\.$id != resident.id!)
                .within(DataScope(rootPath: try await app.node("YT-GT-01").path)).first())
            let award = #"{"residentId":"\#(resident.id!)","points":3,"reason":"x"}"#
            let me = try await app.token("resident_demo")
            // check: staff of another community, a resident, a grid worker, property staff
            #expect(try await app.api(.POST, "/api/v1/points/awards", token: try await app.token("bh01_community"), json: award).status == .notFound)
            #expect(try await app.api(.POST, "/api/v1/points/awards", token: me, json: award).status == .forbidden)
            #expect(try await app.api(.POST, "/api/v1/points/awards", token: try await app.token("gt01_grid"), json: award).status == .forbidden)
            #expect(try await app.api(.GET, "/api/v1/points/accounts/\(other.id!)", token: me).status == .notFound)
            #expect(try await app.api(.GET, "/api/v1/points/accounts/\(resident.id!)", token: me).status == .ok)
            #expect(try await app.api(.GET, "/api/v1/points/accounts/\(resident.id!)", token: try await app.token("bh01_community")).status == .notFound)
            #expect(try await app.api(.GET, "/api/v1/points/accounts/me", token: try await app.token("gt01_community")).status == .notFound)
            #expect(try await app.api(.GET, "/api/v1/points/accounts/me", token: nil).status == .unauthorized)
            #expect(try await app.api(.POST, "/api/v1/points/awards", token: try await app.token("gt_street"), json: award).status == .created)
        }
    }

    @Test func aRedemptionHoldsPointsAndStockUntilCollectedOrCancelled() async throws {
        try await withDemoApp { app in
            // setup
            let resident = try await PointsFixture.demoResident(app)
            try await PointsFixture.award(app, resident, 50)
            let soap = try await PointsFixture.goods(app, name: "洗衣皂", price: 10, stock: 3)
            let tv = try await PointsFixture.goods(app, name: "电视机", price: 5000, stock: 1)
            let me = try await app.token("resident_demo"), staff = try await app.token("gt01_community")
            func redeem(_ g: PointsGoods, _ n: Int, key: String? = nil) async throws -> TestingHTTPResponse {
                try await app.api(.POST, "/api/v1/points/redemptions", token: me, json: #"{"goodsId":"\#(g.id!)","quantity":\#(n)}"#,
                                  headers: key.map { ["Idempotency-Key": $0] } ?? [:])
            }
            // act
            let goods = try await app.api(.GET, "/api/v1/points/goods", token: me).json()
            let held = try await redeem(soap, 2, key: "r-1")
            let retried = try await redeem(soap, 2, key: "r-1")
            let noStock = try await redeem(soap, 2)
            let noPoints = try await redeem(tv, 1)
            let heldJSON = try held.json()
            let id = try #require(heldJSON["id"] as? String)
            let balanceHeld = try await PointsFixture.balance(app, resident), stockHeld = try await PointsFixture.stock(app, soap)
            let byOther = try await app.api(.POST, "/api/v1/points/redemptions/\(id)/collect", token: try await app.token("bh01_community"))
            let byResident = try await app.api(.POST, "/api/v1/points/redemptions/\(id)/collect", token: me)
            let found = try await app.api(.GET, "/api/v1/points/redemptions?code=\(heldJSON["code"] as! String)", token: staff).json()
            let collected = try await app.api(.POST, "/api/v1/points/redemptions/\(id)/collect", token: staff)
            let cancelLate = try await app.api(.POST, "/api/v1/points/redemptions/\(id)/cancel", token: me)
            let second = try await redeem(soap, 1).json()
            let cancelled = try await app.api(.POST, "/api/v1/points/redemptions/\(second["id"] as! String)/cancel", token: me)
            // check
            #expect((goods["items"] as? [[String: Any]])?.contains { $0["name"] as? String == "洗衣皂" && $0["pricePoints"] as? Int == 10 && $0["stock"] as? Int == 3 } == true)
            #expect(goods["total"] as? Int == 2 && goods["page"] as? Int == 1)
            #expect(held.status == .created && heldJSON["state"] as? String == "pending" && (heldJSON["code"] as? String)?.count == 10)
            let retriedID = try retried.json()["id"] as? String
            #expect(retried.status == .ok && retriedID == id)
            #expect(noStock.status == .conflict && noStock.errorCode == "out_of_stock")
            #expect(noPoints.status == .conflict && noPoints.errorCode == "insufficient_points")
            #expect(balanceHeld == 30 && stockHeld == 1)
            #expect(byOther.status == .notFound && byResident.status == .forbidden)
            #expect((found["items"] as? [[String: Any]])?.first?["id"] as? String == id)
            let collectedState = try collected.json()["state"] as? String, cancelledState = try cancelled.json()["state"] as? String
            #expect(collected.status == .ok && collectedState == "collected")
            #expect(cancelLate.status == .conflict && cancelLate.errorCode == "illegal_transition")
            #expect(cancelled.status == .ok && cancelledState == "cancelled")
            let (balance, stock) = (try await PointsFixture.balance(app, resident), try await PointsFixture.stock(app, soap))
            #expect(balance == 30 && stock == 1)
            let history = try await LifecycleEvent.history("points_redemption", UUID(uuidString: id)!, on: app.db)
            #expect(history.map(\.toState) == ["pending", "collected"])
            let audited = try await AuditEntry.query(on: app.db).filter(\.$entity == "points_redemption").all().map(\.action)
            #expect(audited.filter { $0 == "redeem" }.count == 2 && audited.contains("collect") && audited.contains("cancel"))
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }

    @Test func theMonthlyLimitAndExpiryReturnWhatWasHeld() async throws {
        try await withDemoApp { app in
            let resident = try await PointsFixture.demoResident(app)
            try await PointsFixture.award(app, resident, 100)
            let rice = try await PointsFixture.goods(app, name: "大米", price: 10, stock: 10, limit: 2)
            let me = try await PointsFixture.actor(app, "resident_demo")
            let service = SupermarketService(db: app.db, now: app.clock.now())
            _ = try await service.redeem(goodsID: rice.id, quantity: 2, idempotencyKey: nil, by: me)
            await #expect(throws: APIError.self) { try await service.redeem(goodsID: rice.id, quantity: 1, idempotencyKey: nil, by: me) }
            #expect(try await PointsFixture.balance(app, resident) == 80)
            // two weeks on, the pending redemption expires: points and stock return
            let later = SupermarketService(db: app.db, now: app.clock.now().addingTimeInterval(15 * 86_400))
            #expect(try await later.expireOverdue(days: 14) == 1)
            let (balance, stock) = (try await PointsFixture.balance(app, resident), try await PointsFixture.stock(app, rice))
            #expect(balance == 100 && stock == 10)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }

    @Test func aReversalTakesBackAnAwardOnceAndNeverBelowZero() async throws {
        try await withDemoApp { app in
            let resident = try await PointsFixture.demoResident(app)
            let staff = try await app.token("gt01_community")
            let a = try await app.api(.POST, "/api/v1/points/awards", token: staff, json: #"{"residentId":"\#(resident.id!)","points":20,"reason":"误发"}"#).json()
            let b = try await app.api(.POST, "/api/v1/points/awards", token: staff, json: #"{"residentId":"\#(resident.id!)","points":15,"reason":"捐赠"}"#).json()
            let soap = try await PointsFixture.goods(app, name: "洗衣皂", price: 10, stock: 5)
            _ = try await SupermarketService(db: app.db, now: app.clock.now()).redeem(goodsID: soap.id, quantity: 2, idempotencyKey: nil,
                                                                                     by: try await PointsFixture.actor(app, "resident_demo"))
            let first = try await app.api(.POST, "/api/v1/points/entries/\(b["id"] as! String)/reverse", token: staff, json: #"{"reason":"登记错了"}"#)
            let twice = try await app.api(.POST, "/api/v1/points/entries/\(b["id"] as! String)/reverse", token: staff, json: #"{"reason":"再来"}"#)
            let tooMuch = try await app.api(.POST, "/api/v1/points/entries/\(a["id"] as! String)/reverse", token: staff, json: #"{"reason":"误发"}"#)
            let noReason = try await app.api(.POST, "/api/v1/points/entries/\(a["id"] as! String)/reverse", token: staff, json: "{}")
            #expect(first.status == .created && twice.status == .conflict && twice.errorCode == "already_reversed")
            #expect(tooMuch.status == .conflict && tooMuch.errorCode == "insufficient_points" && noReason.status == .unprocessableEntity)
            #expect(try await PointsFixture.balance(app, resident) == 0)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }
}

/// A household's passbook sums its members.
@Suite struct PointsHouseholdTests {
    @Test func aHouseholdSumsItsMembersForItsMembersAndStaffInScope() async throws {
        try await withDemoApp { app in
            // setup
            let me = try await PointsFixture.demoResident(app)
            let family = try await Resident.query(on: app.db).filter(\.$householdID == me.householdID).all()
            for (i, r) in family.enumerated() { try await PointsFixture.award(app, r, 10 * (i + 1)) }
            let other = try #require(try await Resident.query(on: app.db).filter(\.$householdID != me.householdID).first())
            let path = "/api/v1/points/households/\(me.householdID)"
            // act
            let mine = try await app.api(.GET, path, token: try await app.token("resident_demo"))
            let staff = try await app.api(.GET, path, token: try await app.token("gt01_community"))
            let foreign = try await app.api(.GET, path, token: try await app.token("bh01_community"))
            let notMine = try await app.api(.GET, "/api/v1/points/households/\(other.householdID)", token: try await app.token("resident_demo"))
            // check
            let body = try mine.json(), staffBody = try staff.json()
            #expect(body["total"] as? Int == 10 * family.count * (family.count + 1) / 2 && (body["members"] as? [Any])?.count == family.count)
            #expect(staffBody["total"] as? Int == body["total"] as? Int)
            #expect(foreign.status == .notFound && notMine.status == .notFound)
        }
    }
}

/// The contract as `/openapi.json` tells it.
@Suite struct PointsOpenAPITests {
    @Test func theDocumentListsTheContractWithItsRetryAnswers() async throws {
        try await withTestApp { app in
            let doc = try await app.api(.GET, "/openapi.json", token: nil).json()
            let paths = try #require(doc["paths"] as? [String: [String: [String: Any]]])
            for (path, method) in [("/api/v1/points/awards", "post"), ("/api/v1/points/accounts/{id}", "get"), ("/api/v1/points/accounts/me", "get"),
                                   ("/api/v1/points/goods", "get"), ("/api/v1/points/redemptions", "post"),
                                   ("/api/v1/points/redemptions/{id}/collect", "post"), ("/api/v1/points/redemptions/{id}/cancel", "post")] {
                #expect(paths[path]?[method] != nil, "\(method) \(path)")
            }
            let awards = try #require(paths["/api/v1/points/awards"]?["post"]?["responses"] as? [String: Any])
            #expect(awards["201"] != nil && awards["200"] != nil)
        }
    }
}
