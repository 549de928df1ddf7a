import Foundation
import JingzhiCore

extension SiteURL {
    /// The audit trail.
    enum Audit {
        case log(query: [(String, String)])

        enum Pattern {
            static let log = RoutePattern("/audit")
            static let all = [log]
        }

        var path: String {
            switch self {
            case .log(let q): Pattern.log.path() + SiteURL.query(q)
            }
        }
    }
}
