import Foundation
import JingzhiCore
import Vapor

/// The case measures (考核指标): Beijing 12345's "三率" (response, resolution, satisfaction) and friends, for the cases
/// *created* in a period, in a subtree, optionally of one category and one handling department.
/// The same text is in `docs/measures.md`; change both together.
///
/// Terms used below:
/// - **Assessed case**: any case except `merged` (a duplicate, measured through the case it joined) and `rejected`
///   (不予受理: not a request the loop owes an answer to). Only assessed cases enter the rates and durations;
///   `counts` still shows every case.
/// - **Responded**: the case has `respondedAt`, set by its first `accept` or `dispatch` (受理/交办).
/// - **Answered**: the case is `replied` or `closed`, i.e. it has a standing reply (`repliedAt`, the *last* reply:
///   a reopened case is answered again only when it is replied to again).
/// - **Now**: the moment the measures are computed (`asOf`); a deadline "has passed" when it is before now.
/// - A rate is a fraction 0…1, `null` when its denominator is 0. `basis` gives each numerator and denominator.
/// - Hours are (end − `createdAt`) in seconds ÷ 3600, calendar time. Percentiles interpolate linearly between the
///   two nearest ranks (PostgreSQL's `percentile_cont`, Excel's PERCENTILE.INC): for n sorted values x₀…xₙ₋₁ the
///   p-th percentile is xₖ + f·(xₖ₊₁ − xₖ) with k + f = p·(n − 1); `null` when there is no value. Hours are
///   rounded to 6 decimal places (3.6 ms).
/// - The period is the cases' creation time in Asia/Shanghai days, `from` and `to` inclusive.
struct CaseMeasures: Content {
    /// The creation days measured, Asia/Shanghai, both inclusive; `null` is open-ended.
    struct Period: Content, Equatable {
        var from: String?
        var to: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(from, forKey: .from)
            try c.encode(to, forKey: .to)
        }
    }

    /// The node measured (its subtree); `null` for the whole tree.
    struct NodeRef: Content, Equatable {
        var id: UUID
        var code: String
        var name: String
        var kind: String
    }

    /// What was measured besides the period.
    struct Filters: Content, Equatable {
        var node: NodeRef?
        /// Category code; the category's subcategories are included.
        var category: String?
        /// Code of the handling department (`handlerDepartmentId`).
        var department: String?

        /// Unset filters are `null`, not missing: `"node": null` is the whole tree.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(node, forKey: .node)
            try c.encode(category, forKey: .category)
            try c.encode(department, forKey: .department)
        }
    }

    /// In a breakdown row: which group the row is — a node's code (and id), a category code, or a month `yyyy-MM` —
    /// and its name. The row's `period` and `filters` are the request's.
    struct Group: Content, Equatable {
        var by: String
        var key: String
        var name: String
        var nodeId: UUID? = nil
    }

    /// One rate as counted: `numerator ÷ denominator`.
    struct Fraction: Content, Equatable {
        var numerator: Int
        var denominator: Int

        var rate: Double? { denominator == 0 ? nil : Double(numerator) / Double(denominator) }
    }

    struct Basis: Content, Equatable {
        var response: Fraction
        var resolution: Fraction
        var satisfaction: Fraction
        var onTime: Fraction
        var gridClosure: Fraction
        var communityClosure: Fraction
    }

    /// Every case created in the period and scope, whatever its state.
    struct Counts: Content, Equatable {
        var total: Int
        /// One entry per `CaseState` raw value, zeros included.
        var byState: [String: Int]
    }

    var period: Period
    var filters: Filters
    var group: Group?
    /// The moment "now" in the definitions.
    var asOf: Date

    /// 响应率. Responded within the response deadline (`respondedAt ≤ responseDueAt`) ÷ assessed cases that were
    /// responded or whose response deadline has passed. A case still inside its response time does not count yet.
    var responseRate: Double? { basis.response.rate }
    /// 解决率. Answered ÷ assessed cases that should have been answered by now: answered, or not answered and past
    /// the resolution deadline (`resolutionDueAt`). Timeliness of the answer is the on-time rate's business.
    var resolutionRate: Double? { basis.resolution.rate }
    /// 满意率. Closed cases whose final rating is satisfied or basically_satisfied ÷ closed cases with a rating.
    /// The final rating is the one that closed the case: an unsatisfied first rating reopens it, and the rating
    /// given after the return visit replaces it. Cases closed without a rating are not rated.
    var satisfactionRate: Double? { basis.satisfaction.rate }
    /// 按时办结率. Answered cases whose last reply was by the resolution deadline (`repliedAt ≤ resolutionDueAt`)
    /// ÷ answered cases.
    var onTimeRate: Double? { basis.onTime.rate }
    /// 小事不出网格. Closed cases whose final handler level was grid or property (the compound's property company
    /// works inside the grid; the same rung as grid on the escalation ladder) ÷ closed cases (state `closed`).
    var gridClosureShare: Double? { basis.gridClosure.rate }
    /// 大事不出社区. Closed cases whose final handler level was grid, property or community ÷ closed cases.
    var communityClosureShare: Double? { basis.communityClosure.rate }
    /// Hours from creation to the first response, over responded assessed cases: median and 90th percentile.
    var medianHoursToRespond: Double?
    var p90HoursToRespond: Double?
    /// Hours from creation to the last reply, over answered cases: median and 90th percentile.
    var medianHoursToResolve: Double?
    var p90HoursToResolve: Double?
    var counts: Counts
    var basis: Basis

    enum CodingKeys: String, CodingKey {
        case period, filters, group, asOf, responseRate, resolutionRate, satisfactionRate, onTimeRate, gridClosureShare,
             communityClosureShare, medianHoursToRespond, p90HoursToRespond, medianHoursToResolve, p90HoursToResolve, counts, basis
    }

    init(period: Period, filters: Filters, group: Group? = nil, asOf: Date, basis: Basis, counts: Counts,
         respond: (median: Double?, p90: Double?), resolve: (median: Double?, p90: Double?)) {
        self.period = period
        self.filters = filters
        self.group = group
        self.asOf = asOf
        self.basis = basis
        self.counts = counts
        medianHoursToRespond = respond.median
        p90HoursToRespond = respond.p90
        medianHoursToResolve = resolve.median
        p90HoursToResolve = resolve.p90
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        period = try c.decode(Period.self, forKey: .period)
        filters = try c.decode(Filters.self, forKey: .filters)
        group = try c.decodeIfPresent(Group.self, forKey: .group)
        asOf = try c.decode(Date.self, forKey: .asOf)
        medianHoursToRespond = try c.decodeIfPresent(Double.self, forKey: .medianHoursToRespond)
        p90HoursToRespond = try c.decodeIfPresent(Double.self, forKey: .p90HoursToRespond)
        medianHoursToResolve = try c.decodeIfPresent(Double.self, forKey: .medianHoursToResolve)
        p90HoursToResolve = try c.decodeIfPresent(Double.self, forKey: .p90HoursToResolve)
        counts = try c.decode(Counts.self, forKey: .counts)
        basis = try c.decode(Basis.self, forKey: .basis)
    }

    /// Rates and hours are always present, `null` when there is nothing to measure.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(period, forKey: .period)
        try c.encode(filters, forKey: .filters)
        try c.encodeIfPresent(group, forKey: .group)
        try c.encode(asOf, forKey: .asOf)
        try c.encode(responseRate, forKey: .responseRate)
        try c.encode(resolutionRate, forKey: .resolutionRate)
        try c.encode(satisfactionRate, forKey: .satisfactionRate)
        try c.encode(onTimeRate, forKey: .onTimeRate)
        try c.encode(gridClosureShare, forKey: .gridClosureShare)
        try c.encode(communityClosureShare, forKey: .communityClosureShare)
        try c.encode(medianHoursToRespond, forKey: .medianHoursToRespond)
        try c.encode(p90HoursToRespond, forKey: .p90HoursToRespond)
        try c.encode(medianHoursToResolve, forKey: .medianHoursToResolve)
        try c.encode(p90HoursToResolve, forKey: .p90HoursToResolve)
        try c.encode(counts, forKey: .counts)
        try c.encode(basis, forKey: .basis)
    }
}

