import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// Redemptions racing for the same points or the same stock: exactly those that fit succeed, nothing goes below zero.
@Suite struct PointsConcurrencyTests {
    @Test func parallelRedemptionsByOneResidentSucceedOnlyAsFarAsTheBalanceGoes() async throws {
        try await withDemoApp { app in
            // setup: 55 points, goods at 10 each; twelve requests at once
            let resident = try await PointsFixture.demoResident(app)
            try await PointsFixture.award(app, resident, 55)
            let soap = try await PointsFixture.goods(app, name: "洗衣皂", price: 10, stock: 100)
            let token = try await app.token("resident_demo")
            // act
            let statuses = try await withThrowingTaskGroup(of: (HTTPStatus, String?).self) { group in
                for _ in 0..<12 {
                    group.addTask {
                        let res = try await app.api(.POST, "/api/v1/points/redemptions", token: token, json: #"{"goodsId":"\#(soap.id!)","quantity":1}"#)
                        return (res.status, res.errorCode)
                    }
                }
                return try await group.reduce(into: [(HTTPStatus, String?)]()) { $0.append($1) }
            }
            // check
            #expect(statuses.filter { $0.0 == .created }.count == 5)
            #expect(statuses.filter { $0.0 == .conflict && $0.1 == "insufficient_points" }.count == 7)
            let (balance, stock) = (try await PointsFixture.balance(app, resident), try await PointsFixture.stock(app, soap))
            #expect(balance == 5 && stock == 95)
            #expect(try await PointsRedemption.query(on: app.db).count() == 5)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }

    @Test func parallelRedemptionsOfSharedStockNeverTakeItBelowZero() async throws {
        try await withDemoApp { app in
            // setup: four residents with plenty of points, three bags of rice
            let community = try await app.node("YT-GT-01")
            let residents = try await Resident.query(on: app.db).within(DataScope(rootPath: community.path)).sort(\.$id).range(0..<4).all()
            for r in residents { try await PointsFixture.award(app, r, 100) }
            let rice = try await PointsFixture.goods(app, name: "大米", price: 20, stock: 3)
            let service = SupermarketService(db: app.db, now: app.clock.now())
            // act: each tries three times at once
            let outcomes = try await withThrowingTaskGroup(of: String.self) { group in
                for r in residents {
                    let actor = PointsFixture.residentActor(r)
                    for _ in 0..<3 {
                        group.addTask {
                            do {
                                _ = try await service.redeem(goodsID: rice.id, quantity: 1, idempotencyKey: nil, by: actor)
                                return "ok"
                            } catch let e as APIError { return e.code }
                        }
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            // check
            #expect(outcomes.filter { $0 == "ok" }.count == 3 && outcomes.filter { $0 == "out_of_stock" }.count == 9)
            #expect(try await PointsFixture.stock(app, rice) == 0)
            var spent = 0
            for r in residents { spent += 100 - (try await PointsFixture.balance(app, r)) }
            #expect(spent == 60)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }

    @Test func theSameAwardSentAtOnceIsPaidOnce() async throws {
        try await withDemoApp { app in
            let resident = try await PointsFixture.demoResident(app)
            let staff = try await PointsFixture.actor(app, "gt01_community")
            let service = PointsService(db: app.db, now: app.clock.now())
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for i in 0..<10 {
                    group.addTask {
                        try await service.award(residentID: resident.id, points: 8, reason: "随手拍办结", sourceRef: i < 5 ? "case:YT-1" : nil,
                                                idempotencyKey: i < 5 ? nil : "same-key", by: staff).created
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(created.filter { $0 }.count == 2)
            #expect(try await PointsFixture.balance(app, resident) == 16)
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }
}
