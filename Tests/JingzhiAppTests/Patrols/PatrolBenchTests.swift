import Fluent
import Foundation
import Testing
import Vapor
@testable import JingzhiApp

/// The ingestion benchmark stores what it sends and measures a rate (`JINGZHI_BENCH_FIXES` makes it longer).
@Suite struct PatrolBenchTests {
    @Test func ingestionBenchmarkStoresEveryFix() async throws {
        try await withDemoApp { app in
            let perPatrol = ProcessInfo.processInfo.environment["JINGZHI_BENCH_FIXES"].flatMap(Int.init) ?? 60
            let results = try await Bench.patrolIngestion(app, batchSizes: [1, 20], fixesPerPatrol: perPatrol)
            for r in results {
                print(String(format: "patrol fix ingestion, batch %d: %d fixes in %.2f s = %.0f fixes/s", r.batchSize, r.fixes, r.seconds, r.fixesPerSecond))
            }
            #expect(results.map(\.fixes) == [2 * perPatrol, 2 * perPatrol])
            let patrols = try await Patrol.query(on: app.db).all()
            #expect(patrols.count == 4 && patrols.allSatisfy { $0.state == Patrol.ended && $0.fixCount == perPatrol && $0.flaggedCount == 0 })
            // 6 m a step, (n − 1) steps
            #expect(patrols.allSatisfy { abs($0.distanceM - 6 * Double(perPatrol - 1)) < 1 })
        }
    }
}
