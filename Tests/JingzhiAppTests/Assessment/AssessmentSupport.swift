import Fluent
import Foundation
import JingzhiCore
import Testing
import Vapor
@testable import JingzhiApp

/// A test measure with fixed fractions per community of the tiny county, and the three-level system of
/// `AssessmentScoringTests` saved and opened for October 2026 over the county.
enum AssessmentFixture {
    /// 古亭 9/10, 鱼城 1/2, 站前 9/10 (ties with 古亭), 湖滨: no data.
    static let fractions: [String: AssessmentFraction] = [
        "YT-GT-01": .init(numerator: 9, denominator: 10), "YT-GT-02": .init(numerator: 1, denominator: 2),
        "YT-BH-01": .init(numerator: 9, denominator: 10), "YT-BH-02": .init(numerator: 0, denominator: 0),
    ]

    static func register(_ app: Application) {
        app.assessmentMeasures.sources.append(AssessmentMeasureSource(feature: "test", measures: [
            AssessmentMeasureInfo(key: "test.share", zh: "测试比率", en: "Test share", share: true, kinds: [.community, .street]),
        ]) { ctx, _, _ in
            var rows: [AssessmentMeasureSource.Key: AssessmentFraction] = [:]
            for (code, f) in fractions {
                if let n = try await OrgNode.query(on: ctx.db).filter(\.$code == code).first() { rows[.path(n.path)] = f }
            }
            return ["test.share": rows]
        })
    }

    static func definitionJSON(_ def: AssessmentDefinition = AssessmentScoringTests.system) -> String { def.json() }

    static func system(_ app: Application) async throws -> AssessmentSystem {
        register(app)
        let root = try await app.node("YT")
        return try await AssessmentService(app: app, now: app.clock.now()).saveSystem(code: "test", name: "测试体系", unitKind: .community,
                                                                                    definition: AssessmentScoringTests.system, note: nil, nodePath: root.path)
    }

    static func round(_ app: Application) async throws -> AssessmentRound {
        let s = try await system(app)
        return try await AssessmentService(app: app, now: app.clock.now()).openRound(system: s, periodKind: .month, period: "2026-10", node: try await app.node("YT"))
    }

    static func result(_ app: Application, _ r: AssessmentRound, _ code: String) async throws -> AssessmentResult {
        let node = try await app.node(code)
        return try #require(try await AssessmentResult.query(on: app.db).filter(\.$roundID == r.id!).filter(\.$unitID == node.id!).first())
    }

    /// Scores a unit through the service (as the unit), submits and accepts it (as the system).
    static func complete(_ app: Application, _ r: AssessmentRound, _ code: String, a3: Double = 75, bonus: Bool = true) async throws {
        let service = AssessmentService(app: app, now: app.clock.now())
        let res = try await result(app, r, code)
        for (ind, score, note) in [("a2", 80.0, nil), ("a3", a3, nil), ("b1", 60, nil), ("d1", 2, "投诉查实"), ("x1", bonus ? 3 : 0, nil)] as [(String, Double, String?)] {
            try await service.selfScore(r, res, role: .unit, indicator: ind, score: score, note: note)
        }
        try await service.submit(r, res, role: .unit)
        try await service.accept(r, res, role: .system)
    }

    /// A 1×1 PNG's first bytes (what the sniffing reads).
    static let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52])
}
