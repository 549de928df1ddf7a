import Foundation
import JingzhiCore

extension SiteURL {
    /// The device registry and its alarms, for staff, grid workers and property companies.
    enum Devices {
        case list(query: [(String, String)])
        case detail(UUID)
        case clear(alarm: UUID)
        case alarms(query: [(String, String)])

        enum Pattern {
            static let list = RoutePattern("/devices")
            static let alarms = RoutePattern("/devices/alarms")
            static let detail = RoutePattern("/devices/:id")
            static let clear = RoutePattern("/devices/alarms/:id/clear", .POST)
            static let all = [list, alarms, detail, clear]
        }

        var path: String {
            switch self {
            case .list(let q): Pattern.list.path() + SiteURL.query(q)
            case .detail(let id): Pattern.detail.path(id)
            case .clear(let id): Pattern.clear.path(id)
            case .alarms(let q): Pattern.alarms.path() + SiteURL.query(q)
            }
        }
    }
}
