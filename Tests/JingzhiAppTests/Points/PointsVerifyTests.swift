import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
@testable import JingzhiApp

/// `jingzhi points verify` and the demo's points.
@Suite struct PointsVerifyTests {
    @Test func verifyFindsABalanceThatDriftedFromItsEntries() async throws {
        try await withDemoApp { app in
            // setup
            let resident = try await PointsFixture.demoResident(app)
            try await PointsFixture.award(app, resident, 40)
            #expect(try await PointsVerify.run(on: app.db).ok)
            // act: someone edits a balance behind the ledger's back
            try await (app.db as! any SQLDatabase).update(PointsAccount.schema).set("balance", to: SQLBind(45))
                .where("resident_id", .equal, SQLBind(resident.id!)).run()
            let report = try await PointsVerify.run(on: app.db)
            // check: the account is named, and the books no longer sum to zero
            #expect(!report.ok)
            #expect(report.problems.contains { $0.contains("resident:\(resident.id!.uuidString)") && $0.contains("45") })
            #expect(report.problems.contains { $0.contains("应为 0") })
            #expect(report.entries == 1 && report.pointsMoved == 40)
        }
    }

    @Test func theCountyDemoLedgerVerifiesAndTheDemoResidentHasPoints() async throws {
        try await withDemoApp { app in
            // setup: the county's goods and season of points, laid out on the tiny county
            let county = try await app.node("YT")
            let context = DemoContext(app: app, plan: DemoPlan.make(.tiny), root: county, db: app.db, log: { _ in })
            // act
            try await PointsDemo.goods(context)
            try await PointsDemo.ledger(context, perCommunity: 3)
            let goods = try await PointsGoods.query(on: app.db).count()
            // check
            let resident = try await PointsFixture.demoResident(app)
            let pending = try await PointsRedemption.query(on: app.db).filter(\.$residentID == resident.id!)
                .filter(\.$state == RedemptionState.pending.rawValue).all()
            #expect(goods == 4 * PointsDemo.catalogue.count)
            #expect(try await PointsFixture.balance(app, resident) > 0)
            #expect(pending.count == 1 && pending[0].code.hasPrefix("D"))
            #expect(try await PointsRedemption.query(on: app.db).filter(\.$state == RedemptionState.collected.rawValue).count() > 0)
            let report = try await PointsVerify.run(on: app.db)
            #expect(report.ok, "\(report.text)")
            #expect(report.entries > 40)
        }
    }

    @Test(.enabled(if: ProcessInfo.processInfo.environment["JINGZHI_TEST_DATABASE_URL"]?.isEmpty ?? true, "the CLI uses SQLite files"))
    func theCommandSaysWhetherTheLedgerBalances() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("jingzhi-cli-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let settings = Settings(dataDirectory: dir, passwordCost: 4)
        _ = try await JingzhiCommands.seed(settings, scale: .tiny)
        let (ok, text) = try await JingzhiCommands.verifyPoints(settings)
        #expect(ok && text.contains("账目平衡"))
        let app = try await JingzhiCommands.openApp(settings)
        let account = PointsAccount()
        account.key = "resident:broken"
        account.kindRaw = PointsAccountKind.resident.rawValue
        account.communityID = try #require(try await OrgNode.query(on: app.db).filter(\.$code == "YT-GT-01").first()?.id)
        account.nodePath = ""
        account.balance = 7
        account.createdAt = Date()
        try await account.create(on: app.db)
        try await app.asyncShutdown()
        let (broken, said) = try await JingzhiCommands.verifyPoints(settings)
        #expect(!broken && said.contains("resident:broken"))
    }
}
