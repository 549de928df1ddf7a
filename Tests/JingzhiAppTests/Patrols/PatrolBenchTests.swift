import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// The ingestion benchmark stores what it sends and measures a rate (`JINGZHI_BENCH_FIXES` fixes a patrol and `JINGZHI_BENCH_BATCHES=1,20,100` batch sizes make it a real measurement).
@Suite struct PatrolBenchTests {
    @Test func ingestionBenchmarkStoresEveryFix() async throws {
        try await withDemoApp { app in
            let perPatrol = ProcessInfo.processInfo.environment["JINGZHI_BENCH_FIXES"].flatMap(Int.init) ?? 60
            let sizes = ProcessInfo.processInfo.environment["JINGZHI_BENCH_BATCHES"].map { $0.split(separator: ",").compactMap { Int($0) } } ?? [1, 20]
            let results = try await Bench.patrolIngestion(app, batchSizes: sizes, fixesPerPatrol: perPatrol)
            for r in results {
                print(String(format: "patrol fix ingestion, batch %d: %d fixes in %.2f s = %.0f fixes/s", r.batchSize, r.fixes, r.seconds, r.fixesPerSecond))
            }
            #expect(results.map(\.fixes) == sizes.map { _ in 2 * perPatrol })
            let patrols = try await Patrol.query(on: app.db).all()
            #expect(patrols.count == 2 * sizes.count && patrols.allSatisfy { $0.state == Patrol.ended && $0.fixCount == perPatrol && $0.flaggedCount == 0 })
            // 6 m a step, (n − 1) steps
            #expect(patrols.allSatisfy { abs($0.distanceM - 6 * Double(perPatrol - 1)) < 1 })
        }
    }
}
