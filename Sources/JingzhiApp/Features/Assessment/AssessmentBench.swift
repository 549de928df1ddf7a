import Fluent
import Foundation
import JingzhiCore
import Vapor

/// `jingzhi bench --part assessment`: computing one month of 四型社区 for every community of the data set (the city:
/// 191) — every platform measure read through its feature's service, stored as numerators and denominators — and
/// scoring and ranking them, against a primary-key read in the same run.
enum AssessmentBench {
    static let part = BenchPart(name: "assessment", help: "a month of 四型社区 computed and ranked for every community",
                                run: .onDataSet { app, o in try await run(app, repeats: o.repeats, log: o.log) })

    static func run(_ app: Application, repeats: Int, log: @escaping @Sendable (String) -> Void) async throws -> [String] {
        let roots = try await OrgNode.query(on: app.db).filter(\.$parentID == nil).all()
        var root = roots[0], most = -1
        for r in roots {
            let n = try await OrgNode.query(on: app.db).within(DataScope(rootPath: r.path)).filter(\.$kindRaw == NodeKind.community.rawValue).count()
            if n > most { (root, most) = (r, n) }
        }
        let now = DemoDate.instant(DemoPlan.referenceDay, hour: 18)
        let service = AssessmentService(app: app, now: now, source: .system("bench"))
        let systems = try await AssessmentTemplates.install(service, root: root)
        let system = systems.first { $0.code == AssessmentTemplates.fourTypeCode }!
        let round: AssessmentRound
        if let r = try await AssessmentRound.query(on: app.db).filter(\.$systemCode == system.code).filter(\.$nodeID == root.id!)
            .filter(\.$period == "2026-10").first() {
            round = r
        } else {
            let started = Date()
            let r = try await service.openRound(system: system, periodKind: .month, period: "2026-10", node: root, compute: false)
            log(String(format: "assessment: round of %d communities opened in %.1f s", most, Date().timeIntervalSince(started)))
            round = r
        }
        let anyNode = try await OrgNode.query(on: app.db).filter(\.$parentID == root.id).first()!
        let baseline = try await Bench.measure(repeats) { _ = try await OrgNode.find(anyNode.id, on: app.db) }
        let runs = max(3, repeats / 20)
        let compute = try await Bench.measure(runs) { try await service.refresh(round) }
        let score = try await Bench.measure(runs) {
            let facts = try await service.facts(of: round)
            let def = round.definition
            _ = AssessmentScoring.ranks(facts.map { id, f in (id, AssessmentScoring.score(def, f).total) })
        }
        var lines = ["root: \(root.name); \(most) communities, \(round.definition.indicators.count) indicators each (\(round.definition.indicators.filter { $0.kind == .computed }.count) computed)"]
        lines.append("| query | median ms | p90 ms | × baseline |")
        lines.append("|---|---:|---:|---:|")
        func row(_ name: String, _ t: (Double, Double)) { lines.append(String(format: "| %@ | %.2f | %.2f | %.1f |", name, t.0, t.1, t.0 / baseline.0)) }
        row("baseline: org node by primary key", baseline)
        row("compute the month's platform indicators for every community (\(runs) runs)", compute)
        row("score and rank every community from stored values (\(runs) runs)", score)
        return lines
    }
}
