import Fluent
import Foundation
import JingzhiCore
import SQLKit
import Testing
import Vapor
import VaporTesting
@testable import JingzhiApp

/// What the command centre remembers and what it counts afresh: today's cases always, the days before today for
/// `pastMonthsMaxAge`, the grids until the tree changes.
@Suite struct CommandCentreCacheTests {
    @Test func todayIsCountedAfreshPastDaysAreRememberedAndATreeChangeRedrawsTheGrids() async throws {
        try await withDemoApp { app in
            // setup: one cache, as on a wall screen polling the community's map for the last 7 days
            _ = try await CommandCentreScenario.build(app)
            app.clock.set(CommandCentreScenario.now)
            let community = try await app.node("YT-GT-01"), g2 = try await app.node("YT-GT-01-G02")
            let cache = CommandCentreCache()
            func map() async throws -> CommandCentreMap {
                try await CommandCentreService(db: app.db, now: app.clock.now(), cache: cache).map(node: community, period: .week, category: nil).0
            }
            func cases(_ m: CommandCentreMap, _ grid: OrgNode) -> Int? { m.grids.first { $0.id == grid.id }?.cases }
            let before = try await map()
            // act 1: a case filed now
            let compound = try await CommandCentreScenario.firstCompound(under: "YT-GT-01-G02", app)
            let filed = try await app.api(.POST, "/api/v1/cases", token: try await app.token("resident_demo"),
                                          json: #"{"categoryCode":"huanjing","nodeId":"\#(compound.id!)","description":"楼道堆物"}"#)
            let id = try #require(try filed.json()["id"] as? String)
            let afterFiling = try await map()
            // check 1: counted at once, in the grid and the total
            #expect(cases(afterFiling, g2) == cases(before, g2).map { $0 + 1 })
            #expect(afterFiling.heat?.total == before.heat.map { $0.total + 1 })
            // act 2: the case's creation day is rewritten to two days ago behind the cache's back
            try await app.db.sql.raw("UPDATE cases SET created_at = \(bind: CommandCentreScenario.now.addingTimeInterval(-2 * 86400)) WHERE id = \(bind: UUID(uuidString: id)!)").run()
            let remembered = try await map()
            app.clock.set(CommandCentreScenario.now.addingTimeInterval(CommandCentreCache.pastMonthsMaxAge + 60))
            let expired = try await map()
            // check 2: the remembered past days do not have it until they expire; then it is counted again
            #expect(cases(remembered, g2) == cases(before, g2))
            #expect(cases(expired, g2) == cases(before, g2).map { $0 + 1 })
            // act 3: the grid loses its boundary
            #expect(expired.grids.first { $0.id == g2.id }?.hasBoundary == true)
            try await OrgService(db: app.db, now: app.clock.now()).setBoundary(g2, nil, source: .cli("test"))
            let redrawn = try await map()
            // check 3: the next map knows at once
            #expect(redrawn.grids.first { $0.id == g2.id }?.hasBoundary == false)
        }
    }
}
