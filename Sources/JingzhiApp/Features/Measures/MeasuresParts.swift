import JingzhiCore

extension MeasuresFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "measures", help: "case measures on a year of cases; seeded if missing",
                  run: .onDataSet { app, o in try await MeasuresBench.run(app, repeats: o.repeats, casesPerDay: o.casesPerDay, log: o.log) }),
    ]
}
