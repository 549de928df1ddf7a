import Foundation
import JingzhiCore

extension SiteURL {
    /// The community canteen (社区食堂): menus and ordering, the kitchen, meal delivery.
    enum Canteen {
        case index
        case order
        case cancel(UUID)
        case delivered(UUID)
        case menu(canteen: UUID, day: String, meal: String)
        case soldOut(UUID)
        case assign(UUID)
        case deliveries
        case open

        enum Pattern {
            static let index = RoutePattern("/canteen")
            static let order = RoutePattern("/canteen/orders", .POST)
            static let cancel = RoutePattern("/canteen/orders/:id/cancel", .POST)
            static let delivered = RoutePattern("/canteen/orders/:id/delivered", .POST)
            static let assign = RoutePattern("/canteen/orders/:id/assign", .POST)
            static let menu = RoutePattern("/canteen/menu", .GET, .POST)
            static let soldOut = RoutePattern("/canteen/dishes/:id/sold-out", .POST)
            static let deliveries = RoutePattern("/canteen/deliveries")
            static let open = RoutePattern("/canteen/open", .POST)
            static let all = [index, order, cancel, delivered, assign, menu, soldOut, deliveries, open]
        }

        var path: String {
            switch self {
            case .index: Pattern.index.path()
            case .order: Pattern.order.path()
            case .cancel(let id): Pattern.cancel.path(id)
            case .delivered(let id): Pattern.delivered.path(id)
            case .assign(let id): Pattern.assign.path(id)
            case .menu(let c, let day, let meal): Pattern.menu.path() + SiteURL.query([("canteen", c.uuidString), ("day", day), ("meal", meal)])
            case .soldOut(let id): Pattern.soldOut.path(id)
            case .deliveries: Pattern.deliveries.path()
            case .open: Pattern.open.path()
            }
        }
    }
}
