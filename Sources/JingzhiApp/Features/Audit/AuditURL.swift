import Foundation
import JingzhiCore

extension SiteURL {
    /// The audit trail.
    enum Audit {
        case log(query: [(String, String)])

        var path: String {
            switch self {
            case .log(let q): "/audit" + SiteURL.query(q)
            }
        }
    }
}
