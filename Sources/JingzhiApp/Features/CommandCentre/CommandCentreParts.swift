import JingzhiCore

extension CommandCentreFeature: BenchContributor {
    static let benchParts = [
        BenchPart(name: "command-centre", help: "the city with a year of cases; seeds on its own",
                  run: .alone { settings, o in try await Bench.commandCentre(settings, repeats: o.repeats, perDay: o.casesPerDay, log: o.log) }),
    ]
}
