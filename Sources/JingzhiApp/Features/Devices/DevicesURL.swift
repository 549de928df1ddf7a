import Foundation
import JingzhiCore

extension SiteURL {
    /// The device registry and its alarms, for staff, grid workers and property companies.
    enum Devices {
        case list(query: [(String, String)])
        case detail(UUID)
        case clear(alarm: UUID)
        case alarms(query: [(String, String)])
        case importForm
        case keys
        case revokeKey(UUID)

        enum Pattern {
            static let list = RoutePattern("/devices")
            static let alarms = RoutePattern("/devices/alarms")
            static let detail = RoutePattern("/devices/:id")
            static let clear = RoutePattern("/devices/alarms/:id/clear", .POST)
            static let importForm = RoutePattern("/devices/import", .GET, .POST)
            static let keys = RoutePattern("/devices/keys", .GET, .POST)
            static let revokeKey = RoutePattern("/devices/keys/:id/revoke", .POST)
            static let all = [list, alarms, importForm, keys, revokeKey, detail, clear]
        }

        var path: String {
            switch self {
            case .list(let q): Pattern.list.path() + SiteURL.query(q)
            case .detail(let id): Pattern.detail.path(id)
            case .clear(let id): Pattern.clear.path(id)
            case .alarms(let q): Pattern.alarms.path() + SiteURL.query(q)
            case .importForm: Pattern.importForm.path()
            case .keys: Pattern.keys.path()
            case .revokeKey(let id): Pattern.revokeKey.path(id)
            }
        }
    }
}
