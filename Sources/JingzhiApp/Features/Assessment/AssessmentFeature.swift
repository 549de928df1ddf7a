import Foundation
import JingzhiCore
import Vapor

/// Assessment (考核评价): indicator systems with computed and hand-scored indicators, rounds reviewed level by level,
/// rankings, red and black lists and the 擂台赛. Other features' measures come in through `AssessmentSources`.
enum AssessmentFeature: Feature, DemoContributor, BenchContributor {
    static func configure(_ app: Application) {
        app.assessmentMeasures.sources.append(contentsOf: AssessmentSources.all)
        app.commandCentre.sections.append { req, node in try await AssessmentRankingPages.commandCentre(req, node: node) }
    }

    static func routes(_ g: RouteGroups) throws {
        AssessmentAPI.register(g.apiAuthed)
        AssessmentPages.register(g.staff)
    }

    static let navigation: [NavItem] = [
        navLink(75, .stats) { AssessmentPages.canSee($0) ? (SiteURL.Assessment.index.path, "考核评价", "Assessment") : nil },
    ]

    static let pathColumns = [PathColumn(AssessmentSystem.schema), PathColumn(AssessmentRound.schema), PathColumn(AssessmentResult.schema),
                              PathColumn(AssessmentEntry.schema), PathColumn(AssessmentEvidence.schema)]

    static func seedDemo(_ c: DemoContext) async throws { try await AssessmentDemo.seed(c) }

    static var benchParts: [BenchPart] { [AssessmentBench.part] }
}