/// `GET /api/v1/measures/cases/breakdown`: the same measures for each group, e.g. to rank communities.
struct CaseMeasuresBreakdown: Content {
    var by: String
    var period: CaseMeasures.Period
    var filters: CaseMeasures.Filters
    var asOf: Date
    var rows: [CaseMeasures]
}

/// How a breakdown groups cases.
enum CaseMeasuresGrouping: String, CaseIterable, Sendable {
    /// By the node of that kind the case lies under (location, not handler). Every such node in the subtree gets a
    /// row, with or without cases; cases not under any node of the kind are in no row.
    case street, community, grid
    /// By the case's own category code (a subcategory is its own row). Only categories with cases get a row.
    case category
    /// By the Asia/Shanghai month of creation, `yyyy-MM`. With both `from` and `to`, every month of the period
    /// gets a row; otherwise only months with cases.
    case month

    var nodeKind: NodeKind? {
        switch self {
        case .street: .street
        case .community: .community
        case .grid: .grid
        case .category, .month: nil
        }
    }
}

extension CaseMeasures {
    /// One measure in short (指标口径), for pages: the label and the definition in both languages. The full text is
    /// the doc comments above and `docs/measures.md`; change all three together.
    struct Definition: Sendable {
        /// The JSON field, or the pair of fields for durations.
        let key: String
        let zh: String
        let en: String
        let textZh: String
        let textEn: String
    }

