import Foundation
import JingzhiCore

/// What an indicator (指标) is: computed from the platform, scored by hand, or one of the three marks on the total —
/// a deduction (扣分), a one-vote veto (一票否决) or bonus points (加分, counted once approved).
enum IndicatorKind: String, Codable, CaseIterable, Sendable {
    case computed, manual, deduction, veto, bonus

    /// Computed and manual indicators carry weight; the other three act on the total.
    var weighted: Bool { self == .computed || self == .manual }

    var zh: String {
        switch self {
        case .computed: "平台计算"
        case .manual: "人工评分"
        case .deduction: "扣分项"
        case .veto: "一票否决"
        case .bonus: "加分项"
        }
    }

    var en: String {
        switch self {
        case .computed: "computed"
        case .manual: "scored by hand"
        case .deduction: "deduction"
        case .veto: "veto"
        case .bonus: "bonus"
        }
    }
}

/// Whether a higher or a lower raw value is better.
enum IndicatorDirection: String, Codable, Sendable {
    case higher, lower
}

/// One indicator. A computed one names the measure it reads and turns its raw value into 0–100 points linearly:
/// `floor` scores 0, `target` scores 100 (for "lower is better" the floor is the larger value).
struct IndicatorDef: Codable, Sendable, Equatable {
    var code: String
    var name: String
    var kind: IndicatorKind
    /// Percent of its item; 0 for deductions, vetoes and bonuses.
    var weight: Double
    var measure: String?
    var direction: IndicatorDirection = .higher
    var target: Double?
    var floor: Double?
    /// Deductions and bonuses: at most this many points off or onto the total.
    var maxPoints: Double?

    /// 0–100 points for a raw value; nil for no value (missing data is not a zero).
    func points(raw: Double?) -> Double? {
        guard let raw, let target else { return nil }
        let floor = floor ?? (direction == .higher ? 0 : 2 * target)
        let span = direction == .higher ? target - floor : floor - target
        guard span > 0 else { return nil }
        let gained = direction == .higher ? raw - floor : floor - raw
        return (min(1, max(0, gained / span)) * 100 * 100).rounded() / 100
    }
}

/// An item (项目) of a dimension: weighted indicators, plus any deductions, vetoes and bonuses.
struct ItemDef: Codable, Sendable, Equatable {
    var code: String
    var name: String
    /// Percent of its dimension.
    var weight: Double
    var indicators: [IndicatorDef]
}

/// A dimension (维度), e.g. 平安型.
struct DimensionDef: Codable, Sendable, Equatable {
    var code: String
    var name: String
    /// Percent of the total.
    var weight: Double
    var items: [ItemDef]
}

/// A whole indicator system as frozen into a round: the tree and the red/black list thresholds.
struct AssessmentDefinition: Codable, Sendable, Equatable {
    var dimensions: [DimensionDef]
    /// 红榜: a total at or above this, and no veto failed.
    var redAt: Double = 90
    /// 黑榜: a total below this, or a veto failed.
    var blackBelow: Double = 60

    var indicators: [IndicatorDef] { dimensions.flatMap { $0.items.flatMap(\.indicators) } }

    func indicator(_ code: String) -> IndicatorDef? { indicators.first { $0.code == code } }

    /// A level's weights as they add up, for the editor: (where, what it adds to, the sum).
    struct WeightSum: Sendable, Equatable {
        var code: String
        var name: String
        var sum: Double
        var ok: Bool { abs(sum - 100) < 0.001 }
    }

    /// The sum of every level: the dimensions, each dimension's items, each item's weighted indicators.
    var weightSums: [WeightSum] {
        var out = [WeightSum(code: "", name: "维度合计", sum: dimensions.map(\.weight).reduce(0, +))]
        for d in dimensions {
            out.append(.init(code: d.code, name: d.name, sum: d.items.map(\.weight).reduce(0, +)))
            for i in d.items where i.indicators.contains(where: { $0.kind.weighted }) {
                out.append(.init(code: i.code, name: i.name, sum: i.indicators.filter(\.kind.weighted).map(\.weight).reduce(0, +)))
            }
        }
        return out
    }

