import Foundation
import JingzhiCore
import Vapor

/// The days the map and heat layer cover, ending today (Asia/Shanghai).
enum CommandCentrePeriod: String, CaseIterable, Sendable {
    case today
    case week = "7d"
    case days30 = "30d"
    /// The calendar month so far.
    case month
    case year = "365d"

    static let standard = CommandCentrePeriod.month

    func label(_ lang: Lang) -> String {
        switch self {
        case .today: lang.t("今日", "Today")
        case .week: lang.t("近7天", "Last 7 days")
        case .days30: lang.t("近30天", "Last 30 days")
        case .month: lang.t("本月", "This month")
        case .year: lang.t("近一年", "Last 365 days")
        }
    }

    /// First and last day (inclusive, `yyyy-MM-dd`) of the period that contains `now`.
    func days(now: Date) -> (from: String, to: String) {
        let today = ShanghaiTime.today(now)
        switch self {
        case .today: return (today, today)
        case .week: return (ShanghaiTime.add(-6, to: today), today)
        case .days30: return (ShanghaiTime.add(-29, to: today), today)
        case .month: return (String(today.prefix(8)) + "01", today)
        case .year: return (ShanghaiTime.add(-364, to: today), today)
        }
    }
}

/// Cases created in a period, by where they stand now. `inProgress` are the ones not yet answered (submitted,
/// accepted, dispatched, in progress, returned, escalated, reopened), `overdue` those of them past their reply
/// deadline, `awaitingRating` the replied ones, `closed` the closed ones; rejected and merged cases count only in `new`.
struct CommandCentreTally: Content, Equatable {
    var from: String
    var to: String
    var new: Int
    var inProgress: Int
    var overdue: Int
    var awaitingRating: Int
    var closed: Int
}

/// Every unanswered case under the node now, whenever it was created.
struct CommandCentreBacklog: Content, Equatable {
    var open: Int
    var overdue: Int
    /// Reply due within the next 24 hours.
    var dueSoon: Int
}

/// The measures of the cases created this month (definitions on `CaseMeasures`).
struct CommandCentreRates: Content, Equatable {
    var month: String
    var responseRate: Double?
    var resolutionRate: Double?
    var satisfactionRate: Double?
    var onTimeRate: Double?
    var gridClosureShare: Double?
    /// What each rate is of: numerator and denominator (n), shown beside the rate.
    var basis: CaseMeasures.Basis

    init(month: String, _ m: CaseMeasures) {
        self.month = month
        basis = m.basis
        responseRate = m.responseRate
        resolutionRate = m.resolutionRate
        satisfactionRate = m.satisfactionRate
        onTimeRate = m.onTimeRate
        gridClosureShare = m.gridClosureShare
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(month, forKey: .month)
        try c.encode(responseRate, forKey: .responseRate)
        try c.encode(resolutionRate, forKey: .resolutionRate)
        try c.encode(satisfactionRate, forKey: .satisfactionRate)
        try c.encode(onTimeRate, forKey: .onTimeRate)
        try c.encode(gridClosureShare, forKey: .gridClosureShare)
        try c.encode(basis, forKey: .basis)
    }
}

/// One line of the overdue or due-soon list, for dispatch and supervision (督办).
struct CommandCentreCase: Content, Equatable {
    var id: UUID
    var number: String
    var category: String
    var categoryName: String
    var place: String
    var state: String
    var handlerLevel: String
    var dueAt: Date?
    /// Hours past the deadline (negative: hours left).
    var hoursOverdue: Double?
    /// The last supervision notice (督办) on the case, by anyone.
    var supervisedAt: Date?
}

/// `GET /api/v1/command-centre`: the live figures.
struct CommandCentreSummary: Content {
    var node: CaseMeasures.NodeRef?
    var asOf: Date
    var today: CommandCentreTally
    var month: CommandCentreTally
    var backlog: CommandCentreBacklog
    var rates: CommandCentreRates
    var overdue: [CommandCentreCase]
    var dueSoon: [CommandCentreCase]
    var patrols: CommandCentrePatrolsBlock
}

/// One grid of the choropleth.
struct CommandCentreGrid: Content, Equatable {
    var id: UUID
    var code: String
    var name: String
    var community: String?
    var households: Int
    var cases: Int
    /// Cases in the period per 1,000 households; null for a grid without households.
    var casesPer1000Households: Double?
    var hasBoundary: Bool
}

struct CommandCentreHeatCell: Content, Equatable {
    var column: Int
    var row: Int
    var count: Int
}

/// Cases with coordinates binned into square cells over the map (see `HeatGrid`).
struct CommandCentreHeat: Content, Equatable {
    var west: Double
    var south: Double
    var east: Double
    var north: Double
    var columns: Int
    var rows: Int
    var cellLon: Double
    var cellLat: Double
    var cells: [CommandCentreHeatCell]
    /// Cases in the period (and category) with coordinates inside the map, and all of them.
    var located: Int
    var total: Int
}

/// `GET /api/v1/command-centre/map`.
struct CommandCentreMap: Content {
    var period: String
    var from: String
    var to: String
    var category: String?
    var grids: [CommandCentreGrid]
    var heat: CommandCentreHeat?
    /// Grids with devices (absent without the device feature).
    var devices: [CommandCentreGridDevices]?
}

struct CommandCentreCategoryDays: Content, Equatable {
    var code: String
    var name: String
    var counts: [Int]
}

struct CommandCentreMonthRates: Content, Equatable {
    var month: String
    var cases: Int
    var responseRate: Double?
    var resolutionRate: Double?
    var satisfactionRate: Double?

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(month, forKey: .month)
        try c.encode(cases, forKey: .cases)
        try c.encode(responseRate, forKey: .responseRate)
        try c.encode(resolutionRate, forKey: .resolutionRate)
        try c.encode(satisfactionRate, forKey: .satisfactionRate)
    }
}

/// `GET /api/v1/command-centre/trends`: cases per day by category (last 30 days; the six biggest categories and
/// "other"), and the three rates per month (last 12 months; months before this one may be up to 15 minutes old).
struct CommandCentreTrends: Content {
    var days: [String]
    var categories: [CommandCentreCategoryDays]
    var months: [CommandCentreMonthRates]
}
