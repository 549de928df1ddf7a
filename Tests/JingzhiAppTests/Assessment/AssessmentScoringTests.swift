import Foundation
import JingzhiCore
import Testing
@testable import JingzhiApp

/// Scoring by hand-computed examples: a three-level system with weights, missing data, a deduction, a veto, a bonus
/// awaiting approval, ties in a ranking, and sums up the tree instead of averages.
@Suite struct AssessmentScoringTests {
    /// A (60 %): A1 (50 %) = a1 computed 70 % + a2 manual 30 %; A2 (50 %) = a3 manual. B (40 %): B1 = b1 manual,
    /// a deduction (≤ 5), a veto and a bonus (≤ 3).
    static var system: AssessmentDefinition {
        AssessmentDefinition(dimensions: [
            DimensionDef(code: "A", name: "甲", weight: 60, items: [
                ItemDef(code: "A1", name: "甲一", weight: 50, indicators: [
                    IndicatorDef(code: "a1", name: "比率", kind: .computed, weight: 70, measure: "test.share", target: 1, floor: 0),
                    IndicatorDef(code: "a2", name: "人工二", kind: .manual, weight: 30),
                ]),
                ItemDef(code: "A2", name: "甲二", weight: 50, indicators: [IndicatorDef(code: "a3", name: "人工三", kind: .manual, weight: 100)]),
            ]),
            DimensionDef(code: "B", name: "乙", weight: 40, items: [
                ItemDef(code: "B1", name: "乙一", weight: 100, indicators: [
                    IndicatorDef(code: "b1", name: "人工四", kind: .manual, weight: 100),
                    IndicatorDef(code: "d1", name: "扣分", kind: .deduction, weight: 0, maxPoints: 5),
                    IndicatorDef(code: "v1", name: "否决", kind: .veto, weight: 0),
                    IndicatorDef(code: "x1", name: "加分", kind: .bonus, weight: 0, maxPoints: 3),
                ]),
            ]),
        ], redAt: 72, blackBelow: 60)
    }

    static func facts(a1: AssessmentFraction? = .init(numerator: 9, denominator: 10)) -> [String: EntryFacts] {
        ["a1": EntryFacts(fraction: a1), "a2": EntryFacts(score: 80), "a3": EntryFacts(score: 70), "b1": EntryFacts(score: 60)]
    }

    @Test func threeLevelWeightsByHand() {
        // A1 = 90×0.7 + 80×0.3 = 87; A = (87 + 70) / 2 = 78.5; total = 78.5×0.6 + 60×0.4 = 71.1
        let s = AssessmentScoring.score(Self.system, Self.facts())
        #expect(s.total == 71.1)
        #expect(s.dimensions.map(\.score) == [78.5, 60])
        #expect(!s.vetoed && s.missing.isEmpty)
        // a1 misses 10 points of a 0.7 × 0.5 × 0.6 = 21 % share: 2.1 points
        #expect(s.losses.first { $0.code == "a1" }?.points == 2.1)
        #expect(s.losses.first?.code == "b1")   // 40 % × 40 missed = 16 points
    }

    @Test func missingDataIsLeftOutNotCountedAsZero() {
        // a1 has no denominator: A1 = a2 alone = 80; A = 75; total = 45 + 24 = 69 (as zero it would be 50.1)
        let s = AssessmentScoring.score(Self.system, Self.facts(a1: .init(numerator: 0, denominator: 0)))
        #expect(s.total == 69)
        #expect(s.missing == ["a1"])
    }

    @Test func deductionVetoAndBonusAwaitingApproval() {
        var f = Self.facts()
        f["d1"] = EntryFacts(score: 2)
        f["x1"] = EntryFacts(score: 3)
        let pending = AssessmentScoring.score(Self.system, f)
        #expect(pending.total == 69.1 && pending.deducted == 2 && pending.pendingBonus == 3 && pending.bonus == 0)
        f["x1"] = EntryFacts(score: 3, approved: true)
        let approved = AssessmentScoring.score(Self.system, f)
        #expect(approved.total == 72.1 && approved.bonus == 3 && approved.pendingBonus == 0)
        #expect(AssessmentScoring.list(total: approved.total, vetoed: false, def: Self.system) == "red")
        f["v1"] = EntryFacts(score: 1)
        let vetoed = AssessmentScoring.score(Self.system, f)
        #expect(vetoed.vetoed && vetoed.total == 72.1)
        // A vetoed unit is never on the red list, whatever its total.
        #expect(AssessmentScoring.list(total: vetoed.total, vetoed: true, def: Self.system) == "black")
    }

