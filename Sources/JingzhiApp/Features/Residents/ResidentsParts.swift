import Fluent
import JingzhiCore
import Vapor

extension ResidentsFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "register", help: "resident lists by street, tag and name", run: .onDataSet { app, o in try await registerLines(app, repeats: o.repeats) }),
    ]

    /// Resident lists of the street with the most residents, by tag, page and name, against a primary-key read.
    static func registerLines(_ app: Application, repeats: Int) async throws -> [String] {
        var lines: [String] = []
        let service = ResidentService(db: app.db, now: app.clock.now())
        let streets = try await OrgNode.query(on: app.db).filter(\.$kindRaw == NodeKind.street.rawValue).all()
        // The street with the most residents is the hardest case.
        var biggest = streets[0], most = -1
        for s in streets {
            let n = try await Resident.query(on: app.db).within(DataScope(rootPath: s.path)).count()
            if n > most { (biggest, most) = (s, n) }
        }
        let anyResident = try await Resident.query(on: app.db).within(DataScope(rootPath: biggest.path)).first()!
        let baseline = try await Bench.measure(repeats) { _ = try await Resident.find(anyResident.id, on: app.db) }
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
                let t = try await Bench.measure(repeats) {
                    _ = try await service.list(ResidentQuery(tag: tag), scope: scope, page: PageRequest(page: page, per: 20))
                }
                row("street + tag \(tag), page \(page) (20 a page, with total)", t)
            }
        }
        row("street, no tag, page 1 (with total)", try await Bench.measure(repeats) {
            _ = try await service.list(ResidentQuery(), scope: scope, page: PageRequest(page: 1, per: 20))
        })
        row("street, name search 王, page 1", try await Bench.measure(repeats) {
            _ = try await service.list(ResidentQuery(q: "王"), scope: scope, page: PageRequest(page: 1, per: 20))
        })
        return lines
    }
}
