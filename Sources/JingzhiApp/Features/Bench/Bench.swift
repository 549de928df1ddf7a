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

    /// Which benchmarks to run.
    public enum Part: String, CaseIterable, Sendable {
        /// `commandCentre` seeds and measures on its own (always the city with a year of cases); `all` leaves it out.
        case register, measures, property, patrols, commandCentre = "command-centre", all
    }

    public static func run(_ settings: Settings, scale: DemoScale, repeats: Int, part: Part = .all, casesPerDay: Double = 2740,
                           log: @escaping @Sendable (String) -> Void) async throws -> [String] {
        try await JingzhiCommands.run(settings) { app in
            var lines: [String] = []
            let started = Date()
            let summary = try await DemoSeeder.seed(app, scale: scale, log: log)
            let seedSeconds = Date().timeIntervalSince(started)
            let db = settings.usesPostgres ? "PostgreSQL" : "SQLite"
            lines.append("data set: \(scale.rawValue), \(summary.residents) residents, \(summary.households) households, \(summary.nodes) nodes, on \(db)")
            lines.append(summary.created ? String(format: "seed time: %.1f s", seedSeconds) : "seed time: (already seeded)")
            if part == .measures || part == .all {
                lines.append("")
                lines += try await MeasuresBench.run(app, repeats: repeats, casesPerDay: casesPerDay, log: log)
            }
            if part == .property || part == .all {
                lines.append("")
                lines += try await PropertyBench.run(app, log: log)
            }
            if part == .patrols || part == .all {
                lines.append("")
                lines += try await patrolLines(app, repeats: repeats)
            }
            guard part == .register || part == .all else { return lines }
            lines.append("")

            let service = ResidentService(db: app.db, now: app.clock.now())
            let streets = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.street.rawValue).all()
            // The street with the most residents is the hardest case.
            var biggest = streets[0], most = -1
            for s in streets {
                let n = try await Resident.query(on: app.db).within(DataScope(rootPath: s.path)).count()
                if n > most { (biggest, most) = (s, n) }
            }
            let anyResident = try await Resident.query(on: app.db).within(DataScope(rootPath: biggest.path)).first()!
            let baseline = try await measure(repeats) { _ = try await Resident.find(anyResident.id, on: app.db) }
            lines.append("street: \(biggest.name) (\(most) residents)")
            lines.append("| query | median ms | p90 ms | × baseline |")
            lines.append("|---|---:|---:|---:|")
            func row(_ name: String, _ t: (Double, Double)) {
                lines.append(String(format: "| %@ | %.2f | %.2f | %.1f |", name, t.0, t.1, t.0 / baseline.0))
            }
            row("baseline: resident by primary key", baseline)
            let scope = DataScope(rootPath: biggest.path)
            for tag in ["党员", "独居老人", "低保"] {
                let total = try await service.list(ResidentQuery(tag: tag), scope: .everything, page: PageRequest(page: 1, per: 20)).total
                for page in [1, max(1, min(50, total / 20))] {
                    let t = try await measure(repeats) {
                        _ = try await service.list(ResidentQuery(tag: tag), scope: scope, page: PageRequest(page: page, per: 20))
                    }
                    row("street + tag \(tag), page \(page) (20 a page, with total)", t)
                }
            }
            row("street, no tag, page 1 (with total)", try await measure(repeats) {
                _ = try await service.list(ResidentQuery(), scope: scope, page: PageRequest(page: 1, per: 20))
            })
            row("street, name search 王, page 1", try await measure(repeats) {
                _ = try await service.list(ResidentQuery(q: "王"), scope: scope, page: PageRequest(page: 1, per: 20))
            })
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
