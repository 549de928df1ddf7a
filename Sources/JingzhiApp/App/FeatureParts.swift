import Fluent
import JingzhiCore
import Vapor

/// What a feature gets to add its part of the demo, inside the seeding transaction, once the register is in.
struct DemoContext {
    let app: Application
    let plan: DemoPlan
    /// The county just seeded.
    let root: OrgNode
    let db: any Database
    let log: @Sendable (String) -> Void
    /// The demo's "today" (a day number): contributors date everything up to it.
    var asOf: Int { plan.asOf }
}

/// A feature with demo data of its own. The seeder calls each one in feature order; none is named by the seeder.
protocol DemoContributor {
    static func seedDemo(_ c: DemoContext) async throws
    /// What a demo server does to stay alive while it runs (devices that keep talking); nothing by default.
    static func liveDemo(_ app: Application)
}

extension DemoContributor {
    static func liveDemo(_ app: Application) {}
}

/// What every bench part is given.
struct BenchOptions: Sendable {
    let repeats: Int
    let casesPerDay: Double
    let log: @Sendable (String) -> Void
}

/// One part of `jingzhi bench`, contributed by a feature.
struct BenchPart: Sendable {
    enum Run: Sendable {
        /// Measures on the data set `bench` seeded at the scale asked for; part of `all`.
        case onDataSet(@Sendable (Application, BenchOptions) async throws -> [String])
        /// Seeds its own data set and measures on it; run only when named.
        case alone(@Sendable (Settings, BenchOptions) async throws -> [String])
    }

    /// What `--part` names it.
    let name: String
    /// One line for `--help`.
    let help: String
    let run: Run
}

/// A feature with parts of its own in `jingzhi bench`.
protocol BenchContributor {
    static var benchParts: [BenchPart] { get }
}

extension FeatureList {
    static var demoParts: [any DemoContributor.Type] { all.compactMap { $0 as? any DemoContributor.Type } }
    static var benchParts: [BenchPart] { all.compactMap { $0 as? any BenchContributor.Type }.flatMap { $0.benchParts } }
}