    static let definitions: [Definition] = [
        .init(key: "assessed", zh: "考核诉求", en: "Assessed case",
              textZh: "除“已合并”与“不予受理”外的全部诉求；只有考核诉求计入各率与时长，诉求数仍含全部诉求。",
              textEn: "Every case except merged and rejected ones; only these enter the rates and durations, the counts show every case."),
        .init(key: "responseRate", zh: "响应率", en: "Response rate",
              textZh: "在响应时限内受理或交办的考核诉求 ÷ 已响应或已过响应时限的考核诉求。",
              textEn: "Assessed cases accepted or dispatched by the response deadline ÷ assessed cases responded or past that deadline."),
        .init(key: "resolutionRate", zh: "解决率", en: "Resolution rate",
              textZh: "已答复（已答复或已办结）的诉求 ÷ 已答复或已过办结时限的考核诉求；是否按时由按时办结率衡量。",
              textEn: "Answered cases (replied or closed) ÷ assessed cases answered or past the resolution deadline; timeliness is the on-time rate's business."),
        .init(key: "satisfactionRate", zh: "满意率", en: "Satisfaction rate",
              textZh: "最终评价为满意或基本满意的已办结诉求 ÷ 有评价的已办结诉求；不满意会重新办理，以回访后的评价为准。",
              textEn: "Closed cases finally rated satisfied or basically satisfied ÷ closed cases with a rating; an unsatisfied rating reopens the case and the later rating replaces it."),
        .init(key: "onTimeRate", zh: "按时办结率", en: "On-time rate",
              textZh: "最后一次答复不晚于办结时限的已答复诉求 ÷ 已答复诉求。",
              textEn: "Answered cases whose last reply was by the resolution deadline ÷ answered cases."),
        .init(key: "gridClosureShare", zh: "小事不出网格", en: "Closed in the grid",
              textZh: "最终由网格或物业办理的已办结诉求 ÷ 已办结诉求。",
              textEn: "Closed cases whose final handler level was grid or property ÷ closed cases."),
        .init(key: "communityClosureShare", zh: "大事不出社区", en: "Closed in the community",
              textZh: "最终由网格、物业或社区办理的已办结诉求 ÷ 已办结诉求。",
              textEn: "Closed cases whose final handler level was grid, property or community ÷ closed cases."),
        .init(key: "hoursToRespond", zh: "响应时长", en: "Hours to respond",
              textZh: "从登记到首次受理或交办的小时数（日历时间），取已响应考核诉求的中位数与第 90 百分位。",
              textEn: "Calendar hours from creation to the first accept or dispatch, over responded assessed cases: median and 90th percentile."),
        .init(key: "hoursToResolve", zh: "答复时长", en: "Hours to resolve",
              textZh: "从登记到最后一次答复的小时数（日历时间），取已答复诉求的中位数与第 90 百分位。",
              textEn: "Calendar hours from creation to the last reply, over answered cases: median and 90th percentile."),
    ]

    static func definition(_ key: String) -> Definition { definitions.first { $0.key == key }! }
}
