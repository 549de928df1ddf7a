import Fluent
import Foundation
import JingzhiCore
import Vapor

extension Bench {
    public struct IngestionResult: Sendable {
        public let batchSize: Int
        public let fixes: Int
        public let seconds: Double
        public var fixesPerSecond: Double { Double(fixes) / seconds }
    }

    /// Fix ingestion rate through `PatrolService.addFixes` (validation, duplicates, replay of the track, counters, one
    /// transaction a batch): each demo grid worker walks `fixesPerPatrol` fixes at 1.2 m/s in batches of each size,
    /// the workers side by side. Needs a seeded demo (tiny or county). Returns one result per batch size.
    public static func patrolIngestion(_ app: Application, batchSizes: [Int] = [1, 20, 100], fixesPerPatrol: Int = 600) async throws -> [IngestionResult] {
        let workers = try await User.query(on: app.db).filter(\.$username ~~ ["gt01_grid", "bh01_grid"]).all()
        var results: [IngestionResult] = []
        for (round, size) in batchSizes.enumerated() {
            let start = Date(timeIntervalSince1970: 1_800_000_000 + Double(round) * 86400)
            let t0 = DispatchTime.now().uptimeNanoseconds
            try await withThrowingTaskGroup(of: Void.self) { group in
                for user in workers {
                    group.addTask { try await walk(app, user, start: start, fixes: fixesPerPatrol, batch: size) }
                }
                try await group.waitForAll()
            }
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
            results.append(IngestionResult(batchSize: size, fixes: fixesPerPatrol * workers.count, seconds: seconds))
        }
        return results
    }

    private static func walk(_ app: Application, _ user: User, start: Date, fixes count: Int, batch: Int) async throws {
        let actor = try await Actor.load(user, on: app.db, now: app.clock.now())
        guard let grid = try await OrgNode.find(user.nodeID, on: app.db), let box = try grid.boundary.map({ try GeoArea.parse(text: $0) })?.box else { return }
        let patrol = try await PatrolService(db: app.db, now: start).start(by: actor, source: .cli("bench"))
        let south = GeoPoint(lon: (box.minLon + box.maxLon) / 2, lat: box.minLat + (box.maxLat - box.minLat) * 0.1)
        let step = 6.0 / (Geo.earthRadius * .pi / 180)   // 6 m every 5 s, 600 m north and back
        let fixes = (0..<count).map { n in
            let k = n % 200
            return FixInput(id: "bench-\(n)", latitude: south.lat + step * Double(k < 100 ? k : 200 - k), longitude: south.lon, accuracy: 10,
                     recordedAt: start.addingTimeInterval(Double(n + 1) * 5))
        }
        let service = PatrolService(db: app.db, now: start.addingTimeInterval(Double(count + 10) * 5))
        for from in stride(from: 0, to: fixes.count, by: batch) {
            _ = try await service.addFixes(Array(fixes[from..<min(from + batch, fixes.count)]), to: patrol)
        }
        _ = try await service.end(patrol, source: .cli("bench"))
    }
}
