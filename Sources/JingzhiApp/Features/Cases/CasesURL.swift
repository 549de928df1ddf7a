import Foundation
import JingzhiCore

extension SiteURL {
    /// The case queue and pages, hotline intake, QR intake and tracking, categories, messages.
    enum Cases {
        case queue(query: [(String, String)])
        case new(node: UUID?, category: String? = nil)
        case bulk
        case hotline
        case hotlineCaller
        case detail(UUID)
        case act(UUID, action: String)
        case photos(UUID)
        case photo(UUID, photo: UUID)
        case notifications
        case categories
        case category(code: String)
        case qrIntake(code: String)
        case track(number: String?)
        case qrSheet(node: UUID)

        enum Pattern {
            static let queue = RoutePattern("/cases")
            static let new = RoutePattern("/cases/new", .GET, .POST)
            static let bulk = RoutePattern("/cases/bulk", .POST)
            static let hotline = RoutePattern("/cases/hotline", .GET, .POST)
            static let hotlineCaller = RoutePattern("/cases/hotline/caller", .POST)
            static let detail = RoutePattern("/cases/:id")
            static let act = RoutePattern("/cases/:id/act/:action", .POST)
            static let photos = RoutePattern("/cases/:id/photos", .POST)
            static let photo = RoutePattern("/cases/:id/photos/:photoId")
            static let notifications = RoutePattern("/notifications")
            static let categories = RoutePattern("/case-categories")
            static let category = RoutePattern("/case-categories/:code", .POST)
            static let qrIntake = RoutePattern("/c/:code", .GET, .POST)
            static let track = RoutePattern("/track", .GET, .POST)
            static let qrSheet = RoutePattern("/org/:id/qr")
            static let all = [queue, new, bulk, hotline, hotlineCaller, detail, act, photos, photo, notifications,
                              categories, category, qrIntake, track, qrSheet]
        }

        var path: String {
            switch self {
            case .queue(let q): Pattern.queue.path() + SiteURL.query(q)
            case .new(let node, let category): Pattern.new.path() + SiteURL.query([("node", node?.uuidString ?? ""), ("category", category ?? "")])
            case .bulk: Pattern.bulk.path()
            case .hotline: Pattern.hotline.path()
            case .hotlineCaller: Pattern.hotlineCaller.path()
            case .detail(let id): Pattern.detail.path(id)
            case .act(let id, let action): Pattern.act.path(id, action)
            case .photos(let id): Pattern.photos.path(id)
            case .photo(let id, let photo): Pattern.photo.path(id, photo)
            case .notifications: Pattern.notifications.path()
            case .categories: Pattern.categories.path()
            case .category(let code): Pattern.category.path(code)
            case .qrIntake(let code): Pattern.qrIntake.path(code)
            case .track(let number): Pattern.track.path() + SiteURL.query([("number", number ?? "")])
            case .qrSheet(let node): Pattern.qrSheet.path(node)
            }
        }
    }
}
