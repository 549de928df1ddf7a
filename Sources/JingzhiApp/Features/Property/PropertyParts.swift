import JingzhiCore

extension PropertyFeature: DemoContributor, BenchContributor {
    /// Companies, contracts, fee items and a year of bills and ratings, at every scale.
    static func seedDemo(_ c: DemoContext) async throws {
        try await PropertyDemo.seed(c.plan, rootID: c.root.id!, on: c.db, log: c.log)
    }

    static let benchParts = [
        BenchPart(name: "property", help: "billing and scoring", run: .onDataSet { app, o in try await PropertyBench.run(app, log: o.log) }),
    ]
}
