import JingzhiCore

extension PatrolsFeature: DemoContributor, BenchContributor {
    /// A week of patrols by the county's grid workers (after the case history, whose events they link to).
    static func seedDemo(_ c: DemoContext) async throws {
        guard c.plan.scale == .county else { return }
        c.log("巡查：\(try await PatrolDemo.seed(under: c.root, asOf: c.asOf, on: c.db)) 次")
    }

    static let benchParts = [
        BenchPart(name: "patrols", help: "fix ingestion; needs the county demo's grid workers",
                  run: .onDataSet { app, o in try await Bench.patrolLines(app, repeats: o.repeats) }),
    ]
}
