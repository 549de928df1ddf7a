import JingzhiCore
import Testing
@testable import JingzhiApp

/// Demo and bench parts come from the features that declare them; the seeder and `bench` name none.
@Suite struct FeaturePartsTests {
    @Test func demoPartsRunInFeatureOrderSoCasesComeBeforeThePatrolsThatLinkToThem() {
        let names = FeatureList.demoParts.map { String(describing: $0) }
        #expect(names == ["CasesFeature", "PatrolsFeature", "PropertyFeature", "DeliberationFeature", "PointsFeature", "DevicesFeature", "NoticesFeature",
                         "PartnersFeature", "ServicesFeature", "CanteenFeature", "AssessmentFeature"])
    }

    @Test func benchPartsHaveUniqueNamesAndOnlyTheCityAndThePointsLedgerSeedAlone() {
        let parts = FeatureList.benchParts
        #expect(parts.map(\.name) == ["register", "patrols", "property", "command-centre", "measures", "deliberation", "points", "devices",
                                       "notices", "partners", "services", "canteen", "assessment", "observability"])
        #expect(Set(parts.map(\.name)).count == parts.count)
        let alone = parts.filter { if case .alone = $0.run { true } else { false } }.map(\.name)
        #expect(alone == ["command-centre", "points", "notices", "partners", "observability"])
        #expect(Bench.partNames.last == "all")
    }

    @Test func anUnknownPartIsRefusedBeforeAnythingIsSeeded() async throws {
        await #expect(throws: APIError.self) {
            _ = try await Bench.run(Settings(dataDirectory: "/nonexistent"), scale: .tiny, repeats: 1, part: "nope") { _ in }
        }
    }
}