    /// Refuses a tree that cannot be scored: weights not adding up to 100 % at a level, unknown measures, rules that
    /// do not turn a value into points, duplicate codes.
    func validate(measures: Set<String>) throws {
        guard !dimensions.isEmpty else { throw APIError.invalid("definition", "至少需要一个维度 (at least one dimension)") }
        func fmt(_ x: Double) -> String { String(format: "%g", x) }
        for s in weightSums where !s.ok {
            let place = s.code.isEmpty ? "维度" : "「\(s.name)」的下级"
            throw APIError(.unprocessableEntity, code: "weights_not_100",
                           "\(place)权重合计为 \(fmt(s.sum))%，应为 100% (weights under \(s.code.isEmpty ? "the system" : s.code) add up to \(fmt(s.sum)) %, not 100 %)",
                           field: "weights")
        }
        var codes = Set<String>()
        for code in dimensions.map(\.code) + dimensions.flatMap({ $0.items.map(\.code) }) + indicators.map(\.code) {
            guard !code.isEmpty, codes.insert(code).inserted else {
                throw APIError.invalid("definition", "编码重复或为空：\(code) (duplicate or empty code \(code))")
            }
        }
        for d in dimensions where d.weight <= 0 || d.items.contains(where: { $0.weight <= 0 }) {
            throw APIError.invalid("weights", "「\(d.name)」中有权重不大于 0 的项 (a weight in \(d.code) is not above 0)")
        }
        for i in indicators {
            if i.kind.weighted && i.weight <= 0 { throw APIError.invalid("weights", "指标「\(i.name)」权重须大于 0 (weight of \(i.code) must be above 0)") }
            switch i.kind {
            case .computed:
                guard let m = i.measure, measures.contains(m) else {
                    throw APIError.invalid("measure", "指标「\(i.name)」的数据来源未知 (unknown measure for \(i.code))")
                }
                guard i.target != nil, i.points(raw: i.target) == 100 else {
                    throw APIError.invalid("target", "指标「\(i.name)」的目标值与起评值不能换算得分 (target and floor of \(i.code) do not make a scoring rule)")
                }
            case .deduction, .bonus:
                guard let m = i.maxPoints, m > 0, m <= 100 else {
                    throw APIError.invalid("maxPoints", "「\(i.name)」须设最高分值 (1–100) (\(i.code) needs maxPoints 1–100)")
                }
            case .manual, .veto: break
            }
        }
        guard blackBelow <= redAt else { throw APIError.invalid("redAt", "红榜分数线须不低于黑榜 (the red-list line must not be below the black-list line)") }
    }

    static func decode(_ json: String) throws -> AssessmentDefinition {
        try JSONDecoder().decode(AssessmentDefinition.self, from: Data(json.utf8))
    }

    func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self)
    }
}

/// Period kinds of a round.
enum AssessmentPeriodKind: String, Codable, CaseIterable, Sendable {
    case month, quarter, year

    var zh: String { self == .month ? "月度" : self == .quarter ? "季度" : "年度" }
    var en: String { rawValue }

    /// `2026-10`, `2026-Q4` or `2026` → first and last day (Asia/Shanghai), or nil when it is not of this kind.
    func days(_ period: String) -> (from: String, to: String)? {
        switch self {
        case .month:
            guard (try? ShanghaiTime.parseMonth(period)) != nil else { return nil }
            return (period + "-01", ShanghaiTime.lastDay(of: period))
        case .quarter:
            let p = period.split(separator: "-")
            guard p.count == 2, let y = Int(p[0]), y > 2000, y < 2100, p[1].count == 2, p[1].first == "Q", let q = Int(p[1].dropFirst()), (1...4).contains(q) else { return nil }
            let first = String(format: "%04d-%02d", y, q * 3 - 2)
            return (first + "-01", ShanghaiTime.lastDay(of: ShanghaiTime.month(first, plus: 2)))
        case .year:
            guard period.count == 4, let y = Int(period), y > 2000, y < 2100 else { return nil }
            return ("\(period)-01-01", "\(period)-12-31")
        }
    }

    /// The period before, and the same period a year before.
    func previous(_ period: String) -> String? {
        guard let d = days(period) else { return nil }
        let dayBefore = ShanghaiTime.add(-1, to: d.from)
        return key(of: dayBefore)
    }

    func lastYear(_ period: String) -> String? {
        guard let d = days(period) else { return nil }
        return key(of: ShanghaiTime.years(-1, from: d.from))
    }

    /// The period a day falls in.
    func key(of day: String) -> String {
        let y = String(day.prefix(4)), m = Int(day.dropFirst(5).prefix(2)) ?? 1
        switch self {
        case .month: return String(day.prefix(7))
        case .quarter: return "\(y)-Q\((m - 1) / 3 + 1)"
        case .year: return y
        }
    }
}

/// The kinds of unit a round assesses.
enum AssessmentUnitKind: String, Codable, CaseIterable, Sendable {
    case street, community, grid
    case propertyCompany = "property_company"
    /// County departments answering the streets' whistles (街呼县应), by the cases they are given.
    case department

    var zh: String {
        switch self {
        case .street: "街道"
        case .community: "社区"
        case .grid: "网格"
        case .propertyCompany: "物业企业"
        case .department: "县直部门"
        }
    }

    var en: String {
        switch self {
        case .street: "streets"
        case .community: "communities"
        case .grid: "grids"
        case .propertyCompany: "property companies"
        case .department: "county departments"
        }
    }

    var nodeKind: NodeKind? {
        switch self {
        case .street: .street
        case .community: .community
        case .grid: .grid
        case .propertyCompany, .department: nil
        }
    }

    /// Areas of the org tree (streets, communities, grids), as against companies and departments.
    static let areas: [AssessmentUnitKind] = [.street, .community, .grid]
}
