import Foundation
import JingzhiCore
import Vapor

/// A numerator and denominator (分子/分母) of one computed indicator for one unit and period. Kept apart so that a
/// street's or county's value is the sum of its units' numerators over the sum of their denominators — never an
/// average of ratios.
struct AssessmentFraction: Codable, Sendable, Equatable {
    var numerator: Double
    var denominator: Double

    /// The raw value; nil when the denominator is 0 (nothing to measure: missing, not zero).
    var value: Double? { denominator > 0 ? numerator / denominator : nil }

    static func + (a: Self, b: Self) -> Self { .init(numerator: a.numerator + b.numerator, denominator: a.denominator + b.denominator) }
}

/// What one unit has for one indicator when it is scored.
struct EntryFacts: Sendable, Equatable {
    /// Computed: the fraction; nil when the platform has no data for the unit.
    var fraction: AssessmentFraction?
    /// Manual: 0–100; deduction and bonus: points; veto: 1 failed, 0 passed.
    var score: Double?
    /// Bonus: counted only once approved.
    var approved = false
}

/// A unit's score under a definition.
struct UnitScore: Sendable, Equatable {
    struct Dimension: Content, Equatable {
        var code: String
        var name: String
        var weight: Double
        /// 0–100; nil when none of its indicators has a score.
        var score: Double?
    }

    /// Points an indicator cost the unit (of the total's 100), largest first.
    struct Loss: Content, Equatable {
        var code: String
        var name: String
        var points: Double
    }

    var total: Double?
    var dimensions: [Dimension]
    var vetoed: Bool
    var deducted: Double
    var bonus: Double
    var pendingBonus: Double
    var losses: [Loss]
    /// Indicators (weighted) with no score yet: missing data or not scored.
    var missing: [String]
}

enum AssessmentScoring {
    static func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }

    /// Points per indicator: computed from its fraction's value, manual as scored. Missing indicators leave their
    /// item (and an item with none its dimension) and the weights of the rest are taken up to 100 % again.
    static func score(_ def: AssessmentDefinition, _ facts: [String: EntryFacts]) -> UnitScore {
        var dims: [UnitScore.Dimension] = [], losses: [UnitScore.Loss] = [], missing: [String] = []
        var deducted = 0.0, bonus = 0.0, pending = 0.0, vetoed = false
        var totalSum = 0.0, totalWeight = 0.0
        for d in def.dimensions {
            var dSum = 0.0, dWeight = 0.0
            var itemScores: [(ItemDef, Double, [(IndicatorDef, Double)])] = []
            for item in d.items {
                var iSum = 0.0, iWeight = 0.0, scored: [(IndicatorDef, Double)] = []
                for ind in item.indicators {
                    let f = facts[ind.code]
                    switch ind.kind {
                    case .computed, .manual:
                        let pts = ind.kind == .computed ? ind.points(raw: f?.fraction?.value) : f?.score.map { min(100, max(0, $0)) }
                        guard let pts else { missing.append(ind.code); continue }
                        iSum += pts * ind.weight
                        iWeight += ind.weight
                        scored.append((ind, pts))
                    case .deduction:
                        if let s = f?.score, s > 0 {
                            let p = min(s, ind.maxPoints ?? s)
                            deducted += p
                            losses.append(.init(code: ind.code, name: ind.name, points: round2(p)))
                        }
                    case .veto:
                        if (f?.score ?? 0) >= 1 { vetoed = true }
                    case .bonus:
                        if let s = f?.score, s > 0 {
                            let p = min(s, ind.maxPoints ?? s)
                            if f?.approved == true { bonus += p } else { pending += p }
                        }
                    }
                }
                guard iWeight > 0 else { continue }
                let itemScore = iSum / iWeight
                dSum += itemScore * item.weight
                dWeight += item.weight
                itemScores.append((item, iWeight, scored))
            }
            let dScore = dWeight > 0 ? dSum / dWeight : nil
            dims.append(.init(code: d.code, name: d.name, weight: d.weight, score: dScore.map(round2)))
            if let dScore {
                totalSum += dScore * d.weight
                totalWeight += d.weight
            }
            // What each indicator cost: its share of the total (after re-weighting) times the points it missed.
            for (item, iWeight, scored) in itemScores {
                for (ind, pts) in scored where pts < 100 {
                    let share = (ind.weight / iWeight) * (item.weight / dWeight) * d.weight / 100
                    losses.append(.init(code: ind.code, name: ind.name, points: round2(share * (100 - pts))))
                }
            }
        }
        var total: Double? = nil
        if totalWeight > 0 {
            let base = totalSum / totalWeight
            // Shares were of the dimensions present; scale them when some dimension is missing.
            if totalWeight < 100 { losses = losses.map { var l = $0; l.points = round2(l.points * 100 / totalWeight); return l } }
            total = round2(max(0, base - deducted + bonus))
        }
        return UnitScore(total: total, dimensions: dims, vetoed: vetoed, deducted: round2(deducted), bonus: round2(bonus),
                         pendingBonus: round2(pending), losses: losses.sorted { ($0.points, $1.code) > ($1.points, $0.code) }, missing: missing)
    }

    /// Competition ranking (1, 1, 3): equal totals share a rank; units without a total come last, unranked.
    static func ranks(_ totals: [(id: UUID, total: Double?)]) -> [UUID: Int] {
        let sorted = totals.compactMap { t in t.total.map { (t.id, $0) } }.sorted { $0.1 > $1.1 }
        var out: [UUID: Int] = [:]
        for (i, (id, total)) in sorted.enumerated() {
            if i > 0, sorted[i - 1].1 == total { out[id] = out[sorted[i - 1].0] } else { out[id] = i + 1 }
        }
        return out
    }

    /// 红榜 / 黑榜 / neither. A vetoed unit is never on the red list and always on the black one.
    static func list(total: Double?, vetoed: Bool, def: AssessmentDefinition) -> String? {
        if vetoed { return "black" }
        guard let total else { return nil }
        if total >= def.redAt { return "red" }
        if total < def.blackBelow { return "black" }
        return nil
    }
}
