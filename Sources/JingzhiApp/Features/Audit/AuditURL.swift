import Foundation
import JingzhiCore

extension SiteURL {
    /// The audit trail.
    enum Audit {
        case log(query: [(String, String)])
        case personalData(query: [(String, String)])

        enum Pattern {
            static let log = RoutePattern("/audit")
            static let personalData = RoutePattern("/audit/personal-data")
            static let all = [log, personalData]
        }

        var path: String {
            switch self {
            case .log(let q): Pattern.log.path() + SiteURL.query(q)
            case .personalData(let q): Pattern.personalData.path() + SiteURL.query(q)
            }
        }
    }
}
