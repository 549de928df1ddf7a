import Foundation
import JingzhiCore

extension SiteURL {
    /// Care visits and visit plans.
    enum Visits {
        case overview(query: [(String, String)])
        case plans
        case retirePlan(UUID)
        case record(household: UUID?)

        enum Pattern {
            static let overview = RoutePattern("/visits")
            static let plans = RoutePattern("/visits/plans", .POST)
            static let retirePlan = RoutePattern("/visits/plans/:id/retire", .POST)
            static let record = RoutePattern("/visits/record", .GET, .POST)
            static let all = [overview, plans, retirePlan, record]
        }

        var path: String {
            switch self {
            case .overview(let q): Pattern.overview.path() + SiteURL.query(q)
            case .plans: Pattern.plans.path()
            case .retirePlan(let id): Pattern.retirePlan.path(id)
            case .record(let household): Pattern.record.path() + SiteURL.query([("household", household?.uuidString ?? "")])
            }
        }
    }
}