    @Test func rankingWithTies() {
        let (a, b, c, d, e) = (UUID(), UUID(), UUID(), UUID(), UUID())
        let ranks = AssessmentScoring.ranks([(a, 80), (b, 90), (c, 80), (d, nil), (e, 70)])
        #expect(ranks[b] == 1 && ranks[a] == 2 && ranks[c] == 2 && ranks[e] == 4 && ranks[d] == nil)
    }

    @Test func sumsUpTheTreeNotAverages() {
        // Two communities of one street: 1/2 and 9/10. The street is 10/12 = 0.833…, not (0.5 + 0.9) / 2 = 0.7.
        let street = AssessmentUnitRef(id: UUID(), name: "街道", path: "0001", kind: .street)
        let rows: [AssessmentMeasureSource.Key: AssessmentFraction] = [
            .path("00010001"): .init(numerator: 1, denominator: 2), .path("00010002"): .init(numerator: 9, denominator: 10),
            .path("00020001"): .init(numerator: 5, denominator: 5),
        ]
        let f = AssessmentMeasureRegistry.sum(rows, to: [street])[street.id]
        #expect(f == AssessmentFraction(numerator: 10, denominator: 12))
        #expect(abs((f?.value ?? 0) - 10.0 / 12) < 1e-12)
    }

    @Test func weightsThatDoNotAddUpAreRefused() throws {
        var def = Self.system
        def.dimensions[0].weight = 50
        #expect(throws: APIError.self) { try def.validate(measures: ["test.share"]) }
        #expect(def.weightSums.first?.sum == 90 && def.weightSums.first?.ok == false)
        var items = Self.system
        items.dimensions[0].items[0].indicators[0].weight = 60
        do {
            try items.validate(measures: ["test.share"])
            Issue.record("a 90 % item was accepted")
        } catch let e as APIError {
            #expect(e.code == "weights_not_100" && e.message.contains("90"))
        }
        try Self.system.validate(measures: ["test.share"])
        #expect(throws: APIError.self) { try Self.system.validate(measures: []) }   // unknown measure
    }

    @Test func scoringRuleAndDirection() {
        let higher = IndicatorDef(code: "h", name: "h", kind: .computed, weight: 100, measure: "m", target: 0.9, floor: 0.5)
        #expect(higher.points(raw: 0.7) == 50 && higher.points(raw: 0.95) == 100 && higher.points(raw: 0.4) == 0 && higher.points(raw: nil) == nil)
        let lower = IndicatorDef(code: "l", name: "l", kind: .computed, weight: 100, measure: "m", direction: .lower, target: 2, floor: 10)
        #expect(lower.points(raw: 6) == 50 && lower.points(raw: 1) == 100 && lower.points(raw: 12) == 0)
    }

    @Test func periods() {
        #expect(AssessmentPeriodKind.quarter.days("2026-Q4")! == ("2026-10-01", "2026-12-31"))
        #expect(AssessmentPeriodKind.month.previous("2026-01") == "2025-12")
        #expect(AssessmentPeriodKind.month.lastYear("2026-10") == "2025-10")
        #expect(AssessmentPeriodKind.quarter.previous("2026-Q1") == "2025-Q4")
        #expect(AssessmentPeriodKind.month.days("2026-13") == nil && AssessmentPeriodKind.year.days("26") == nil)
    }

    @Test func templatesAreValid() throws {
        let keys = Set(AssessmentSources.all.flatMap { $0.measures.map(\.key) })
        try AssessmentTemplates.fourType.validate(measures: keys)
        try AssessmentTemplates.redProperty.validate(measures: keys)
        let four = AssessmentTemplates.fourType
        #expect(four.dimensions.map(\.name) == ["平安型", "便利型", "美丽型", "幸福型"])
        #expect(four.dimensions.flatMap(\.items).count == 48)
        #expect(four.indicators.filter { $0.kind == .computed }.count > four.indicators.filter { $0.kind == .manual }.count - 5)
    }
}
