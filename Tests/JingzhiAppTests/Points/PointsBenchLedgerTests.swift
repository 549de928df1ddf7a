import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
@testable import JingzhiApp

/// The bench's generated city ledger (bulk `INSERT … SELECT`): the rows it promises, and books that balance.
@Suite struct PointsBenchLedgerTests {
    @Test func theGeneratedLedgerHasItsRowsAndVerifies() async throws {
        try await withDemoApp { app in
            // setup: one real award beside it
            let resident = try await PointsFixture.demoResident(app)
            try await PointsFixture.award(app, resident, 40)
            let before = try await PointsVerify.run(on: app.db)
            // act: 1,003 accounts, over two chunks' worth of numbering, twice (fresh ids each run)
            _ = try await PointsBench.cityLedger(app, accounts: 1_003, log: { _ in })
            _ = try await PointsBench.cityLedger(app, accounts: 1_003, log: { _ in })
            let report = try await PointsVerify.run(on: app.db)
            // check: two awards per account and a redemption for every fourth (n = 0, 4, …, 1000: 251), and it balances
            #expect(report.ok, "\(report.problems)")
            let communities = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.community.rawValue).count()
            #expect(report.entries - before.entries == 2 * (2 * 1_003 + 251))
            #expect(report.accounts >= before.accounts + 2 * 1_003 && report.accounts <= before.accounts + 2 * 1_003 + 2 * communities)
            let accounts = try await PointsAccount.query(on: app.db).filter(\.$key =~ "bench:").all()
            #expect(accounts.count == 2 * 1_003 && accounts.allSatisfy { $0.balance >= 5 })
            // generated dates fall within the year before the run's clock
            let oldest = try #require(try await PointsEntry.query(on: app.db).filter(\.$actorName == "压力测试").sort(\.$createdAt).first())
            #expect(oldest.createdAt >= app.clock.now().addingTimeInterval(-366 * 86_400))
            await #expect(throws: (any Error).self, "the scratch table is dropped") {
                try await app.db.sql.raw("SELECT COUNT(*) AS n FROM \(ident: PointsBench.helper)").all()
            }
        }
    }
}
