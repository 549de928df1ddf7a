import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// The yearly expiry: what is left of a year's points moves to the expiry account once, oldest points spent first.
@Suite struct PointsExpiryTests {
    static func at(_ day: String) -> Date { ShanghaiTime.dayStart(day).addingTimeInterval(10 * 3_600) }

    @Test func whatIsLeftOfAYearExpiresOnceAndLaterPointsStay() async throws {
        try await withDemoApp { app in
            // setup: 100 earned in 2025, 60 spent in 2026 (one redemption of 20 returned), 30 earned in 2026
            let me = try await PointsFixture.demoResident(app)
            let other = try await ActivityFixture.residents(app, 1)[0]
            app.clock.set(Self.at("2025-03-01"))
            try await PointsFixture.award(app, me, 100)
            try await PointsFixture.award(app, other, 10)
            app.clock.set(Self.at("2026-02-01"))
            let goods = try await PointsFixture.goods(app, name: "大米", price: 20, stock: 10)
            let shop = SupermarketService(db: app.db, now: app.clock.now())
            let buyer = try await PointsFixture.actor(app, "resident_demo")
            var held: [PointsRedemption] = []
            for _ in 0..<4 { held.append(try await shop.redeem(goodsID: goods.id, quantity: 1, idempotencyKey: nil, by: buyer).0) }
            try await shop.cancel(held[0], by: buyer)
            _ = try await PointsService(db: app.db, now: app.clock.now()).award(residentID: other.id, points: 5, reason: "x", sourceRef: nil,
                                                                                idempotencyKey: nil, by: try await PointsFixture.actor(app, "gt01_community"))
            app.clock.set(Self.at("2026-06-01"))
            try await PointsFixture.award(app, me, 30)
            let expiry = PointsExpiry(db: app.db, now: app.clock.now())
            // act: too early, then in 2027, then again
            let early = await #expect(throws: APIError.self) { try await expiry.run(year: 2025, years: 1) }
            app.clock.set(Self.at("2027-01-01"))
            let first = try await PointsExpiry(db: app.db, now: app.clock.now()).run(year: 2025, years: 1)
            let again = try await PointsExpiry(db: app.db, now: app.clock.now()).run(year: 2025, years: 1)
            // check: of 2025's 100, 60 were spent (80 held, 20 returned): 40 expire; 2026's 30 stay; the other resident's 10 expire
            #expect(early?.field == "year")
            #expect(first == .init(accounts: 2, points: 50) && again == .init())
            #expect(try await PointsFixture.balance(app, me) == 30)
            #expect(try await PointsFixture.balance(app, other) == 5)
            let entries = try await PointsEntry.query(on: app.db).filter(\.$kindRaw == "expiry").all()
            #expect(entries.map(\.points).sorted() == [10, 40] && entries.allSatisfy { $0.sourceRef?.hasPrefix("expiry:2025:") == true })
            #expect(try await PointsVerify.run(on: app.db).ok)
        }
    }

    @Test func theSchedulerClaimsEachYearOnceEvenWhenServersTickTogether() async throws {
        try await withDemoApp { app in
            // setup
            let me = try await PointsFixture.demoResident(app)
            app.clock.set(Self.at("2025-05-01"))
            try await PointsFixture.award(app, me, 25)
            app.clock.set(Self.at("2027-01-02"))
            app.pointsSettings = PointsSettings(redemptionDays: 14, expiryYears: 1)
            // act: two servers tick at once, then a later tick
            async let one = PointsScheduler.tick(app)
            async let two = PointsScheduler.tick(app)
            let (a, b) = await (one, two)
            app.clock.advance(7_200)
            let later = await PointsScheduler.tick(app)
            // check
            #expect(a.accountsExpired + b.accountsExpired == 1 && later.accountsExpired == 0)
            #expect(try await PointsFixture.balance(app, me) == 0)
            let run = try #require(try await PointsExpiryRun.query(on: app.db).filter(\.$year == 2025).first())
            #expect(run.finishedAt != nil && run.points == 25)
            #expect(PointsExpiry.dueYear(now: Self.at("2027-12-31"), years: 1) == 2025 && PointsExpiry.dueYear(now: Self.at("2028-01-01"), years: 1) == 2026)
        }
    }
}
