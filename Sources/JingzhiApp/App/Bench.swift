import Fluent
import JingzhiCore
import Vapor

/// `jingzhi bench`: measures the register's hot paths on a seeded data set, each against a baseline measured
/// in the same run (a primary-key read), because absolute times drift on shared machines.
public enum Bench {
    public struct Result: Sendable {
        public let name: String
        public let medianMs: Double
        public let p90Ms: Double
        public let ratio: Double
    }

    /// The parts features contribute, by name, and `all` (every part that measures on the shared data set).
    public static var partNames: [String] { FeatureList.benchParts.map(\.name) + ["all"] }

    /// `--help` text for `--part`.
    public static var partsHelp: String {
        FeatureList.benchParts.map { "\($0.name) (\($0.help))" }.joined(separator: ", ") + " or all (every part but those that seed on their own)"
    }

    /// Seeds the data set at `scale` (when missing) and runs `part` on it, or every part of the data set for `all`;
    /// a part that seeds its own data set runs alone.
    public static func run(_ settings: Settings, scale: DemoScale, repeats: Int, part: String = "all", casesPerDay: Double = 2740,
                           log: @escaping @Sendable (String) -> Void) async throws -> [String] {
        let options = BenchOptions(repeats: repeats, casesPerDay: casesPerDay, log: log)
        let parts = FeatureList.benchParts.filter { part == "all" || $0.name == part }
        guard !parts.isEmpty else { throw APIError.invalid("part", "--part must be one of \(partNames.joined(separator: ", "))") }
        if parts.count == 1, case .alone(let run) = parts[0].run { return try await run(settings, options) }
        return try await JingzhiCommands.run(settings) { app in
            var lines: [String] = []
            let started = Date()
            let summary = try await DemoSeeder.seed(app, scale: scale, log: log)
            let seedSeconds = Date().timeIntervalSince(started)
            let db = settings.usesPostgres ? "PostgreSQL" : "SQLite"
            lines.append("data set: \(scale.rawValue), \(summary.residents) residents, \(summary.households) households, \(summary.nodes) nodes, on \(db)")
            lines.append(summary.created ? String(format: "seed time: %.1f s", seedSeconds) : "seed time: (already seeded)")
            for p in parts {
                guard case .onDataSet(let run) = p.run else { continue }
                lines.append("")
                lines += try await run(app, options)
            }
            return lines
        }
    }

    /// Fix ingestion (`patrolIngestion`) against reads of a resident by primary key in the same run, as rates.
    static func patrolLines(_ app: Application, repeats: Int) async throws -> [String] {
        guard try await User.query(on: app.db).filter(\.$username ~~ ["gt01_grid", "bh01_grid"]).count() > 0,
              let resident = try await Resident.query(on: app.db).first() else {
            return ["fix ingestion: needs the county demo's grid workers (--scale county)"]
        }
        let baseline = try await measure(repeats) { _ = try await Resident.find(resident.id, on: app.db) }
        let readsPerSecond = 1000 / baseline.0
        var lines = ["fix ingestion (2 grid workers side by side, 600 fixes each): baseline \(Int(readsPerSecond)) primary-key reads/s",
                     "| batch size | fixes | seconds | fixes/s | × baseline rate |", "|---:|---:|---:|---:|---:|"]
        for r in try await patrolIngestion(app) {
            lines.append(String(format: "| %d | %d | %.2f | %.0f | %.3f |", r.batchSize, r.fixes, r.seconds, r.fixesPerSecond, r.fixesPerSecond / readsPerSecond))
        }
        return lines
    }

    /// Median and 90th percentile in milliseconds of `repeats` runs, after two warm-up runs.
    static func measure(_ repeats: Int, _ work: () async throws -> Void) async throws -> (Double, Double) {
        for _ in 0..<2 { try await work() }
        var times: [Double] = []
        for _ in 0..<repeats {
            let t0 = DispatchTime.now().uptimeNanoseconds
            try await work()
            times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1_000_000)
        }
        times.sort()
        return (times[times.count / 2], times[min(times.count - 1, Int(Double(times.count) * 0.9))])
    }
}
