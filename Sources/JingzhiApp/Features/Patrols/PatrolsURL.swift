import Foundation
import JingzhiCore

extension SiteURL {
    /// The grid worker's patrol page and the desks' patrol list.
    enum Patrols {
        case patrol
        case start
        case fixes(UUID)
        case checkin(UUID)
        case event(UUID)
        case end(UUID)
        case script
        case list(query: [(String, String)])
        case detail(UUID)

        enum Pattern {
            static let patrol = RoutePattern("/patrol")
            static let start = RoutePattern("/patrol/start", .POST)
            static let fixes = RoutePattern("/patrol/:id/fixes", .POST)
            static let checkin = RoutePattern("/patrol/:id/checkin", .POST)
            static let event = RoutePattern("/patrol/:id/event", .POST)
            static let end = RoutePattern("/patrol/:id/end", .POST)
            static let script = RoutePattern("/static/patrol.js")
            static let list = RoutePattern("/patrols")
            static let detail = RoutePattern("/patrols/:id")
            static let all = [patrol, start, fixes, checkin, event, end, script, list, detail]
        }

        var path: String {
            switch self {
            case .patrol: Pattern.patrol.path()
            case .start: Pattern.start.path()
            case .fixes(let id): Pattern.fixes.path(id)
            case .checkin(let id): Pattern.checkin.path(id)
            case .event(let id): Pattern.event.path(id)
            case .end(let id): Pattern.end.path(id)
            case .script: Pattern.script.path()
            case .list(let q): Pattern.list.path() + SiteURL.query(q)
            case .detail(let id): Pattern.detail.path(id)
            }
        }
    }
}
