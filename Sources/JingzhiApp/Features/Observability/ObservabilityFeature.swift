import JingzhiCore
import Vapor

/// Operations' view into the server: `/metrics` (Core measures HTTP, database and scheduler; features add their
/// gauges) and the bench part that prices the metrics and logging middleware.
enum ObservabilityFeature: Feature, BenchContributor {
    static func routes(_ g: RouteGroups) throws { MetricsEndpoint.register(g.app) }

    static let benchParts = [ObservabilityBench.part]
}
