import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// The demo's partners, lists, wishes and logs, seeded through the services on the tiny county.
@Suite struct PartnersDemoTests {
    @Test func theDemoHasFiveKindsAYearOfListsAndWishesAndSeedingTwiceWritesNothing() async throws {
        try await withDemoApp { app in
            // setup
            let context = DemoContext(app: app, plan: DemoPlan.make(.tiny), root: try await app.node("YT"), db: app.db, log: { _ in })
            // act
            let made = try await PartnersDemo.seed(context)
            let again = try await PartnersDemo.seed(context)
            // check
            #expect(made.partners > 0 && again.partners == 0 && again.needs == 0)
            let kinds = Set(try await Partner.query(on: app.db).all().map(\.kind))
            #expect(kinds == Set(PartnerKind.allCases))
            let needStates = Set(try await Need.query(on: app.db).all().map(\.state))
            #expect(needStates == Set(NeedState.allCases), "\(needStates)")
            let gt = try await app.node("YT-GT-01")
            let wishes = try await Wish.query(on: app.db).within(DataScope(rootPath: gt.path)).all()
            #expect(wishes.count == 12)
            #expect(wishes.filter { $0.state == .fulfilled && $0.thanks != nil }.count == 10)
            #expect(Set(wishes.map(\.state)) == [.open, .claimed, .fulfilled])
            #expect(try await WishClaim.query(on: app.db).filter(\.$outcome == "lapsed").count() == 1)
            // 33 logged and confirmed, and one for each of the 10 confirmed wishes with the hours the claimer entered.
            #expect(try await ServiceLog.query(on: app.db).filter(\.$stateRaw == "confirmed").count() == 43)
            #expect(try await ServiceLog.query(on: app.db).filter(\.$what == "认领微心愿「\(wishes.first { $0.state == .fulfilled }!.title)」").first()?.tenths ?? 0 >= 15)
            let partner = try #require(try await User.query(on: app.db).filter(\.$username == "partner_demo").first())
            #expect(try await Partner.query(on: app.db).filter(\.$userID == partner.id).first()?.name == "孝贤大食堂")
            let report = try await ServiceLogService(db: app.db, now: DemoPlan.make(.tiny).now).report(year: 2026, within: DataScope(rootPath: gt.path))
            #expect(report.contains { $0.unit == "孝贤大食堂" && $0.claimsFulfilled > 0 && $0.hoursTenths > 0 })
            #expect(report.contains { $0.unit == "县财政局机关党支部" && $0.claimsFulfilled > 0 })
        }
    }
}
